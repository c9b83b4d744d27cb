"""Roll-up and year-end summary on the province-scale data, each against a floor measured in the same run.

Prints one JSON line per benchmark::

    {"name": …, "value": seconds, "floor": seconds, "ratio": value/floor, "max_ratio": goal, "peak_mb": …}

* ``rollup_full_year`` — the nightly full roll-up of one year for the whole province (every
  plan of the 70 committees; the stored roll-up is there, as every night) against one
  hand-written SQL statement computing the same numbers (``floor_rollup.sql``); goal ≤ 1.5×
  the floor and under 10 s, so ``max_ratio`` = min(1.5, 10 s / floor).
* ``rollup_full_year_from_empty`` — the same with no stored roll-up (every row written).
* ``rollup_incremental`` — one accepted report (an approved one is accepted, then rolled up)
  against the SQL of just the numbers it changes (``floor_incremental.sql``); goal under
  50 ms, so ``max_ratio`` = 0.05 s / floor.
* ``year_end_workbook`` — the province's workbook (all 70 committees' plans) against writing
  the same cells with bare XlsxWriter in constant-memory mode (the writer it uses); each in
  a fresh process; as a production worker runs it, two forked children read the rows while
  the process writes. Peak memory is of the process and its children together, sampled in
  one more run (goal ≤ 1.2×, ≤ 10 s and under 300 MB).

Values and floors are medians of runs that alternate between the two, so that load on the
machine hits both alike. The numbers the roll-up stores are checked against the floor's.
"""
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from demo import scale
from reports.models import ProgressReport
from rollups import engine as rollup
from rollups.models import RollupRun, TargetRollup, TaskRollup, UnitRollup
from tasks.models import WorkPlan
from tests.bench.workbook_probe import bench_database_url
from units.models import Committee

pytestmark = pytest.mark.bench

HERE = Path(__file__).resolve().parent
YEAR = 2025
RUNS = 7
FULL_MAX_RATIO, FULL_MAX_SECONDS = 1.5, 10.0
INCREMENTAL_MAX_SECONDS = 0.05
WORKBOOK_MAX_RATIO, WORKBOOK_MAX_SECONDS, WORKBOOK_MAX_MB, WORKBOOK_RUNS = 1.2, 10.0, 300, 3


def emit(name, value, floor, max_ratio, peak_mb):
    line = {"name": name, "value": round(value, 4), "floor": round(floor, 4), "ratio": round(value / floor, 3),
            "max_ratio": round(max_ratio, 3), "peak_mb": round(peak_mb, 1)}
    print(json.dumps(line, ensure_ascii=False), flush=True)
    return line


class Peak:
    """Peak resident memory of this process since ``reset()`` (Linux: VmHWM, reset via clear_refs)."""

    def reset(self):
        try:
            with open("/proc/self/clear_refs", "w") as fh:
                fh.write("5")
        except OSError:
            pass

    def mb(self):
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
        return 0.0


def timed(fn):
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def floor_rows(year):
    sql = (HERE / "floor_rollup.sql").read_text(encoding="utf-8")
    with connection.cursor() as cursor:
        cursor.execute(sql, {"year": year, "today": timezone.localdate()})
        return cursor.fetchall()


def assert_same_numbers(rows, year):
    """Every number the roll-up stored equals the floor's."""
    floor = {(r[0], r[1], r[2]): r for r in rows}
    targets = TargetRollup.objects.filter(year=year).values_list(
        "target_id", "task_id", "reached", "ratio", "projection", "status", "as_of")
    for target_id, task_id, *values in targets:
        r = floor.pop(("target", target_id, task_id))
        assert tuple(values) == (r[3], r[4], r[5], r[8], r[9]), (target_id, values, r)
    for t in TaskRollup.objects.filter(year=year):
        r = floor.pop(("task", t.task_id, t.plan_id))
        packed = t.units_assigned * 1000000 + t.units_reported * 1000 + t.reports_accepted
        assert (t.targets_total, t.ratio, t.projection, t.targets_reached, packed, t.status, t.as_of) == \
            (r[3], r[4], r[5], r[6], r[7], r[8], r[9]), (t.task_id, r)
    for u in UnitRollup.objects.filter(year=year):
        r = floor.pop(("unit", u.plan_id, u.unit_id))
        assert (u.reports_expected, u.reports_submitted, u.reports_on_time, u.reports_accepted, u.returns) == \
            tuple(r[3:8]), (u.unit_id, r)
    assert not floor, f"{len(floor)} numbers of the floor have no stored roll-up"


@pytest.fixture(scope="module")
def province(bench_db):
    root = Committee.objects.get(code=scale.ROOT_CODE)
    plan = WorkPlan.objects.get(committee=root, period_start=YEAR)
    return root, plan


def test_full_rollup_against_the_sql_floor(province):
    root, _plan = province
    peak = Peak()

    def full():
        return rollup.recompute_year(YEAR, committee_ids=[root.pk])

    plans = Committee.objects.count()  # one plan a committee and year (70, or 205 for the largest preset)
    full()  # warm up both, and make sure a stored roll-up exists (the nightly situation)
    rows = floor_rows(YEAR)
    assert_same_numbers(rows, YEAR)

    values, floors, peaks = [], [], []
    for _ in range(RUNS):
        seconds, _ = timed(lambda: floor_rows(YEAR))
        floors.append(seconds)
        peak.reset()
        seconds, result = timed(full)
        peaks.append(peak.mb())
        values.append(seconds)
        assert result["plans"] == plans
    floor = statistics.median(floors)
    emit("rollup_full_year", statistics.median(values), floor, min(FULL_MAX_RATIO, FULL_MAX_SECONDS / floor),
         max(peaks))

    values, floors, peaks = [], [], []
    plan_ids = list(WorkPlan.objects.for_year(YEAR).values_list("pk", flat=True))
    for _ in range(RUNS):
        for model in (TargetRollup, TaskRollup, UnitRollup):  # not timed: start from an empty roll-up
            model.objects.filter(plan_id__in=plan_ids, year=YEAR).delete()
            with connection.cursor() as cursor:  # as a table that was never written, not one full of dead rows
                cursor.execute(f"VACUUM {model._meta.db_table}")
        seconds, _ = timed(lambda: floor_rows(YEAR))
        floors.append(seconds)
        peak.reset()
        seconds, _ = timed(full)
        peaks.append(peak.mb())
        values.append(seconds)
    assert_same_numbers(floor_rows(YEAR), YEAR)
    floor = statistics.median(floors)
    emit("rollup_full_year_from_empty", statistics.median(values), floor,
         min(FULL_MAX_RATIO, FULL_MAX_SECONDS / floor), max(peaks))


def test_incremental_rollup_after_one_accepted_report(province):
    _root, plan = province
    if not RollupRun.objects.filter(plan=plan, year=YEAR, computed_at__isnull=False).exists():
        rollup.recompute_year(YEAR)
    Status = ProgressReport.Status
    waiting = list(ProgressReport.objects.filter(round__plan=plan, status=Status.APPROVED)
                   .order_by("pk").values_list("pk", flat=True)[:RUNS + 1])
    assert len(waiting) == RUNS + 1, "the scale data has too few reports waiting for the office"
    sql = (HERE / "floor_incremental.sql").read_text(encoding="utf-8")
    peak = Peak()

    def floor(report_id):
        with connection.cursor() as cursor:
            cursor.execute(sql, {"report": report_id, "year": YEAR, "today": timezone.localdate()})
            return cursor.fetchall()

    values, floors, peaks = [], [], []
    try:
        for index, report_id in enumerate(waiting):
            ProgressReport.objects.filter(pk=report_id).update(status=Status.ACCEPTED)  # the office accepts it
            seconds, _ = timed(lambda: floor(report_id))  # noqa: B023
            peak.reset()
            spent, result = timed(lambda: rollup.recompute_for_report(report_id))  # noqa: B023
            assert result["years"] == [YEAR]
            if index:  # the first one warms up
                floors.append(seconds)
                values.append(spent)
                peaks.append(peak.mb())
        assert_same_numbers(floor_rows(YEAR), YEAR)  # the incremental runs left what a full one computes
    finally:  # leave the data as it was, roll-up included
        for report_id in waiting:
            ProgressReport.objects.filter(pk=report_id).update(status=Status.APPROVED)
            rollup.recompute_for_report(report_id)
    floor_seconds = statistics.median(floors)
    emit("rollup_incremental", statistics.median(values), floor_seconds, INCREMENTAL_MAX_SECONDS / floor_seconds,
         max(peaks))


def _probe(mode, plan):
    env = {**__import__("os").environ, "DATABASE_URL": bench_database_url(), "CONN_MAX_AGE": "0"}
    done = subprocess.run([sys.executable, "-m", "tests.bench.workbook_probe", mode, str(plan.pk), str(YEAR)],
                          cwd=HERE.parents[1], env=env, capture_output=True, text=True, timeout=1800)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_year_end_workbook_against_the_bare_writer(province):
    _root, plan = province
    if not RollupRun.objects.filter(plan=plan, year=YEAR, computed_at__isnull=False).exists():
        rollup.recompute_year(YEAR)
    connection.close()  # the probes run in their own processes
    ours, bare = [], []
    for _ in range(WORKBOOK_RUNS):
        ours.append(_probe("luoshi", plan))
        bare.append(_probe("bare", plan))
    assert abs(ours[0]["bytes"] - bare[0]["bytes"]) / bare[0]["bytes"] < 0.5  # same cells, plus styles
    value, floor = statistics.median(r["seconds"] for r in ours), statistics.median(r["seconds"] for r in bare)
    # The writer and its reading children together, measured in one more (untimed) run.
    peak = _probe("memory", plan)["peak_mb"]
    line = emit("year_end_workbook", value, floor, min(WORKBOOK_MAX_RATIO, WORKBOOK_MAX_SECONDS / floor), peak)
    assert peak < WORKBOOK_MAX_MB, line
