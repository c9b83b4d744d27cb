"""分解下达 speed at province scale, each against a bare query floor.

* ``derive_county_plan_30_tasks``: a county office derives its plan from its city's 30-task plan (tasks,
  sections, units through 对口 links, targets with the county's shares) — ``tasks.cascade.derive_plan``,
  each run rolled back — against the floor of three bare ``INSERT … SELECT`` statements copying the same
  tasks, assignments and targets.
* ``province_dashboard_70_committees_shares``: the shares section of the province dashboard
  (``rollups.selectors.committee_shares``: every split target's share, figure and derivation for each lower
  committee) with 69 lower committees holding shares (the 9 cities of the scale data plus 60 more made in
  the transaction), against the one SQL statement that reads the same shares and figures. The whole
  dashboard page is timed too (printed, not asserted).

Prints one JSON line per benchmark and fails if the median ratio reaches ``MAX_RATIO``.
"""
import json
import statistics
import time

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.test import Client

from demo import scale
from rollups.selectors import committee_shares
from targets.models import Allocation, Target
from tasks import cascade
from tasks.models import WorkPlan
from units.models import Committee, Counterpart, Unit, UnitRole

pytestmark = pytest.mark.bench

WARMUP, RUNS = 3, 20
MAX_RATIO = 40

DERIVE_FLOOR = [
    """INSERT INTO tasks_task (plan_id, section_id, ref, text, "order", deadline, all_member_units, parent_id)
       SELECT %(new)s, NULL, ref, text, "order", deadline, all_member_units, id FROM tasks_task WHERE plan_id = %(old)s""",
    """INSERT INTO tasks_assignment (task_id, unit_id, role, "order")
       SELECT n.id, a.unit_id, a.role, a."order" FROM tasks_assignment a JOIN tasks_task n ON n.parent_id = a.task_id
        WHERE n.plan_id = %(new)s""",
    """INSERT INTO targets_target (task_id, indicator, value, measure_unit, comparator, per_unit, ambiguous, quote,
                                  "order", allocation_note, pace_weights)
       SELECT n.id, g.indicator, g.value, g.measure_unit, g.comparator, false, false, g.quote, g."order", '',
              g.pace_weights
         FROM targets_target g JOIN tasks_task n ON n.parent_id = g.task_id WHERE n.plan_id = %(new)s""",
]

SHARES_FLOOR = """
SELECT a.target_id, c.name, a.value, r.contributors,
       EXISTS (SELECT 1 FROM tasks_workplan w WHERE w.parent_id = %(plan)s AND w.committee_id = c.id)
  FROM targets_allocation a JOIN targets_target g ON g.id = a.target_id JOIN tasks_task t ON t.id = g.task_id
  JOIN units_committee c ON c.id = a.committee_id
  LEFT JOIN reports_targetrollup r ON r.target_id = a.target_id AND r.year = %(year)s
 WHERE t.plan_id = %(plan)s ORDER BY t."order", g."order", c.code
"""


def _measure(run, floor):
    for _ in range(WARMUP):
        run(), floor()
    values, floors = [], []
    for _ in range(RUNS):  # alternate, so that load on the machine hits both alike
        start = time.perf_counter()
        run()
        values.append(time.perf_counter() - start)
        start = time.perf_counter()
        floor()
        floors.append(time.perf_counter() - start)
    return statistics.median(values), statistics.median(floors), sorted(values)[int(RUNS * .95)]


def _office(unit):
    user = get_user_model().objects.create(username=f"bench-cascade-{time.time_ns()}")
    UnitRole.objects.create(user=user, unit=unit, role=UnitRole.Role.OFFICE)
    return user


def _report(name, value, floor_value, p95, **extra):
    ratio = value / floor_value
    print(json.dumps({"name": name, "value": round(value, 4), "floor": round(floor_value, 5), "ratio": round(ratio, 1),
                      "max_ratio": MAX_RATIO, "p95": round(p95, 4), **extra}))
    return ratio


def test_derive_county_plan_from_a_30_task_city_plan(bench_db):
    with transaction.atomic():
        county = Committee.objects.filter(parent__parent__code=scale.ROOT_CODE).select_related("parent").first()
        city_plan = WorkPlan.objects.filter(committee=county.parent, period_start__lte=2021, period_end__gte=2021).first()
        n_tasks = city_plan.tasks.count()  # 30 (45 with the largest preset)
        assert n_tasks >= 30
        WorkPlan.objects.filter(parent=city_plan, committee=county).update(parent=None)  # derive it afresh
        WorkPlan.objects.filter(pk=city_plan.pk).update(status=WorkPlan.Status.PUBLISHED)
        city_plan.refresh_from_db()
        upper = list(Unit.objects.filter(committee=county.parent).order_by("order"))
        lower = list(Unit.objects.filter(committee=county).order_by("order"))
        Counterpart.objects.filter(committee=county).delete()
        Counterpart.objects.bulk_create(Counterpart(committee=county, unit=lo, upper_unit=up)
                                        for up, lo in zip(upper, lower, strict=False))
        office = _office(lower[0])
        task_ids = list(city_plan.tasks.values_list("pk", flat=True))
        holder = WorkPlan.objects.create(committee=county, title="基准：底线", period_start=2021, period_end=2021)

        def run():
            sid = transaction.savepoint()
            plan, _notes = cascade.derive_plan(parent_plan=city_plan, committee=county, user=office, task_ids=task_ids)
            assert plan.tasks.count() == n_tasks
            transaction.savepoint_rollback(sid)

        def floor():
            sid = transaction.savepoint()
            with connection.cursor() as cursor:
                for statement in DERIVE_FLOOR:
                    cursor.execute(statement, {"new": holder.pk, "old": city_plan.pk})
            transaction.savepoint_rollback(sid)

        value, floor_value, p95 = _measure(run, floor)
        transaction.set_rollback(True)
    ratio = _report("derive_county_plan_30_tasks", value, floor_value, p95, tasks=n_tasks)
    assert ratio < MAX_RATIO, f"承接30项任务用时 {value * 1000:.0f} ms，是底线查询的 {ratio:.1f} 倍"


def test_province_dashboard_with_70_committees_shares(bench_db):
    with transaction.atomic():
        province = Committee.objects.get(code=scale.ROOT_CODE)
        plan = WorkPlan.objects.filter(committee=province, period_start__lte=2021, period_end__gte=2021).first()
        cities = Committee.objects.filter(parent=province).count()  # 9 (21 with the largest preset)
        more = Committee.objects.bulk_create(
            Committee(code=f"bench-city-{i}-{time.time_ns()}", name=f"基准第{i}市残工委", level=Committee.Level.CITY,
                      parent=province) for i in range(60))
        split = list(Target.objects.filter(task__plan=plan, allocations__committee__isnull=False).distinct())
        Allocation.objects.bulk_create(Allocation(target=t, committee=c, value=1) for t in split for c in more)
        lower = Committee.objects.filter(parent=province).count()
        assert lower == cities + 60
        office = _office(Unit.objects.filter(committee=province).order_by("order").first())
        client = Client()
        client.force_login(office)
        url = f"/reports/dashboard/plans/{plan.pk}/?year=2021"

        def run():
            shares, not_derived = committee_shares(plan, 2021)
            assert sum(len(b.rows) for b in shares) == len(split) * lower
            return shares

        def floor():
            with connection.cursor() as cursor:
                cursor.execute(SHARES_FLOOR, {"plan": plan.pk, "year": 2021})
                return cursor.fetchall()

        assert len(floor()) == len(split) * lower
        value, floor_value, p95 = _measure(run, floor)
        page_times = []
        for _ in range(5):
            start = time.perf_counter()
            assert client.get(url).status_code == 200
            page_times.append(time.perf_counter() - start)
        transaction.set_rollback(True)
    ratio = _report("province_dashboard_70_committees_shares", value, floor_value, p95,
                    split_targets=len(split), lower_committees=lower,
                    whole_page=round(statistics.median(page_times), 4))
    assert ratio < MAX_RATIO, f"看板分解部分用时 {value * 1000:.0f} ms，是底线查询的 {ratio:.1f} 倍"
