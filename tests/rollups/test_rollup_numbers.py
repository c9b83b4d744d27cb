"""The roll-up's numbers on hand-made cases: two units, allocations, ≤ targets, returns, renames, hierarchy."""
import datetime
from decimal import Decimal

import pytest

from reports import services as report_services
from reports.models import ProgressReport
from rollups import engine as rollup
from rollups.models import CommitteeRollup, RollupRun, TargetRollup, TaskRollup, UnitRollup
from targets.models import Target
from tasks.models import Assignment
from tests import factories as f
from units.services import rename_unit

pytestmark = pytest.mark.django_db
Status = ProgressReport.Status
D = Decimal


def target_row(target, year=2021):
    return TargetRollup.objects.get(target=target, year=year)


def task_row(task, year=2021):
    return TaskRollup.objects.get(task=task, year=year)


def unit_row(plan, unit, year=2021):
    return UnitRollup.objects.get(plan=plan, unit=unit, year=year)


def test_two_units_latest_accepted_figure_each(world, reports):
    reports.report(2, world.lead_unit, {world.target: 2000})
    reports.report(2, world.part_unit, {world.target: 1000})
    reports.report(3, world.lead_unit, {world.target: 3000})
    rollup.recompute_plan(world.plan.pk, 2021)

    row = target_row(world.target)
    assert row.reached == D("4000")  # lead's Q3 3000 + part's Q2 1000, never 2000 + 3000
    assert row.ratio == D("0.7143")
    assert row.as_of == datetime.date(2021, 9, 30)
    # 273 of 365 days elapsed: 0.7143 / 0.7479 = 0.955 → behind (between 0.8 and 1)
    assert row.projection == D("0.9550")
    assert row.status == "behind"
    figures = {c[1]: c[2] for c in row.contributors}
    assert figures == {world.lead_unit.pk: "3000", world.part_unit.pk: "1000"}
    task = task_row(world.task)
    assert (task.status, task.light, task.targets_total, task.targets_reached) == ("behind", "yellow", 1, 0)
    assert (task.units_assigned, task.units_reported, task.reports_accepted) == (2, 2, 3)


def test_a_returned_report_does_not_count_but_is_counted_as_a_return(world, reports):
    """The participating unit's report goes through the real workflow and is returned by the office."""
    reports.report(2, world.lead_unit, {world.target: 2000})
    report = world.report_of(world.part_unit)
    u = world.users
    report = report_services.save_draft(report=report, user=u["part_reporter"], version=report.version,
                                        progress="完成了部分工作。", figures={world.target.pk: "5000"})
    report = report_services.submit(report=report, user=u["part_reporter"])
    report = report_services.approve(report=report, user=u["part_approver"])
    report_services.return_report(report=report, user=u["office"], comment="数据有误，请核实。")
    rollup.recompute_plan(world.plan.pk, 2021)

    assert target_row(world.target).reached == D("2000")  # the returned 5000 does not count
    part = unit_row(world.plan, world.part_unit)
    assert (part.returns, part.reports_accepted, part.reports_expected) == (1, 0, 1)
    assert part.completeness == D("0")
    assert RollupRun.objects.get(plan=world.plan, year=2021).returns == 1


def test_reopened_report_stops_counting_and_the_previous_accepted_one_counts(world, reports):
    reports.report(2, world.lead_unit, {world.target: 2000})
    later = reports.report(3, world.lead_unit, {world.target: 3500})
    rollup.recompute_plan(world.plan.pk, 2021)
    assert target_row(world.target).reached == D("3500")
    later.status = Status.DRAFT
    later.save()
    rollup.recompute_for_report(later.pk)
    assert target_row(world.target).reached == D("2000")


def test_split_target_counts_per_allocation(world, reports):
    """100 split 60/40: 80 + 20 reaches 100 in total but only 80% of the shares."""
    target = f.TargetFactory(task=world.task, indicator="康复服务", value=D("100"), measure_unit="人", order=2)
    f.AllocationFactory(target=target, unit=world.lead_unit, value=D("60"))
    f.AllocationFactory(target=target, unit=world.part_unit, value=D("40"))
    outsider = f.UnitFactory(committee=world.committee, short_name="省教育厅")
    f.AssignmentFactory(task=world.task, unit=outsider, role=Assignment.Role.PARTICIPATING, order=3)
    reports.report(4, world.lead_unit, {target: 80})
    reports.report(4, world.part_unit, {target: 20})
    reports.report(4, outsider, {target: 50})
    rollup.recompute_plan(world.plan.pk, 2021)

    row = target_row(target)
    assert row.reached == D("100")  # holders only: the outsider's 50 is shown but not counted
    assert row.ratio == D("0.8000")  # (min(80, 60) + min(20, 40)) / 100
    assert row.status == "behind"  # final period: projection 0.8
    by_unit = {c[1]: c for c in row.contributors}
    assert by_unit[world.lead_unit.pk][2:4] == ["80", "60"]
    assert by_unit[world.part_unit.pk][2:4] == ["20", "40"]
    assert by_unit[outsider.pk][5] is False
    assert task_row(world.task).status == "behind"


def test_per_unit_target_must_be_reached_by_every_unit(world, reports):
    target = f.TargetFactory(task=world.task, indicator="新建残疾人之家", value=D("10"), measure_unit="个",
                             per_unit=True, order=3)
    reports.report(4, world.lead_unit, {target: 12})
    reports.report(4, world.part_unit, {target: 5})
    rollup.recompute_plan(world.plan.pk, 2021)
    row = target_row(target)
    assert (row.reached, row.ratio) == (D("17"), D("0.7500"))  # (10 + 5) / 20
    assert row.status == "at_risk"


@pytest.mark.parametrize(("quarter", "figure", "status", "ratio"), [
    (4, "2.5", "reached", "0.8333"),  # final period within the ceiling
    (4, "3.5", "at_risk", "1.1667"),  # ceiling exceeded
    (2, "2", "on_track", "0.6667"),  # a percentage is a level: no projection over time
])
def test_at_most_percentage_target(world, reports, quarter, figure, status, ratio):
    target = f.TargetFactory(task=world.task, indicator="返贫发生率", value=D("3"), measure_unit="%",
                             comparator=Target.Comparator.AT_MOST, order=4)
    reports.report(quarter, world.lead_unit, {target: figure})
    rollup.recompute_plan(world.plan.pk, 2021)
    row = target_row(target)
    assert (row.status, row.ratio) == (status, D(ratio))


@pytest.mark.parametrize(("figure", "status"), [("40", "on_track"), ("60", "behind"), ("120", "at_risk")])
def test_at_most_count_target_projects_the_pace(world, reports, figure, status):
    """≤ 100 at the end of June: 40 → about 81 by year end; 60 → about 121 (behind); 120 already over."""
    target = f.TargetFactory(task=world.task, indicator="安全事故", value=D("100"), measure_unit="起",
                             comparator=Target.Comparator.AT_MOST, order=5)
    reports.report(2, world.lead_unit, {target: figure})
    rollup.recompute_plan(world.plan.pk, 2021)
    assert target_row(target).status == status


def test_unit_renamed_mid_year_counts_once_under_its_successor(world, reports):
    old = f.UnitFactory(committee=world.committee, short_name="省卫生计生委", code="wsjsw")
    new = f.UnitFactory(committee=world.committee, short_name="省卫生健康委", code="wsjkw")
    f.AssignmentFactory(task=world.task, unit=old, role=Assignment.Role.PARTICIPATING, order=3)
    reports.report(1, old, {world.target: 30})
    rename_unit(unit=old, successor=new, renamed_on=datetime.date(2021, 5, 1))
    f.AssignmentFactory(task=world.task, unit=new, role=Assignment.Role.PARTICIPATING, order=4)
    reports.report(3, new, {world.target: 50})
    rollup.recompute_plan(world.plan.pk, 2021)

    row = target_row(world.target)
    assert row.reached == D("50")  # the successor's latest figure, not 30 + 50
    assert [c[1] for c in row.contributors] == [new.pk]
    assert not UnitRollup.objects.filter(unit=old).exists()
    merged = unit_row(world.plan, new)
    assert (merged.reports_expected, merged.reports_accepted) == (2, 2)
    assert task_row(world.task).units_assigned == 3  # lead, part, and 卫生计生委 = 卫生健康委


def test_unit_timeliness_with_extension_and_missing_reports(world, reports):
    q1 = reports.round(1)
    reports.report(1, world.lead_unit, submitted_on=q1.due_on)  # on the due date: on time
    reports.report(1, world.part_unit, submitted_on=q1.due_on + datetime.timedelta(days=3))  # late
    reports.report(3, world.part_unit, submitted_on=reports.round(3).due_on + datetime.timedelta(days=2))
    f.DeadlineExtensionFactory(round=reports.round(3), unit=world.part_unit,
                               due_on=reports.round(3).due_on + datetime.timedelta(days=5))
    # world's Q2 slots stay drafts: past due, so expected and late.
    rollup.recompute_plan(world.plan.pk, 2021)
    lead, part = unit_row(world.plan, world.lead_unit), unit_row(world.plan, world.part_unit)
    assert (lead.reports_expected, lead.reports_on_time, lead.reports_late) == (2, 1, 1)
    assert lead.on_time_rate == D("0.5000")
    assert (part.reports_expected, part.reports_submitted, part.reports_on_time) == (3, 2, 1)  # Q3 extended
    assert part.completeness == D("0.6667")


def test_late_submission_is_judged_in_beijing_time(world, reports):
    rnd = reports.round(1)
    report = reports.report(1, world.lead_unit)
    # 23:30 on the due date in Beijing is 15:30 UTC the same day: on time.
    report.submitted_at = datetime.datetime(rnd.due_on.year, rnd.due_on.month, rnd.due_on.day, 15, 30,
                                            tzinfo=datetime.UTC)
    report.save()
    rollup.recompute_plan(world.plan.pk, 2021)
    assert unit_row(world.plan, world.lead_unit).reports_on_time == 1


def test_task_without_targets(world, reports):
    task = f.TaskFactory(plan=world.plan, section=world.task.section, ref="9", text="加强宣传。")
    f.AssignmentFactory(task=task, unit=world.lead_unit, role=Assignment.Role.LEAD)
    f.AssignmentFactory(task=task, unit=world.part_unit, role=Assignment.Role.PARTICIPATING)
    rollup.recompute_plan(world.plan.pk, 2021)
    assert task_row(task).status == "not_started"
    assert task_row(task).light == "grey"
    reports.report(2, world.lead_unit, task=task)
    rollup.recompute_plan(world.plan.pk, 2021)
    assert task_row(task).status == "behind"  # the participating unit has nothing accepted yet
    reports.report(2, world.part_unit, task=task)
    rollup.recompute_plan(world.plan.pk, 2021)
    assert task_row(task).status == "on_track"
    reports.report(4, world.lead_unit, task=task)
    reports.report(4, world.part_unit, task=task)
    rollup.recompute_plan(world.plan.pk, 2021)
    assert task_row(task).status == "done"


def test_task_done_when_every_target_reached(world, reports):
    reports.report(3, world.lead_unit, {world.target: 4000})
    reports.report(3, world.part_unit, {world.target: 1700})
    rollup.recompute_plan(world.plan.pk, 2021)
    assert target_row(world.target).status == "reached"
    row = task_row(world.task)
    assert (row.status, row.light, row.targets_reached) == ("done", "green", 1)
    run = RollupRun.objects.get(plan=world.plan, year=2021)
    assert (run.tasks_total, run.tasks_done, run.targets_reached) == (1, 1, 1)


def test_target_split_to_lower_committees_counts_their_derived_figures(world, reports):
    """Province target 1000, split 500/500 to two cities; city 1 derives its task and reaches 300."""
    province_target = f.TargetFactory(task=world.task, indicator="辅助器具适配", value=D("1000"), measure_unit="件",
                                      order=6)
    city1 = f.CommitteeFactory(code="city1", name="一市残工委", level="city", parent=world.committee)
    city2 = f.CommitteeFactory(code="city2", name="二市残工委", level="city", parent=world.committee)
    f.AllocationFactory(target=province_target, unit=None, committee=city1, value=D("500"))
    f.AllocationFactory(target=province_target, unit=None, committee=city2, value=D("500"))
    city_plan = f.WorkPlanFactory(committee=city1, title="一市2021年重点工作", parent=world.plan)
    city_task = f.TaskFactory(plan=city_plan, ref="5", parent=world.task, text="辅助器具适配。")
    city_unit = f.UnitFactory(committee=city1, short_name="一市残联")
    f.AssignmentFactory(task=city_task, unit=city_unit)
    city_target = f.TargetFactory(task=city_task, indicator="辅助器具适配", value=D("500"), measure_unit="件")
    report = reports.report(2, city_unit, {city_target: 300}, task=city_task)

    rollup.recompute_year(2021)
    row = target_row(province_target)
    assert row.reached == D("300")
    assert row.ratio == D("0.3000")  # min(300, 500) / (500 + 500)
    committees = {c[1]: c[2] for c in row.contributors}
    assert committees == {city1.pk: "300", city2.pk: None}
    tree = CommitteeRollup.objects.get(committee=world.committee, year=2021, scope="tree")
    own = CommitteeRollup.objects.get(committee=world.committee, year=2021, scope="own")
    assert (tree.committees, tree.plans, tree.tasks_total) == (3, 2, 2)
    assert (own.plans, own.tasks_total) == (1, 1)

    # The city's next accepted report updates the province target incrementally.
    TargetValueFactory = f.TargetValueFactory
    later = reports.report(3, city_unit, task=city_task)
    TargetValueFactory(report=later, target=city_target, value=D("450"))
    rollup.recompute_for_report(later.pk)
    assert target_row(province_target).reached == D("450")
    assert target_row(city_target).reached == D("450")
    assert report.pk != later.pk
