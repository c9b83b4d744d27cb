"""承接: a lower office derives its plan from the one handed down, units through counterpart links."""
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from reports import services as report_services
from rollups.engine import recompute_year
from targets.models import Target
from targets.services import set_allocations
from tasks import cascade as cascade_services
from tasks.models import Assignment, Task, WorkPlan
from units import services as unit_services
from units.models import Counterpart


def derive(c, who="a_office", committee=None, tasks=None):
    return cascade_services.derive_plan(parent_plan=c.plan, committee=committee or c.city_a, user=c.users[who],
                                        task_ids=[t.pk for t in (tasks or [c.task])])


def test_derive_copies_tasks_with_share_and_counterpart_units(cascade):
    c = cascade
    set_allocations(target=c.target, user=c.users["p_office"], committees=[(c.city_a, "3000"), (c.city_b, "2600")])
    plan, notes = derive(c, tasks=[c.task, c.other_task])
    assert plan.parent == c.plan and plan.status == WorkPlan.Status.DRAFT and plan.committee == c.city_a
    first, second = Task.objects.filter(plan=plan).order_by("order")
    assert first.parent == c.task and second.parent == c.other_task
    assert [a.unit.short_name for a in first.assignments.order_by("order")] == ["长春市民政局", "长春市人社局"]
    assert first.assignments.get(unit__short_name="长春市民政局").role == Assignment.Role.LEAD
    target = Target.objects.get(task=first)
    assert target.value == Decimal("3000") and target.indicator == c.target.indicator and not target.ambiguous
    assert second.lead_units[0].short_name == "长春市残联"
    assert notes == []
    assert first.section.title == c.task.section.title


def test_units_without_a_counterpart_and_unsplit_targets_are_listed(cascade):
    c = cascade
    plan, notes = derive(c, who="b_office", committee=c.city_b, tasks=[c.task, c.other_task])
    text = " ".join(notes)
    assert "省人社厅没有对口单位" in text and "省残联没有对口单位" in text
    assert "未分解到本级" in text
    assert Target.objects.get(task__plan=plan).ambiguous


def test_derive_twice_or_from_a_draft_is_refused(cascade):
    c = cascade
    derive(c)
    with pytest.raises(ValidationError):
        derive(c)
    c.plan.status = WorkPlan.Status.DRAFT
    c.plan.save()
    with pytest.raises(ValidationError):
        derive(c, who="b_office", committee=c.city_b)
    assert WorkPlan.objects.filter(parent=c.plan).count() == 1


def test_no_tasks_or_foreign_tasks_write_nothing(cascade):
    c = cascade
    with pytest.raises(ValidationError):
        cascade_services.derive_plan(parent_plan=c.plan, committee=c.city_a, user=c.users["a_office"], task_ids=[])
    other = Task.objects.exclude(plan=c.plan).first() or c.task
    from tests import factories as f
    foreign = f.TaskFactory()
    with pytest.raises(ValidationError):
        cascade_services.derive_plan(parent_plan=c.plan, committee=c.city_a, user=c.users["a_office"],
                                     task_ids=[c.task.pk, foreign.pk])
    assert other is not None
    assert not WorkPlan.objects.filter(parent=c.plan).exists()


@pytest.mark.parametrize("who, committee", [
    ("b_office", "city_a"), ("a_reporter", "city_a"), ("p_office", "city_a"), ("k_office", "county"),
    ("a_office", "city_b"),
])
def test_only_the_lower_office_derives_for_itself(cascade, who, committee):
    c = cascade
    with pytest.raises(PermissionDenied):
        derive(c, who=who, committee=getattr(c, committee))
    assert not WorkPlan.objects.filter(parent=c.plan).exists()


def test_city_to_county_works_the_same_way(cascade):
    c = cascade
    set_allocations(target=c.target, user=c.users["p_office"], committees=[(c.city_a, "3000"), (c.city_b, "2600")])
    city_plan, _ = derive(c)
    city_plan.status = WorkPlan.Status.PUBLISHED
    city_plan.save()
    city_target = Target.objects.get(task__plan=city_plan)
    set_allocations(target=city_target, user=c.users["a_office"], committees=[(c.county, "3000")])
    county_plan, notes = cascade_services.derive_plan(
        parent_plan=city_plan, committee=c.county, user=c.users["k_office"],
        task_ids=list(city_plan.tasks.values_list("pk", flat=True)))
    county_task = county_plan.tasks.get()
    assert county_task.parent.parent == c.task
    assert county_task.lead_units[0].short_name == "农安县民政局"
    assert Target.objects.get(task=county_task).value == Decimal("3000")
    assert any("长春市人社局没有对口单位" in n for n in notes)


def test_rollup_counts_the_derived_target_for_the_city(cascade):
    from rollups.models import TargetRollup

    c = cascade
    set_allocations(target=c.target, user=c.users["p_office"], committees=[(c.city_a, "3000"), (c.city_b, "2600")])
    city_plan, _ = derive(c)
    city_plan.status = WorkPlan.Status.PUBLISHED
    city_plan.save()
    rnd = report_services.create_round(
        plan=city_plan, period_kind="quarter", period_label="2021年第二季度", period_start="2021-04-01",
        period_end="2021-06-30", opens_on="2021-06-20", due_on="2021-07-10")
    report = rnd.reports.get(unit=c.units["a_mz"])
    city_target = Target.objects.get(task__plan=city_plan)
    accept_with_figure(report, city_target, "1200", c.users)
    recompute_year(2021)
    row = TargetRollup.objects.get(target=c.target, year=2021)
    committee = [x for x in row.contributors if x[0] == "c" and x[1] == c.city_a.pk][0]
    assert Decimal(str(committee[2])) == Decimal("1200")


def test_counterpart_to_the_same_level_is_refused(cascade):
    c = cascade
    office = c.users["a_office"]
    with pytest.raises(ValidationError) as exc:
        unit_services.set_counterpart(user=office, unit=c.units["a_rs"], upper_unit=c.units["b_mz"])
    assert "同级" in exc.value.messages[0]
    with pytest.raises(ValidationError):
        unit_services.set_counterpart(user=office, unit=c.units["a_rs"], upper_unit=c.units["a_mz"])
    with pytest.raises(ValidationError):  # two levels up is not the committee directly above
        unit_services.set_counterpart(user=c.users["k_office"], unit=c.units["k_mz"], upper_unit=c.units["p_mz"])
    with pytest.raises(PermissionDenied):
        unit_services.set_counterpart(user=c.users["b_office"], unit=c.units["a_rs"], upper_unit=c.units["p_mz"])
    assert Counterpart.objects.filter(unit=c.units["a_rs"]).count() == 1
    link = unit_services.set_counterpart(user=office, unit=c.units["a_rs"], upper_unit=c.units["p_mz"])
    assert Counterpart.objects.get(committee=c.city_a, upper_unit=c.units["p_mz"]) == link


def accept_with_figure(report, target, value, users):
    """The city unit reports ``value`` for ``target``, its approver signs off and the city office accepts."""
    report_services.save_and_submit(report=report, user=users["a_reporter"], version=report.version,
                                    progress="已完成", problems="进度偏慢，下季度集中推进。", figures={target.pk: value})
    report.refresh_from_db()
    report_services.approve(report=report, user=users["a_approver"])
    report.refresh_from_db()
    report_services.accept(report=report, user=users["a_office"])


def test_derive_runs_in_a_fixed_number_of_queries(cascade):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from .. import factories as f

    c = cascade
    for i in range(20):
        task = f.TaskFactory(plan=c.plan, section=c.task.section, ref=str(10 + i), text=f"任务{i}。")
        f.AssignmentFactory(task=task, unit=c.units["p_mz"], role=Assignment.Role.LEAD)
        f.TargetFactory(task=task)
    few = [c.task.pk, c.other_task.pk]
    many = list(c.plan.tasks.values_list("pk", flat=True))
    with CaptureQueriesContext(connection) as small:
        derive(c, tasks=Task.objects.filter(pk__in=few))
    with CaptureQueriesContext(connection) as large:
        derive(c, who="b_office", committee=c.city_b, tasks=Task.objects.filter(pk__in=many))
    # the larger one lists units without a counterpart: one query more for their names
    assert len(small) <= len(large) <= len(small) + 1 <= 25
