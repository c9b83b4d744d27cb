"""督办 services: the daily escalation (each step once, idempotent, never after 办结, resolved when the
cause goes away), leaders' 批示 answered in the next report (required before submitting), the 通报
drafted when a round closes, the 序时进度 settings."""
import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from reports import services as report_services
from reports.models import Notification, ProgressReport
from rollups import engine as rollup
from rollups import jobs
from rollups.models import (
    Bulletin,
    EscalationStep,
    Instruction,
    InstructionAnswer,
    SupervisionItem,
    SupervisionStep,
)
from rollups.supervision import services
from tests import factories as f

pytestmark = pytest.mark.django_db
Item = SupervisionItem
DUE = datetime.date(2021, 7, 10)  # the world's round


def day(n):
    """``n`` days after the world's due date."""
    return DUE + datetime.timedelta(days=n)


def run(n):
    return services.run_escalation(today=day(n))


def item_of(world, unit=None):
    return Item.objects.get(round=world.round, unit=unit or world.lead_unit, reason=Item.Reason.OVERDUE)


def levels(item):
    return list(item.steps.order_by("level").values_list("level", flat=True))


def test_nothing_before_the_due_date_passes(world):
    assert run(0)["opened"] == 0 and not Item.objects.exists()


def test_each_step_once_on_its_day(world):
    """The default ladder: 提示单 on day 1, 黄 on day 7, 红 on day 15; running every day sends each once."""
    for n in range(0, 20):
        run(n)
        run(n)  # the job run twice on the same day changes nothing
    item = item_of(world)
    assert levels(item) == [1, 2, 3] and item.level == 3 and item.status == Item.Status.OPEN
    assert list(item.steps.order_by("level").values_list("on", flat=True)) == [day(1), day(7), day(15)]
    assert SupervisionStep.objects.count() == 6  # two units × three steps


def test_who_is_notified_at_each_step(world):
    run(1)
    item = item_of(world)
    first = item.steps.get(level=1)
    assert first.recipients.endswith("（lead_reporter）") and first.notified == 1
    run(7)
    assert set(Notification.objects.filter(kind="supervision", unit=world.lead_unit)
               .values_list("user__username", flat=True)) == {"lead_reporter", "lead_approver"}
    run(15)
    red = item.steps.get(level=3)
    assert {name.split("（")[1].rstrip("）") for name in red.recipients.split("、")} == {
        "lead_reporter", "lead_approver", "office", "leader"}
    assert Notification.objects.filter(kind="supervision", user__username="other_office").count() == 0


def test_the_idempotent_job_run_twice(world):
    first = jobs.escalate_supervision.delay(day(8).isoformat()).get()
    second = jobs.escalate_supervision.delay(day(8).isoformat()).get()
    assert first["opened"] == 2 and first["steps"] == 2  # found at 8 days: straight to 黄, 提示单 not sent late
    assert second["opened"] == 0 and second["steps"] == 0
    assert levels(item_of(world)) == [2]
    assert Notification.objects.filter(kind="supervision").count() == 4  # two per unit (reporter, approver)


def test_never_after_closing(world):
    run(1)
    item = item_of(world)
    services.close_item(item=item, user=world.users["office"], note="单位已说明情况，另行报送。")
    run(7)
    run(30)
    item.refresh_from_db()
    assert item.status == Item.Status.CLOSED and levels(item) == [1]
    assert Notification.objects.filter(kind="supervision", unit=world.lead_unit, resolved_at__isnull=True).count() == 0


def test_resolved_when_the_report_reaches_the_office_and_reopened_if_returned(world):
    run(1)
    report = world.report_of(world.lead_unit)
    ProgressReport.objects.filter(pk=report.pk).update(status=ProgressReport.Status.APPROVED)
    counts = run(3)
    item = item_of(world)
    assert counts["resolved"] == 1 and item.status == Item.Status.RESOLVED and item.resolved_on == day(3)
    run(10)
    assert item_of(world).level == 1  # resolved: no more steps
    ProgressReport.objects.filter(pk=report.pk).update(status=ProgressReport.Status.RETURNED)
    run(11)
    item = item_of(world)
    assert item.status == Item.Status.OPEN and levels(item) == [1, 2]  # same item, its 提示单 not repeated
    assert item.history.count() >= 3  # every change kept


def test_an_extension_moves_the_clock(world):
    f.DeadlineExtensionFactory(round=world.round, unit=world.lead_unit, due_on=day(5))
    run(3)
    assert not Item.objects.filter(unit=world.lead_unit).exists()
    run(6)
    assert item_of(world).since == day(5) and levels(item_of(world)) == [1]


def test_the_offices_ladder_is_used(world):
    EscalationStep.objects.create(committee=world.committee, level=1, name="提醒函", overdue_days=3, lagging_days=0)
    EscalationStep.objects.create(committee=world.committee, level=2, name="黄牌", overdue_days=5, lagging_days=10,
                                  enabled=False)
    EscalationStep.objects.create(committee=world.committee, level=3, name="红牌", overdue_days=6, lagging_days=20,
                                  notify_office=True)
    run(2)
    assert not SupervisionStep.objects.exists()
    run(3)
    run(5)
    run(6)
    item = item_of(world)
    assert list(item.steps.values_list("name", flat=True)) == ["提醒函", "红牌"]
    assert item.steps.get(level=3).recipients.endswith("（office）")


@pytest.fixture
def lagging(world):
    """Q2 accepted at 1000 of 5600 (17.9% against 49.6%): the task is behind 序时进度."""
    report = world.report_of(world.lead_unit)
    f.TargetValueFactory(report=report, target=world.target, value=Decimal(1000))
    ProgressReport.objects.filter(pk=report.pk).update(status=ProgressReport.Status.ACCEPTED)
    ProgressReport.objects.filter(round=world.round, unit=world.part_unit).update(
        status=ProgressReport.Status.ACCEPTED)
    rollup.recompute_plan(world.plan.pk, 2021)
    return report


def test_a_lagging_task_escalates_then_resolves_when_made_up(world, lagging):
    services.run_escalation(today=datetime.date(2021, 7, 20))
    item = Item.objects.get(reason=Item.Reason.LAGGING)
    assert (item.task, item.unit, item.year, item.level) == (world.task, world.lead_unit, 2021, 1)
    services.run_escalation(today=datetime.date(2021, 8, 3))
    item.refresh_from_db()
    assert item.level == 2
    f.TargetValueFactory._meta.model.objects.filter(report=lagging).update(value=Decimal(5600))
    rollup.recompute_plan(world.plan.pk, 2021)
    services.run_escalation(today=datetime.date(2021, 8, 4))
    item.refresh_from_db()
    assert item.status == Item.Status.RESOLVED and levels(item) == [1, 2]


@pytest.mark.parametrize("who, allowed", [("office", True), ("leader", False), ("lead_reporter", False),
                                          ("other_office", False)])
def test_only_the_office_closes(world, who, allowed):
    run(1)
    item = item_of(world)
    if allowed:
        assert services.close_item(item=item, user=world.users[who], note="已整改。").status == Item.Status.CLOSED
    else:
        with pytest.raises(PermissionDenied):
            services.close_item(item=item, user=world.users[who], note="已整改。")
        assert item_of(world).status == Item.Status.OPEN


@pytest.mark.parametrize("note, message", [("", "办结时请写明办结说明"), ("长" * 1001, "办结说明不能超过1000字。")])
def test_closing_needs_a_note(world, note, message):
    run(1)
    with pytest.raises(ValidationError) as caught:
        services.close_item(item=item_of(world), user=world.users["office"], note=note)
    assert message in str(caught.value) and item_of(world).status == Item.Status.OPEN


# ---------------------------------------------------------------- 批示

def instruct(world, user="leader", **kwargs):
    kwargs.setdefault("task", world.task)
    return services.write_instruction(plan=world.plan, user=world.users[user], text="加快进度，确保完成全年目标。",
                                      **kwargs)


def ready(world, unit=None, user="lead_reporter"):
    """A report with everything needed to submit it (figure on 序时进度, narrative)."""
    report = world.report_of(unit or world.lead_unit)
    return report_services.save_draft(report=report, user=world.users[user], version=report.version,
                                      progress="推进中。", figures={world.target.pk: "3000"})


def test_a_leaders_instruction_must_be_answered_in_the_next_report(world):
    instruction = instruct(world)
    assert set(Notification.objects.filter(kind="instruction").values_list("user__username", flat=True)) == {
        "lead_reporter", "lead_approver", "part_reporter", "part_approver"}
    report = ready(world)
    with pytest.raises(ValidationError) as caught:
        report_services.submit(report=report, user=world.users["lead_reporter"])
    assert "请先答复领导批示：“加快进度，确保完成全年目标。”" in caught.value.messages[0]
    assert ProgressReport.objects.get(pk=report.pk).status == ProgressReport.Status.DRAFT
    answer = services.answer_instruction(instruction=instruction, report=report, user=world.users["lead_reporter"],
                                         text="已召开专题会议部署，三季度集中招聘。")
    assert (answer.report, answer.report_version, answer.unit) == (report, report.version, world.lead_unit)
    open_notes = Notification.objects.filter(kind="instruction", resolved_at__isnull=True)
    assert set(open_notes.values_list("user__username", flat=True)) == {"part_reporter", "part_approver"}
    submitted = report_services.submit(report=ProgressReport.objects.get(pk=report.pk),
                                       user=world.users["lead_reporter"])
    assert submitted.status == ProgressReport.Status.SUBMITTED
    # answered: the unit's next report is not asked again, the leader sees the answer
    rnd = f.ReportingRoundFactory(plan=world.plan, period_label="2021年第三季度", period_start="2021-07-01",
                                  period_end="2021-09-30", opens_on="2021-09-20", due_on="2021-10-10")
    report_services.ensure_report_slots(rnd)
    later = rnd.reports.get(unit=world.lead_unit)
    assert services.unanswered_messages(later) == []
    assert InstructionAnswer.objects.get(instruction=instruction).text.startswith("已召开")
    # the participating unit still owes its answer
    assert services.unanswered_messages(world.report_of(world.part_unit))


def test_an_instruction_on_a_unit_concerns_only_that_unit(world):
    instruct(world, task=None, unit=world.part_unit)
    assert services.unanswered_messages(world.report_of(world.lead_unit)) == []
    assert len(services.unanswered_messages(world.report_of(world.part_unit))) == 1


@pytest.mark.parametrize("who, allowed", [("leader", True), ("office", True), ("lead_reporter", False),
                                          ("lead_approver", False), ("other_office", False)])
def test_who_may_instruct(world, who, allowed):
    if allowed:
        assert instruct(world, user=who).author == world.users[who]
    else:
        with pytest.raises(PermissionDenied):
            instruct(world, user=who)
        assert not Instruction.objects.exists()


@pytest.mark.parametrize("kwargs, field, message", [
    ({"text": ""}, "text", "请填写批示内容。"),
    ({"text": "长" * 2001}, "text", "批示内容不能超过2000字。"),
    ({"task": None, "unit": None}, "task", "请选择批示针对的任务或单位（至少一项）。"),
    ({"unit": "other"}, "unit", "该单位不是本残工委的成员单位。"),
    ({"unit": "unassigned"}, "unit", "不承担任务5"),
])
def test_bad_instructions_write_nothing(world, kwargs, field, message):
    args = {"task": world.task, "unit": None, "text": "请抓紧。", **kwargs}
    if args["unit"] == "other":
        args["unit"] = f.UnitFactory(committee=world.other_committee)
    elif args["unit"] == "unassigned":
        args["unit"] = f.UnitFactory(committee=world.committee)
    with pytest.raises(ValidationError) as caught:
        services.write_instruction(plan=world.plan, user=world.users["leader"], **args)
    assert any(message in m for m in caught.value.message_dict[field])
    assert not Instruction.objects.exists() and not Notification.objects.filter(kind="instruction").exists()


def test_answers_are_checked(world):
    instruction = instruct(world)
    report = ready(world)
    with pytest.raises(PermissionDenied):
        services.answer_instruction(instruction=instruction, report=report, user=world.users["part_reporter"],
                                    text="答复。")
    with pytest.raises(ValidationError) as caught:
        services.answer_instruction(instruction=instruction, report=report, user=world.users["lead_reporter"],
                                    text="  ")
    assert "请填写对批示的答复。" in caught.value.messages
    services.answer_instruction(instruction=instruction, report=report, user=world.users["lead_reporter"], text="一")
    services.answer_instruction(instruction=instruction, report=report, user=world.users["lead_reporter"], text="二")
    assert InstructionAnswer.objects.get().text == "二"  # changed until submitted
    report = report_services.submit(report=ProgressReport.objects.get(pk=report.pk), user=world.users["lead_reporter"])
    with pytest.raises(ValidationError) as caught:
        services.answer_instruction(instruction=instruction, report=report, user=world.users["lead_reporter"],
                                    text="三")
    assert "已提交" in caught.value.messages[0] and InstructionAnswer.objects.get().text == "二"
    other = instruct(world, task=None, unit=world.part_unit)
    with pytest.raises(ValidationError) as caught:
        services.answer_instruction(instruction=other, report=world.report_of(world.lead_unit),
                                    user=world.users["lead_reporter"], text="答复。")
    assert "该批示与这份报告无关。" in caught.value.messages


# ---------------------------------------------------------------- 通报 drafted when a round closes

def test_closing_a_round_drafts_its_bulletin_once(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report_services.close_round(round=world.round, user=world.users["office"])
    bulletin = Bulletin.objects.get(round=world.round)
    assert bulletin.status == Bulletin.Status.DRAFT and "一、总体进展" in bulletin.body
    bulletin.title = "办公室改过的标题"
    bulletin.save()
    assert jobs.draft_round_bulletin.delay(world.round.pk).get() is False  # never overwritten
    assert jobs.escalate_supervision.delay(day(1).isoformat()).get()["bulletins"] == 0
    assert Bulletin.objects.get(round=world.round).title == "办公室改过的标题"


def test_the_daily_job_catches_up_closed_rounds(world):
    type(world.round).objects.filter(pk=world.round.pk).update(closed=True)  # closed while the broker was away
    assert jobs.escalate_supervision.delay(day(1).isoformat()).get()["bulletins"] == 1
    assert Bulletin.objects.filter(round=world.round).count() == 1


# ---------------------------------------------------------------- 序时进度 settings

def test_pace_settings_are_saved(world):
    services.set_pace(plan=world.plan, user=world.users["office"], tolerance_points="5",
                      weights={world.target.pk: "1,1,1,3"})
    world.plan.refresh_from_db()
    world.target.refresh_from_db()
    assert world.plan.pace_tolerance == Decimal("0.05") and world.target.pace_weights == [1, 1, 1, 3]


@pytest.mark.parametrize("tolerance, weights, key, message", [
    ("abc", "", "tolerance", "容差须是0到50之间的数字"),
    ("5", "1,1,1", "weights", "应填写4个权重"),
    ("5", "1,-1,1,1", "weights", "权重不能为负数。"),
    ("5", "0,0,0,0", "weights", "权重之和须大于0。"),
])
def test_bad_pace_settings_write_nothing(world, tolerance, weights, key, message):
    with pytest.raises(ValidationError) as caught:
        services.set_pace(plan=world.plan, user=world.users["office"], tolerance_points=tolerance,
                          weights={world.target.pk: weights})
    found = [m for k, ms in caught.value.message_dict.items() if k.startswith(key) for m in ms]
    assert any(message in m for m in found)
    world.plan.refresh_from_db()
    world.target.refresh_from_db()
    assert world.plan.pace_tolerance == Decimal(0) and world.target.pace_weights == []


@pytest.mark.parametrize("who", ["leader", "lead_reporter", "other_office"])
def test_only_the_office_sets_the_pace(world, who):
    with pytest.raises(PermissionDenied):
        services.set_pace(plan=world.plan, user=world.users[who], tolerance_points="5", weights={})


def test_a_closed_round_is_no_longer_chased(world):
    run(1)
    type(world.round).objects.filter(pk=world.round.pk).update(closed=True)
    run(30)
    item = item_of(world)
    assert item.status == Item.Status.OPEN and levels(item) == [1]  # neither escalated nor resolved
    other = f.ReportingRoundFactory(plan=world.plan, period_label="专项", period_start="2021-05-01",
                                    period_end="2021-05-31", opens_on="2021-06-01", due_on="2021-06-10", closed=True)
    report_services.ensure_report_slots(other)
    run(31)
    assert not Item.objects.filter(round=other).exists()
