"""Plan editor speed: the office's edit page of a 168-task plan at province scale, against the bare query.

The plan is built inside a transaction on the province committee of the benchmark database (40 member
units) — 168 tasks in 8 sections, one lead and two participating units and 1.5 targets per task — and
rolled back at the end. The value is ``GET /plans/<id>/edit/`` through the full middleware with Django's
test client (logged in as the committee's office); the floor is the one SQL statement that reads the same
tasks, units and targets. Prints one JSON line and fails if the median ratio reaches ``MAX_RATIO``.
"""
import json
import statistics
import time

import pytest
from django.db import connection, transaction
from django.test import Client

from demo import scale
from targets.models import Target
from tasks.models import Assignment, Section, Task, WorkPlan
from units.models import Committee, Unit, UnitRole

pytestmark = pytest.mark.bench

TASKS, SECTIONS = 168, 8
WARMUP, RUNS = 5, 40
MAX_RATIO = 30

FLOOR_SQL = """
SELECT t.id, t.ref, t.text, t.deadline, s.number, s.title,
       (SELECT string_agg(u.short_name || ':' || a.role, '、' ORDER BY a.role, a."order")
          FROM tasks_assignment a JOIN units_unit u ON u.id = a.unit_id WHERE a.task_id = t.id),
       (SELECT string_agg(g.indicator || g.comparator || g.value::text || g.measure_unit, '；' ORDER BY g."order")
          FROM targets_target g WHERE g.task_id = t.id)
  FROM tasks_task t LEFT JOIN tasks_section s ON s.id = t.section_id
 WHERE t.plan_id = %s ORDER BY s."order", t."order"
"""


def build_plan(committee):
    from django.contrib.auth import get_user_model

    units = list(Unit.objects.filter(committee=committee).order_by("order")[:40])
    plan = WorkPlan.objects.create(committee=committee, title="基准测试：168项任务的计划", period_start=2030,
                                   period_end=2030, status=WorkPlan.Status.DRAFT)
    sections = Section.objects.bulk_create(
        Section(plan=plan, number=str(i + 1), path=str(i + 1), title=f"第{i + 1}部分", order=i + 1) for i in range(SECTIONS)
    )
    tasks = Task.objects.bulk_create(
        Task(plan=plan, section=sections[i % SECTIONS], ref=str(i + 1), order=i + 1,
             text=f"做好第{i + 1}项重点工作，完善工作机制，确保城镇新增残疾人就业{100 + i}人以上。") for i in range(TASKS)
    )
    Assignment.objects.bulk_create(
        Assignment(task=t, unit=units[(i + k) % len(units)], role="lead" if k == 0 else "participating", order=k + 1)
        for i, t in enumerate(tasks) for k in range(3)
    )
    Target.objects.bulk_create(
        Target(task=t, indicator="城镇新增残疾人就业", value=100 + i, measure_unit="人", order=k + 1)
        for i, t in enumerate(tasks) for k in range(1 + i % 2)
    )
    office = get_user_model().objects.create(username=f"bench-office-{time.time_ns()}")
    UnitRole.objects.create(user=office, unit=units[0], role=UnitRole.Role.OFFICE)
    return plan, office


def test_plan_edit_page_of_a_168_task_plan(bench_db):
    root = Committee.objects.get(code=scale.ROOT_CODE)
    with transaction.atomic():
        plan, office = build_plan(root)
        client = Client()
        client.force_login(office)
        url = f"/plans/{plan.pk}/edit/"

        def page():
            response = client.get(url)
            assert response.status_code == 200
            return response

        def floor():
            with connection.cursor() as cursor:
                cursor.execute(FLOOR_SQL, [plan.pk])
                return cursor.fetchall()

        assert len(floor()) == TASKS and page().content.decode().count('class="row-actions"') == TASKS
        for _ in range(WARMUP):
            page(), floor()
        values, floors = [], []
        for _ in range(RUNS):  # alternate, so that load on the machine hits both alike
            start = time.perf_counter()
            page()
            values.append(time.perf_counter() - start)
            start = time.perf_counter()
            floor()
            floors.append(time.perf_counter() - start)
        transaction.set_rollback(True)
    value, floor_value = statistics.median(values), statistics.median(floors)
    ratio = value / floor_value
    print(json.dumps({"name": "plan_edit_page_168_tasks", "value": round(value, 4), "floor": round(floor_value, 5),
                      "ratio": round(ratio, 1), "max_ratio": MAX_RATIO, "p95": round(sorted(values)[int(RUNS * .95)], 4)}))
    assert ratio < MAX_RATIO, f"计划编辑页用时 {value * 1000:.0f} ms，是底线查询的 {ratio:.1f} 倍"
