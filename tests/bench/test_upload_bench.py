"""The largest legitimate uploads go through their caps untouched, and fast enough.

* ``excel_upload_60x3``: a unit's filled Excel template for a round of a 60-task plan with 3 targets
  per task (180 figure rows, every task's narrative filled) — the real path, ``reports.excel.read_upload``
  (open, check every row, then save every report through ``services.save_draft`` with versions,
  history and figure rules). Floor: a bare openpyxl read of the same cells and one bulk insert of the
  180 figures. The plan is built on the province committee of the benchmark database inside a
  transaction that is rolled back; each run is rolled back to its savepoint.
  Goal: ratio ≤ 40 and < a tenth of the job's soft time limit (``LUOSHI_EXCEL_SOFT_SECONDS``). Each
  report is saved one by one through the one write path of the web, the API and Excel: a permission
  check, a row lock, the version check, validation, the report's update and its history row, then each
  figure and its history row — about a dozen statements per report, 60 reports, where the floor issues
  two statements in all; ~23 statements per report remain (measured 1,505 → 1,385 queries for the
  upload after the figures of a report are read in one query), so 40 leaves room for a loaded machine.
* ``import_10mb_plan``: a 10 MB text plan of 2,000 tasks (long task texts with targets and units,
  just under ``LUOSHI_MAX_UPLOAD_BYTES``) parsed by the importer (``parse_file`` with target
  extraction), against a floor that decodes the text, splits it into lines, finds the numbered items
  and makes one regular-expression pass over every character for bracketed clauses and numbers.
  Goal: ratio ≤ 30 (the parser makes about a dozen passes over each task's text — normalisation,
  outline, unit clauses, dates, quotation shields, targets — where the floor makes one), the whole
  parse inside a quarter of the job's soft time limit (``LUOSHI_IMPORT_SOFT_SECONDS``) and under
  1 GB of peak memory.

Each prints one JSON line (``emit``); each fails when its goal is missed.
"""
import io
import json
import re
import statistics
import time
import tracemalloc
from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from openpyxl import load_workbook

from demo import scale
from reports import excel
from reports import services as report_services
from reports.models import TargetValue
from targets.extraction import extract_targets
from targets.models import Target
from tasks.importer import parse_file
from tasks.models import Assignment, Section, Task, WorkPlan
from tests.bench.test_rollup_bench import Peak, emit
from tests.plan_fixtures import PLANS
from units.models import Committee, Unit, UnitRole

pytestmark = pytest.mark.bench

TASKS, TARGETS_PER_TASK = 60, 3
EXCEL_RUNS = 7
EXCEL_MAX_RATIO = 40
PLAN_TASKS = 2000
PLAN_RUNS = 3
PLAN_MAX_RATIO = 30
COL = excel.COL


def _median(fn, runs):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


# ---------------------------------------------------------------- Excel: 60 tasks × 3 targets

def _unit_round(committee):
    unit = Unit.objects.filter(committee=committee).order_by("order").first()
    plan = WorkPlan.objects.create(committee=committee, title="基准测试：60项任务×3个目标", period_start=2031,
                                   period_end=2031, status=WorkPlan.Status.PUBLISHED)
    section = Section.objects.create(plan=plan, number="1", path="1", title="重点工作", order=1)
    tasks = Task.objects.bulk_create(
        Task(plan=plan, section=section, ref=str(i + 1), order=i + 1,
             text=f"做好第{i + 1}项重点工作，完善工作机制，确保各项指标按期完成。") for i in range(TASKS))
    Assignment.objects.bulk_create(Assignment(task=t, unit=unit, role="lead", order=1) for t in tasks)
    Target.objects.bulk_create(
        Target(task=t, indicator=f"指标{k + 1}", value=Decimal(1000 + i), measure_unit="人", order=k + 1)
        for i, t in enumerate(tasks) for k in range(TARGETS_PER_TASK))
    rnd = report_services.create_round(plan=plan, period_kind="quarter", period_label="2031年第一季度",
                                       period_start="2031-01-01", period_end="2031-03-31",
                                       opens_on="2031-03-20", due_on="2031-04-10")
    user = get_user_model().objects.create(username=f"bench-reporter-{time.time_ns()}")
    UnitRole.objects.create(user=user, unit=unit, role=UnitRole.Role.REPORTER)
    return rnd, unit, user


def _filled_template(rnd, unit, user) -> bytes:
    wb = load_workbook(io.BytesIO(excel.build_template(rnd=rnd, unit=unit, user=user)))
    ws = wb[excel.SHEET]
    seen = set()
    for row in range(excel.FIRST_DATA_ROW, ws.max_row + 1):
        report = ws.cell(row=row, column=COL["report"]).value
        if report is None:
            continue
        ws.cell(row=row, column=COL["figure"], value=500 + row)
        ws.cell(row=row, column=COL["note"], value="统计部门季度数据")
        if report not in seen:
            seen.add(report)
            ws.cell(row=row, column=COL["progress"], value="本季度按计划推进，" * 40)
            ws.cell(row=row, column=COL["problems"], value="部分地区进度偏慢。" * 20)
            ws.cell(row=row, column=COL["next_steps"], value="加强调度，按月通报。" * 20)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _floor(data, reports_by_id):
    """Read the same cells bare, then insert the 180 figures in one statement."""
    wb = load_workbook(io.BytesIO(data), read_only=True)
    rows = list(wb[excel.SHEET].iter_rows(min_row=excel.FIRST_DATA_ROW, max_col=len(excel.COLUMNS), values_only=True))
    wb.close()
    values = [TargetValue(report_id=r[COL["report"] - 1], target_id=r[COL["target"] - 1],
                          value=Decimal(str(r[COL["figure"] - 1]))) for r in rows if r[0] is not None]
    TargetValue.objects.bulk_create(values)
    return len(values)


def test_largest_legitimate_excel_upload(bench_db):
    committee = Committee.objects.get(code=scale.ROOT_CODE)
    peak = Peak()
    with transaction.atomic():
        rnd, unit, user = _unit_round(committee)
        data = _filled_template(rnd, unit, user)
        reports = {r.pk: r for r in excel.template_reports(rnd, unit)}
        assert len(data) <= settings.LUOSHI_MAX_UPLOAD_BYTES

        def real():
            with transaction.atomic():
                result = excel.read_upload(rnd=rnd, unit=unit, user=user, upload=SimpleUploadedFile("填报.xlsx", data))
                assert result.ok, [str(p) for p in result.problems[:3]]
                assert len(result.saved) == TASKS
                assert TargetValue.objects.filter(report__round=rnd).count() == TASKS * TARGETS_PER_TASK
                transaction.set_rollback(True)

        def floor():
            with transaction.atomic():
                assert _floor(data, reports) == TASKS * TARGETS_PER_TASK
                transaction.set_rollback(True)

        real(), floor()  # warm-up
        peak.reset()
        value = _median(real, EXCEL_RUNS)
        floor_value = _median(floor, EXCEL_RUNS)
        peak_mb = peak.mb()
        transaction.set_rollback(True)
    line = emit("excel_upload_60x3", value, floor_value, EXCEL_MAX_RATIO, peak_mb)
    print(json.dumps({"name": "excel_upload_60x3_size", "bytes": len(data), "rows": TASKS * TARGETS_PER_TASK,
                      "runs_as_job": len(data) > settings.LUOSHI_EXCEL_SYNC_MAX_BYTES}), flush=True)
    assert line["ratio"] <= EXCEL_MAX_RATIO, line
    assert value < settings.LUOSHI_EXCEL_SOFT_SECONDS / 10, line


# ---------------------------------------------------------------- a 10 MB plan of 2,000 tasks

CN = "一二三四五六七八九"


def chinese(n: int) -> str:
    """1–99 in Chinese numerals (十一, 二十, 三十九), as section headings print them."""
    tens, ones = divmod(n, 10)
    return ("" if tens == 0 else ("十" if tens == 1 else CN[tens - 1] + "十")) + ("" if ones == 0 else CN[ones - 1])


def ten_mb_plan() -> bytes:
    """2,000 tasks from the 2021 plan's real ones, each made long (≈ 5 KB) with more sentences, in 40
    sections of 50 (numbered within each section); the whole just under the upload cap."""
    plan = json.loads((PLANS / "jilin-2021-key-tasks.expected.json").read_text(encoding="utf-8"))
    source = plan["tasks"]
    budget = settings.LUOSHI_MAX_UPLOAD_BYTES - 64 * 1024
    per_task = budget // PLAN_TASKS
    lines = ["关于印发《某省残疾人工作委员会2031年重点工作任务》的通知", "某政残工委发〔2031〕1号", ""]
    for n in range(PLAN_TASKS):
        if n % 50 == 0:  # 40 sections of 50 tasks, numbered 1–50 in each (as long plans print them)
            lines.append(f"　　{chinese(n // 50 + 1)}、第{n // 50 + 1}部分重点工作")
        task = source[n % len(source)]
        units = (f"（牵头单位：{'、'.join(task['lead_units'] or ['省残联'])}；"
                 f"参加单位：{'、'.join(task['participating_units'] or ['省财政厅'])}）")
        head = f"　　{n % 50 + 1}.{task['text']}"
        filler = "健全工作机制，加强督促检查，及时总结推广经验做法，确保任务按期完成。"
        body = head
        while len((body + filler + units).encode()) < per_task:
            body += filler
        lines.append(body + units)
    data = "\n".join(lines).encode()
    assert len(data) <= settings.LUOSHI_MAX_UPLOAD_BYTES
    return data


def test_largest_legitimate_plan():
    data = ten_mb_plan()
    marker = re.compile(r"^\s*(\d+)[.．、]")
    clause = re.compile(r"[（(][^（()）]*[）)]|\d+(?:\.\d+)?")

    def floor():
        """What any importer does at least: decode, split into lines, find the numbered items, and one
        regex pass over every character for the bracketed clauses and the numbers (units, targets)."""
        text = data.decode("utf-8")
        items = [m.group(1) for line in text.splitlines() if (m := marker.match(line))]
        assert sum(1 for _ in clause.finditer(text)) > len(items)
        return items

    def real():
        return parse_file(data, "plan.txt", max_bytes=settings.LUOSHI_MAX_UPLOAD_BYTES, extract_targets=extract_targets)

    result = real()
    assert len(result["tasks"]) == PLAN_TASKS == len(floor())
    value = _median(real, PLAN_RUNS)
    floor_value = _median(floor, PLAN_RUNS)
    tracemalloc.start()
    real()
    peak_mb = tracemalloc.get_traced_memory()[1] / 1024 / 1024
    tracemalloc.stop()
    line = emit("import_10mb_plan", value, floor_value, PLAN_MAX_RATIO, peak_mb)
    print(json.dumps({"name": "import_10mb_plan_size", "bytes": len(data), "tasks": PLAN_TASKS,
                      "targets": sum(len(t.get("targets", [])) for t in result["tasks"])}), flush=True)
    assert line["ratio"] <= PLAN_MAX_RATIO, line
    assert value < settings.LUOSHI_IMPORT_SOFT_SECONDS / 4, line
    assert peak_mb < 1024, line
