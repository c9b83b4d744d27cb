"""How roll-ups run: incremental equals full, idempotent, atomic when killed, hooked to accept, Celery jobs."""
import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command

from reports import services as report_services
from reports.models import ProgressReport
from rollups import engine as rollup
from rollups import jobs
from rollups.models import CommitteeRollup, RollupRun, TargetRollup, TaskRollup, UnitRollup
from tasks.models import Assignment
from tests import factories as f

pytestmark = pytest.mark.django_db
Status = ProgressReport.Status


def snapshot(plan, year=2021):
    """Every stored number of the plan-year, without run stamps."""
    targets = sorted(TargetRollup.objects.filter(plan=plan, year=year).values_list(
        "target_id", "reached", "ratio", "projection", "status", "as_of", "contributors"))
    tasks = sorted(TaskRollup.objects.filter(plan=plan, year=year).values_list(
        "task_id", "status", "ratio", "projection", "targets_total", "targets_reached", "units_assigned",
        "units_reported", "reports_accepted", "as_of"))
    units = sorted(UnitRollup.objects.filter(plan=plan, year=year).values_list(
        "unit_id", "reports_expected", "reports_submitted", "reports_on_time", "reports_accepted", "returns",
        "on_time_rate", "completeness"))
    run = RollupRun.objects.filter(plan=plan, year=year).values(*rollup.PLAN_TOTALS).get()
    return targets, tasks, units, run


@pytest.fixture
def busy_world(world, reports):
    """Three tasks, four units, a split target and a few rounds of reports."""
    extra_unit = f.UnitFactory(committee=world.committee, short_name="省财政厅")
    task2 = f.TaskFactory(plan=world.plan, section=world.task.section, ref="6", text="开展康复服务。")
    task3 = f.TaskFactory(plan=world.plan, section=world.task.section, ref="7", text="加强宣传。")
    for task, units in ((task2, [world.part_unit, extra_unit]), (task3, [extra_unit, world.lead_unit])):
        for order, unit in enumerate(units):
            f.AssignmentFactory(task=task, unit=unit, order=order,
                                role=Assignment.Role.LEAD if order == 0 else Assignment.Role.PARTICIPATING)
    split = f.TargetFactory(task=task2, indicator="康复服务", value=Decimal("900"), measure_unit="人次")
    f.AllocationFactory(target=split, unit=world.part_unit, value=Decimal("600"))
    f.AllocationFactory(target=split, unit=extra_unit, value=Decimal("300"))
    reports.report(1, world.lead_unit, {world.target: 1200})
    reports.report(1, world.part_unit, {world.target: 300}, task=world.task)
    reports.report(1, world.part_unit, {split: 200}, task=task2)
    reports.report(2, extra_unit, {split: 150}, task=task2)
    reports.report(2, extra_unit, task=task3)
    return world, task2, task3, split, extra_unit


def test_incremental_roll_up_equals_a_full_one(busy_world, reports):
    world, task2, _task3, split, extra_unit = busy_world
    rollup.recompute_plan(world.plan.pk, 2021)
    report = reports.report(3, extra_unit, {split: 320}, task=task2)
    rollup.recompute_for_report(report.pk)
    incremental = snapshot(world.plan)
    assert TargetRollup.objects.get(target=split).reached == Decimal("520")
    rollup.recompute_plan(world.plan.pk, 2021)
    assert snapshot(world.plan) == incremental


def test_incremental_roll_up_touches_only_the_report_s_task_and_unit(busy_world, reports):
    world, task2, task3, split, extra_unit = busy_world
    rollup.recompute_plan(world.plan.pk, 2021)
    generation = RollupRun.objects.get(plan=world.plan).generation
    report = reports.report(3, extra_unit, {split: 320}, task=task2)
    rollup.recompute_for_report(report.pk)
    assert RollupRun.objects.get(plan=world.plan).generation == generation + 1
    assert RollupRun.objects.get(plan=world.plan).kind == "incremental"
    changed = generation + 1
    assert TaskRollup.objects.get(task=task2).generation == changed
    assert UnitRollup.objects.get(unit=extra_unit).generation == changed
    assert TaskRollup.objects.get(task=task3).generation == generation  # untouched
    assert UnitRollup.objects.get(unit=world.lead_unit).generation == generation


def test_incremental_roll_up_runs_a_bounded_number_of_queries(busy_world, reports, django_assert_max_num_queries):
    world, task2, _task3, split, extra_unit = busy_world
    rollup.recompute_plan(world.plan.pk, 2021)
    for n in range(8):  # a bigger plan must not mean more queries
        task = f.TaskFactory(plan=world.plan, section=world.task.section, ref=str(20 + n))
        f.AssignmentFactory(task=task, unit=extra_unit)
        reports.report(2, extra_unit, task=task)
    report = reports.report(3, extra_unit, {split: 320}, task=task2)
    with django_assert_max_num_queries(40):
        rollup.recompute_for_report(report.pk)


def test_full_roll_up_is_idempotent_and_leaves_unchanged_rows_alone(busy_world):
    world = busy_world[0]
    rollup.recompute_plan(world.plan.pk, 2021)
    first = snapshot(world.plan)
    ids = set(TargetRollup.objects.values_list("id", flat=True))
    rollup.recompute_plan(world.plan.pk, 2021)
    assert snapshot(world.plan) == first
    assert set(TargetRollup.objects.values_list("id", flat=True)) == ids  # nothing rewritten
    run = RollupRun.objects.get(plan=world.plan, year=2021)
    assert (run.generation, run.kind) == (2, "full")
    assert TargetRollup.objects.filter(generation=1).count() == len(ids)
    # The first run streamed every row in with its digest; the second found each one unchanged.
    assert not TaskRollup.objects.filter(plan=world.plan).exclude(generation=1).exists()
    assert not UnitRollup.objects.filter(plan=world.plan).exclude(generation=1).exists()
    assert UnitRollup.objects.filter(plan=world.plan).exists() and TaskRollup.objects.filter(plan=world.plan).exists()


def test_a_run_killed_midway_leaves_the_previous_roll_up_and_the_next_run_completes(busy_world, reports, monkeypatch):
    world, task2, _task3, split, extra_unit = busy_world
    rollup.recompute_plan(world.plan.pk, 2021)
    before = snapshot(world.plan)
    generation = RollupRun.objects.get(plan=world.plan).generation
    reports.report(4, extra_unit, {split: 300}, task=task2)
    reports.report(4, world.part_unit, {split: 600}, task=task2)

    real_sync, calls = rollup._sync, []

    def dies_on_second_table(*args, **kwargs):
        calls.append(args[0])
        if len(calls) == 2:  # the targets are written, the worker dies before the tasks
            raise SystemExit("worker killed")
        return real_sync(*args, **kwargs)

    monkeypatch.setattr(rollup, "_sync", dies_on_second_table)
    with pytest.raises(SystemExit):
        rollup.recompute_plan(world.plan.pk, 2021)
    assert snapshot(world.plan) == before  # the half-written run rolled back: still readable as it was
    assert RollupRun.objects.get(plan=world.plan).generation == generation

    monkeypatch.setattr(rollup, "_sync", real_sync)
    rollup.recompute_plan(world.plan.pk, 2021)
    assert TargetRollup.objects.get(target=split).status == "reached"
    assert RollupRun.objects.get(plan=world.plan).generation == generation + 1


def test_accepting_a_report_rolls_up_after_commit(world, django_capture_on_commit_callbacks):
    u = world.users
    report = world.report_of(world.lead_unit)
    report = report_services.save_draft(report=report, user=u["lead_reporter"], version=report.version,
                                        progress="完成。", figures={world.target.pk: "2800"})
    report = report_services.submit(report=report, user=u["lead_reporter"])
    report = report_services.approve(report=report, user=u["lead_approver"])
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        report_services.accept(report=report, user=u["office"])
    assert len(callbacks) >= 1
    row = TargetRollup.objects.get(target=world.target, year=2021)
    assert row.reached == Decimal("2800")
    with django_capture_on_commit_callbacks(execute=True):
        report_services.reopen(report=report, user=u["office"], reason="数据需更正")
    assert TargetRollup.objects.get(target=world.target, year=2021).status == "no_data"


def test_jobs_take_ids_and_are_safe_to_repeat(busy_world):
    world = busy_world[0]
    assert jobs.rollup_plan.delay(world.plan.pk, 2021).get()["plans"] == 1
    first = snapshot(world.plan)
    assert jobs.rollup_plan.delay(world.plan.pk, 2021).get()["plans"] == 1
    assert snapshot(world.plan) == first
    assert jobs.rollup_plan.delay(999999).get() == {"plans": 0}
    assert jobs.rollup_plan.delay(world.plan.pk, 1990).get()["plans"] == 0  # outside the plan's period
    assert jobs.rollup_after_accept.delay(999999).get() == {"plans": 0}
    result = jobs.rollup_nightly.delay(2021).get()
    assert result[0]["plans"] == 1
    assert CommitteeRollup.objects.filter(committee=world.committee, year=2021).count() == 2


def test_draft_plans_are_not_rolled_up(world):
    f.WorkPlanFactory(committee=world.committee, status="draft", title="草稿计划")
    assert rollup.recompute_year(2021)["plans"] == 1


def test_nightly_refreshes_last_year_in_the_first_quarter():
    assert rollup.years_to_refresh(datetime.date(2022, 2, 1)) == [2021, 2022]
    assert rollup.years_to_refresh(datetime.date(2022, 7, 1)) == [2022]


def test_nightly_job_is_scheduled(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["reports-rollup-nightly"]
    assert entry["task"] == "reports.jobs.rollup_nightly"


def test_recompute_plan_with_no_reports(world):
    rollup.recompute_plan(world.plan.pk, 2021)
    row = TargetRollup.objects.get(target=world.target)
    assert (row.reached, row.status, row.ratio) == (Decimal(0), "no_data", None)
    assert TaskRollup.objects.get(task=world.task).status == "not_started"


def test_generate_scale_small(db, capsys):
    call_command("generate_scale", cities=2, counties=3, units=6, tasks=5, years="2021", months=3)
    out = capsys.readouterr().out
    assert "100.0%" in out and "报告 270 份" in out
    assert ProgressReport.objects.filter(round__plan__committee__code__startswith="scale-").count() == 270
    # every report's unit is assigned to its task, and figures belong to the report's task
    from reports.models import TargetValue

    assert not ProgressReport.objects.exclude(task__assignments__unit=models_f("unit")).exists()
    assert not TargetValue.objects.exclude(target__task=models_f("report__task")).exists()
    call_command("generate_scale", cities=2, counties=3, units=6, tasks=5, years="2021", months=3)
    assert "已存在" in capsys.readouterr().out
    result = rollup.recompute_year(2021)
    assert result["plans"] == 6 and result["tasks"] == 30


def models_f(name):
    from django.db.models import F

    return F(name)


@pytest.mark.parametrize("args", [
    {"years": "20x1"}, {"months": 13}, {"units": 1}, {"cities": 0, "counties": 3},
])
def test_generate_scale_refuses_bad_options(db, args):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("generate_scale", **args)


def test_a_failing_roll_up_does_not_fail_the_accept(world, monkeypatch, django_capture_on_commit_callbacks):
    def broken(report_id):
        raise RuntimeError("database went away")

    monkeypatch.setattr(rollup, "recompute_for_report", broken)
    u = world.users
    report = world.report_of(world.lead_unit)
    report = report_services.save_draft(report=report, user=u["lead_reporter"], version=report.version, progress="完成。",
                                        figures={world.target.pk: "5600"})
    report = report_services.submit(report=report, user=u["lead_reporter"])
    report = report_services.approve(report=report, user=u["lead_approver"])
    with django_capture_on_commit_callbacks(execute=True):
        accepted = report_services.accept(report=report, user=u["office"])
    assert accepted.status == Status.ACCEPTED
    assert not TargetRollup.objects.exists()  # the nightly run will catch up


def test_generate_scale_preset_sets_the_sizes_not_given(db):
    from tasks.models import WorkPlan
    from units.models import Committee, Unit

    call_command("generate_scale", preset="largest", cities=2, counties=3, years="2021", months=1, verbosity=0)
    assert Committee.objects.count() == 6  # 1 province + the cities and counties given explicitly
    assert Unit.objects.filter(committee__level="county").count() == 3 * 60  # the preset's 60 units each
    assert {p.tasks.count() for p in WorkPlan.objects.all()} == {45}


def test_a_full_pass_gives_its_sorts_memory_for_its_own_transaction_only(busy_world, settings):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.LUOSHI_ROLLUP_WORK_MEM = "24MB"
    with CaptureQueriesContext(connection) as queries:
        rollup.recompute_year(busy_world[0].plan.period_start)
    asked = [q["sql"] for q in queries.captured_queries if "work_mem" in q["sql"]]
    if connection.vendor != "postgresql":
        assert not asked  # SQLite has no such setting
        return
    assert len(asked) == 1 and "24MB" in asked[0] and "true)" in asked[0]  # is_local: this transaction only
