"""Plan lifecycle services: edit a draft, publish with checks, revise with a reason, close, archive, delete."""
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from reports import services as report_services
from targets.selectors import revised_from, revisions_for_plan
from tasks import services
from tasks.models import Assignment, PlanChange, Section, Task, WorkPlan
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(world):
    plan = f.WorkPlanFactory(committee=world.committee, title="2022年重点工作任务", status=WorkPlan.Status.DRAFT,
                             period_start=2022, period_end=2022)
    section = f.SectionFactory(plan=plan, number="一", path="一", title="就业")
    task = f.TaskFactory(plan=plan, section=section, ref="1", text="做好就业服务。")
    f.AssignmentFactory(task=task, unit=world.lead_unit, role=Assignment.Role.LEAD)
    target = f.TargetFactory(task=task, value=Decimal("100"))
    return plan, section, task, target


def snapshot():
    return (
        list(WorkPlan.objects.order_by("pk").values()), list(Section.objects.order_by("pk").values()),
        list(Task.objects.order_by("pk").values()), list(Assignment.objects.order_by("pk").values()),
        list(PlanChange.objects.order_by("pk").values()),
    )


def test_draft_edits_are_recorded_without_a_reason(world, draft):
    plan, section, task, target = draft
    office = world.users["office"]
    services.update_plan(plan=plan, user=office, title="2022年工作要点", kind=WorkPlan.Kind.WORK_POINTS)
    new = services.add_section(plan=plan, user=office, number="二", title="教育")
    services.update_task(task=task, user=office, text="做好就业服务和培训。", section=new)
    services.set_task_units(task=task, user=office, lead=[world.part_unit], participating=[world.lead_unit])
    services.update_target(target=target, user=office, value=Decimal("120"), measure_unit="人次")
    plan.refresh_from_db()
    task.refresh_from_db()
    assert plan.title == "2022年工作要点" and task.section == new
    assert task.lead_units == [world.part_unit] and task.participating_units == [world.lead_unit]
    changes = list(PlanChange.objects.filter(plan=plan).order_by("id"))
    assert [c.object_kind for c in changes] == ["plan", "section", "task", "assignment", "target"]
    assert not any(c.is_revision for c in changes)
    assert changes[-1].changes[0] == {"field": "value", "label": "目标值", "before": "100", "after": "120"}


def test_sections_and_tasks_reorder(world, draft):
    plan, section, task, _target = draft
    office = world.users["office"]
    second = services.add_section(plan=plan, user=office, number="二", title="教育")
    sub = services.add_section(plan=plan, user=office, number="（一）", title="义务教育", parent=section)
    services.move_section(section=second, user=office, direction="up")
    assert list(Section.objects.filter(plan=plan).order_by("order").values_list("path", flat=True)) == [
        "二", "一", "一/（一）"]
    other = services.add_task(plan=plan, user=office, section=section, ref="2", text="第二项任务。")
    services.move_task(task=other, user=office, direction="up")
    assert list(Task.objects.filter(section=section).order_by("order").values_list("ref", flat=True)) == ["2", "1"]
    services.rename_section(section=section, user=office, title="就业与社保", number="三")
    sub.refresh_from_db()
    assert sub.path == "三/（一）"
    services.delete_task(task=other, user=office)
    assert not Task.objects.filter(pk=other.pk).exists()


@pytest.mark.parametrize("call, message", [
    (lambda w, p, s, t, g: services.add_task(plan=p, user=w.users["office"], section=s, ref="1", text="重复序号"),
     "同一章节中已有序号为“1”的任务"),
    (lambda w, p, s, t, g: services.add_task(plan=p, user=w.users["office"], section=s, ref="", text="x"),
     "请填写任务的序号和内容"),
    (lambda w, p, s, t, g: services.update_target(target=g, user=w.users["office"], value=Decimal("-1")),
     "目标值不能为负数"),
    (lambda w, p, s, t, g: services.update_target(target=g, user=w.users["office"], measure_unit=""),
     "计量单位"),
    (lambda w, p, s, t, g: services.set_task_units(task=t, user=w.users["office"], lead=[w.lead_unit],
                                                   participating=[w.lead_unit]), "不能同时是牵头单位和参加单位"),
    (lambda w, p, s, t, g: services.set_task_units(task=t, user=w.users["office"],
                                                   lead=[f.UnitFactory(committee=w.other_committee)], participating=[]),
     "不是本残工委的成员单位"),
    (lambda w, p, s, t, g: services.add_section(plan=p, user=w.users["office"], number="一", title="重复"),
     "已有序号为“一”的章节"),
    (lambda w, p, s, t, g: services.update_plan(plan=p, user=w.users["office"], period_start=2023, period_end=2022),
     "截止年度不能早于起始年度"),
    (lambda w, p, s, t, g: services.move_section(section=s, user=w.users["office"], direction="up"), "不能再移动"),
])
def test_bad_input_is_refused_in_chinese_and_writes_nothing(world, draft, call, message):
    plan, section, task, target = draft
    args = (world, plan, section, task, target)
    f.UnitFactory(committee=world.other_committee)  # may be created by the call itself; snapshot after
    before = snapshot()
    with pytest.raises(ValidationError) as exc:
        call(*args)
    assert message in " ".join(exc.value.messages)
    assert snapshot() == before


@pytest.mark.parametrize("user", ["leader", "lead_reporter", "lead_approver", "other_office"])
def test_only_the_office_may_change_a_plan(world, draft, user):
    plan, section, task, target = draft
    before = snapshot()
    u = world.users[user]
    for call in (
        lambda: services.update_plan(plan=plan, user=u, title="改"),
        lambda: services.add_task(plan=plan, user=u, ref="9", text="新任务"),
        lambda: services.update_target(target=target, user=u, value=Decimal("1")),
        lambda: services.set_task_units(task=task, user=u, lead=[], participating=[]),
        lambda: services.publish_plan(plan=plan, user=u),
        lambda: services.delete_plan(plan=plan, user=u),
    ):
        with pytest.raises(PermissionDenied):
            call()
    assert snapshot() == before


def test_publish_lists_every_problem(world, draft):
    plan, section, task, target = draft
    office = world.users["office"]
    bare = services.add_task(plan=plan, user=office, section=section, ref="2", text="无牵头单位的任务。")
    target.ambiguous = True
    target.save()
    with pytest.raises(ValidationError) as exc:
        services.publish_plan(plan=plan, user=office)
    text = " ".join(exc.value.messages)
    assert "任务 2：没有牵头单位" in text and "仍为待确认" in text
    plan.refresh_from_db()
    assert plan.status == WorkPlan.Status.DRAFT
    services.set_task_units(task=bare, user=office, lead=[world.part_unit], participating=[])
    services.update_target(target=target, user=office, ambiguous=False)
    services.publish_plan(plan=plan, user=office)
    plan.refresh_from_db()
    assert plan.status == WorkPlan.Status.PUBLISHED


def test_revising_a_published_plan_needs_a_reason_and_is_versioned(world):
    office, plan, target = world.users["office"], world.plan, world.target
    with pytest.raises(ValidationError, match="调整须填写调整原因"):
        services.update_target(target=target, user=office, value=Decimal("6000"))
    report = world.report_of(world.lead_unit)
    report = report_services.save_draft(report=report, user=world.users["lead_reporter"], version=1,
                                        progress="完成3000人", figures={target.pk: "3000"})
    services.update_target(target=target, user=office, value=Decimal("6000"), reason="省政府调高年度目标")
    services.update_target(target=target, user=office, value=Decimal("6500"), reason="再次调高")
    revisions = revisions_for_plan(plan)[target.pk]
    assert [r.reason for r in revisions] == ["省政府调高年度目标", "再次调高"]
    assert revisions[0].user == office and revisions[0].is_revision
    assert revised_from(revisions) == {"value": "5600"}
    report.refresh_from_db()
    assert report.task_id == world.task.pk and report.values.get().target_id == target.pk
    with pytest.raises(ValidationError, match="已有填报的完成值"):
        services.delete_target(target=target, user=office, reason="不再考核")
    with pytest.raises(ValidationError, match="已发布计划的任务必须有牵头单位"):
        services.set_task_units(task=world.task, user=office, lead=[], participating=[world.part_unit], reason="x")
    with pytest.raises(ValidationError, match="已有进展报告"):
        services.delete_task(task=world.task, user=office, reason="x")


def test_close_archive_and_delete(world, draft):
    plan, *_rest = draft
    office = world.users["office"]
    with pytest.raises(ValidationError, match="只能删除草稿"):
        services.delete_plan(plan=world.plan, user=office)
    with pytest.raises(ValidationError, match="未关闭的填报轮次"):
        services.close_plan(plan=world.plan, user=office)
    report_services.close_round(round=world.round, user=office)
    services.close_plan(plan=world.plan, user=office)
    with pytest.raises(ValidationError, match="不能再修改"):
        services.update_plan(plan=world.plan, user=office, title="x", reason="y")
    services.archive_plan(plan=world.plan, user=office)
    world.plan.refresh_from_db()
    assert world.plan.status == WorkPlan.Status.ARCHIVED
    services.delete_plan(plan=plan, user=office)
    assert not WorkPlan.objects.filter(pk=plan.pk).exists()
