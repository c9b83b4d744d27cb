"""Every list endpoint costs a constant number of SQL queries, whatever the page size.

Each test fills the list with well over 100 rows (with the related rows each serializer
shows), then reads a page of 10 and a page of 100: the counts must be equal and bounded.
"""
import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reports.models import DeadlineExtension, ProgressReport, ReportingRound, TargetValue
from targets.models import Allocation, Target
from tasks.models import Assignment, Section, Task, WorkPlan
from units.models import Committee, Unit, UnitAlias

pytestmark = pytest.mark.django_db

N = 120
MAX_QUERIES = 12


def many_units(world, n=N):
    units = Unit.objects.bulk_create(
        Unit(committee=world.committee, code=f"m{i}", short_name=f"省测试{i}厅", order=100 + i) for i in range(n)
    )
    UnitAlias.objects.bulk_create(UnitAlias(committee=world.committee, unit=u, name=f"别名{u.code}") for u in units)
    Unit.objects.filter(pk__in=[u.pk for u in units[:10]]).update(successor=world.lead_unit)
    return units


def many_tasks(world, n=N):
    units = many_units(world, 5)
    tasks = Task.objects.bulk_create(
        Task(plan=world.plan, section=world.task.section, ref=f"t{i}", text=f"第{i}项任务。", order=10 + i)
        for i in range(n)
    )
    Assignment.objects.bulk_create(
        Assignment(task=t, unit=units[i % 5], role=Assignment.Role.LEAD if i % 2 else Assignment.Role.PARTICIPATING)
        for t in tasks for i in range(3)
    )
    Target.objects.bulk_create(
        Target(task=t, indicator=f"指标{j}", value=Decimal(100 + j), measure_unit="人", order=j) for t in tasks for j in range(2)
    )
    return tasks


def assert_constant(api, who, url, django_assert_max_num_queries):
    client = api(who)
    client.get(url, {"page_size": 1})  # warm up: session, last-used stamp, caches
    counts = []
    for size in (10, 100):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url, {"page_size": size})
        assert response.status_code == 200, response.content[:300]
        assert len(response.json()["results"]) == size
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], f"{url}: {counts[0]} queries for 10 rows, {counts[1]} for 100"
    with django_assert_max_num_queries(MAX_QUERIES):
        assert client.get(url, {"page_size": 100}).status_code == 200


@pytest.fixture(params=["office", "token"])
def reader(request, world, tokens):
    """Each list is measured for a browser session and for an API token."""
    return world.users["office"] if request.param == "office" else tokens.read_own


def test_committees(world, reader, api, django_assert_max_num_queries):
    Committee.objects.bulk_create(
        Committee(code=f"city{i}", name=f"第{i}市残工委", level=Committee.Level.CITY, parent=world.committee)
        for i in range(N)
    )
    assert_constant(api, reader, "/api/v1/committees/", django_assert_max_num_queries)


def test_units(world, reader, api, django_assert_max_num_queries):
    many_units(world)
    assert_constant(api, reader, "/api/v1/units/", django_assert_max_num_queries)


def test_plans(world, reader, api, django_assert_max_num_queries):
    plans = WorkPlan.objects.bulk_create(
        WorkPlan(committee=world.committee, title=f"计划{i}", period_start=2021, period_end=2021) for i in range(N)
    )
    Task.objects.bulk_create(Task(plan=p, ref="1", text="任务。") for p in plans)
    assert_constant(api, reader, "/api/v1/plans/", django_assert_max_num_queries)


def test_sections(world, reader, api, django_assert_max_num_queries):
    Section.objects.bulk_create(
        Section(plan=world.plan, number=f"{i}", path=f"p{i}", title=f"章节{i}", order=i) for i in range(N)
    )
    assert_constant(api, reader, "/api/v1/sections/", django_assert_max_num_queries)


def test_tasks(world, reader, api, django_assert_max_num_queries):
    many_tasks(world)
    assert_constant(api, reader, f"/api/v1/tasks/?plan={world.plan.pk}", django_assert_max_num_queries)


def test_targets(world, reader, api, django_assert_max_num_queries):
    tasks = many_tasks(world)
    Allocation.objects.bulk_create(
        Allocation(target=t, unit=world.lead_unit, value=Decimal(10)) for t in Target.objects.filter(task__in=tasks)
    )
    assert_constant(api, reader, "/api/v1/targets/", django_assert_max_num_queries)


def test_rounds(world, reader, api, django_assert_max_num_queries):
    ReportingRound.objects.bulk_create(
        ReportingRound(plan=world.plan, period_kind="month", period_label=f"第{i}期",
                       period_start=datetime.date(2021, 1, 1), period_end=datetime.date(2021, 1, 31),
                       opens_on=datetime.date(2021, 1, 20), due_on=datetime.date(2021, 2, 5))
        for i in range(N)
    )
    assert_constant(api, reader, "/api/v1/rounds/", django_assert_max_num_queries)


def _many_reports(world):
    tasks = many_tasks(world)
    reports = ProgressReport.objects.bulk_create(
        ProgressReport(round=world.round, task=t, unit=world.lead_unit, progress="进展") for t in tasks
    )
    Assignment.objects.bulk_create(Assignment(task=t, unit=world.lead_unit, role=Assignment.Role.LEAD) for t in tasks)
    TargetValue.objects.bulk_create(
        TargetValue(report=r, target=t, value=Decimal(5)) for r in reports for t in r.task.targets.all()
    )
    return reports


def test_reports(world, reader, api, django_assert_max_num_queries):
    _many_reports(world)
    assert_constant(api, reader, "/api/v1/reports/", django_assert_max_num_queries)


def test_my_open_slots(world, tokens, api, django_assert_max_num_queries):
    _many_reports(world)
    DeadlineExtension.objects.create(round=world.round, unit=world.lead_unit, due_on=datetime.date(2021, 7, 30))
    ReportingRound.objects.filter(pk=world.round.pk).update(opens_on=datetime.date(2021, 1, 1))
    for who in (world.users["lead_reporter"], tokens.write_own):
        assert_constant(api, who, "/api/v1/reports/my-open/", django_assert_max_num_queries)


def test_filtered_task_list_stays_constant(world, tokens, api, django_assert_max_num_queries):
    many_tasks(world)
    unit = Unit.objects.get(code="m1")
    url = f"/api/v1/tasks/?plan={world.plan.pk}&year=2021&committee={world.committee.pk}&unit={unit.pk}&q=任务"
    client = api(tokens.read_own)
    client.get(url)
    with django_assert_max_num_queries(MAX_QUERIES):
        assert client.get(url, {"page_size": 100}).json()["count"] > 0

