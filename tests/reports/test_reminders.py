"""Reminders and 催办: exactly the late units, once per schedule step, every message logged.

The jobs run eagerly here (CELERY_TASK_ALWAYS_EAGER in the test settings); the
``celery_worker`` test at the end runs one through a real worker (started by .ci/run).
"""
import datetime
import os

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from reports import jobs, reminders, services
from reports.models import Notification, ReminderLog, ReportingSchedule
from tests import factories as f

pytestmark = pytest.mark.django_db
DUE = datetime.date(2021, 7, 10)  # the world's round


def day(n):
    """``n`` days from the world's due date, as the ISO string the beat jobs take."""
    return (DUE + datetime.timedelta(days=n)).isoformat()


def run_daily(first, last):
    for n in range(first, last + 1):
        jobs.send_due_reminders.delay(day(n)).get()


def steps(unit):
    return sorted(ReminderLog.objects.filter(unit=unit).values_list("step", flat=True))


@pytest.fixture
def lead_on_time(world, flow):
    """The lead unit's report reached the office; the participating unit has not reported."""
    flow.approved(world.lead_unit)
    mail.outbox.clear()
    Notification.objects.all().delete()
    return world


def test_each_step_goes_once_and_only_to_the_late_unit(lead_on_time):
    world = lead_on_time
    run_daily(-20, 30)  # the beat job, every day for seven weeks (some days twice)
    run_daily(1, 1)
    assert steps(world.part_unit) == [-3, 1, 7]
    assert steps(world.lead_unit) == []
    logs = {log.step: log for log in ReminderLog.objects.all()}
    assert logs[-3].kind == "before_due" and logs[1].kind == "overdue" and logs[7].kind == "overdue"
    assert logs[7].missing == 1 and logs[7].due_on == DUE and logs[7].sent_by is None
    # E-mail and in-app notice to the participating unit's reporter and approver, once per step.
    assert len(mail.outbox) == 6
    assert {tuple(m.to) for m in mail.outbox} == {("part_reporter@example.invalid",), ("part_approver@example.invalid",)}
    assert "逾期" in mail.outbox[-1].subject and "2021年第二季度" in mail.outbox[-1].subject
    assert "/reports/" in mail.outbox[-1].body
    assert Notification.objects.filter(user=world.users["part_reporter"], kind="overdue").count() == 2
    assert not Notification.objects.filter(user__in=[world.users["lead_reporter"], world.users["lead_approver"]]).exists()
    assert logs[1].emails_sent == 2 and "part_reporter" in logs[1].recipients


def test_steps_fire_on_their_day(lead_on_time):
    world = lead_on_time
    jobs.send_due_reminders.delay(day(-4)).get()
    assert steps(world.part_unit) == []
    jobs.send_due_reminders.delay(day(-3)).get()
    assert steps(world.part_unit) == [-3]
    jobs.send_due_reminders.delay(day(0)).get()  # due day: the before-due step is still the latest
    assert steps(world.part_unit) == [-3]
    jobs.send_due_reminders.delay(day(1)).get()
    assert steps(world.part_unit) == [-3, 1]


def test_a_missed_run_sends_only_the_latest_step_and_never_a_before_due_one_late(lead_on_time):
    world = lead_on_time
    jobs.send_due_reminders.delay(day(9)).get()
    assert steps(world.part_unit) == [7]
    assert len(mail.outbox) == 2


def test_extension_moves_the_steps_of_that_unit(world):
    services.extend_deadline(round=world.round, user=world.users["office"], unit=world.lead_unit,
                             due_on=DUE + datetime.timedelta(days=10), reason="机构改革")
    run_daily(-5, 20)
    lead_logs = ReminderLog.objects.filter(unit=world.lead_unit).order_by("step")
    assert [(log.step, log.due_on) for log in lead_logs] == [
        (-3, DUE + datetime.timedelta(days=10)), (1, DUE + datetime.timedelta(days=10)),
        (7, DUE + datetime.timedelta(days=10))]
    assert steps(world.part_unit) == [-3, 1, 7]


def test_plan_schedule_sets_the_steps(lead_on_time):
    world = lead_on_time
    services.set_schedule(plan=world.plan, user=world.users["office"], frequency="quarter", due_days=10,
                          reminder_offsets="-1, 2")
    run_daily(-5, 10)
    assert steps(world.part_unit) == [-1, 2]


def test_submitted_but_unapproved_counts_as_missing_and_tells_the_approver(world, flow):
    flow.approved(world.lead_unit)
    flow.submitted(world.part_unit)
    mail.outbox.clear()
    jobs.send_due_reminders.delay(day(1)).get()
    log = ReminderLog.objects.get(unit=world.part_unit)
    assert "待本单位审核人审核" in log.message
    assert ("part_approver@example.invalid",) in {tuple(m.to) for m in mail.outbox}


def test_no_reminders_when_everyone_reported_or_the_round_is_closed(world, flow):
    flow.approved(world.lead_unit)
    flow.accepted(world.part_unit)
    run_daily(-5, 10)
    assert not ReminderLog.objects.exists()
    world.round.closed = True
    world.round.save()
    assert jobs.send_due_reminders.delay(day(1)).get() == 0
    assert jobs.send_round_reminders.delay(world.round.pk, day(1)).get() == []
    assert jobs.send_round_reminders.delay(999999, day(1)).get() == []


def test_returned_report_is_late_again(world, flow):
    flow.approved(world.part_unit)
    flow.returned(world.lead_unit, comment="请补充")
    jobs.send_due_reminders.delay(day(1)).get()
    log = ReminderLog.objects.get()
    assert log.unit == world.lead_unit and "被退回" in log.message


def test_step_for_rules():
    offsets = [-3, 1, 7]
    assert reminders.step_for(offsets, DUE, DUE - datetime.timedelta(days=4)) is None
    assert reminders.step_for(offsets, DUE, DUE) == -3
    assert reminders.step_for(offsets, DUE, DUE + datetime.timedelta(days=3)) == 1
    assert reminders.step_for([-3], DUE, DUE + datetime.timedelta(days=3)) is None
    assert reminders.step_for([], DUE, DUE) is None


# ---------------------------------------------------------------- 催办 by the office

def test_office_chases_one_unit_with_a_message_logged_and_delivered(world, client):
    mail.outbox.clear()
    client.force_login(world.users["office"])
    response = client.post(reverse("round-chase", args=[world.round.pk]),
                           {"unit": world.part_unit.pk, "message": "请于本周五前报送第二季度进展。"}, follow=True)
    assert "已向省民政厅发出催办" in response.content.decode()
    log = ReminderLog.objects.get()
    assert log.kind == "chase" and log.step is None and log.sent_by == world.users["office"]
    assert log.message == "请于本周五前报送第二季度进展。" and log.emails_sent == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["part_approver@example.invalid", "part_reporter@example.invalid"]
    assert "催办" in mail.outbox[0].subject
    assert Notification.objects.filter(kind="chase", user=world.users["part_reporter"]).exists()
    # The office may chase again: every 催办 is logged.
    reminders.chase_unit(rnd=world.round, unit=world.part_unit, user=world.users["office"], message="再次提醒")
    assert ReminderLog.objects.filter(kind="chase").count() == 2
    page = client.get(reverse("round-detail", args=[world.round.pk])).content.decode()
    assert "再次提醒" in page and "办公室催办" in page


@pytest.mark.parametrize(
    "message, error",
    [("", "请填写催办内容"), ("很" * 1001, "不能超过1000字")],
)
def test_chase_bad_input_writes_nothing(world, message, error):
    with pytest.raises(ValidationError) as exc:
        reminders.chase_unit(rnd=world.round, unit=world.part_unit, user=world.users["office"], message=message)
    assert error in " ".join(exc.value.messages)
    assert not ReminderLog.objects.exists() and not mail.outbox


def test_chase_refused_for_closed_round_unit_without_tasks_and_non_office(world):
    stranger = f.UnitFactory(committee=world.committee, short_name="省外事办", code="ws")
    with pytest.raises(ValidationError, match="没有填报任务"):
        reminders.chase_unit(rnd=world.round, unit=stranger, user=world.users["office"], message="x")
    for name in ("leader", "lead_approver", "other_office"):
        with pytest.raises(PermissionDenied):
            reminders.chase_unit(rnd=world.round, unit=world.part_unit, user=world.users[name], message="x")
    world.round.closed = True
    world.round.save()
    with pytest.raises(ValidationError, match="已关闭"):
        reminders.chase_unit(rnd=world.round, unit=world.part_unit, user=world.users["office"], message="x")
    assert not ReminderLog.objects.exists()


def test_unit_overview_shows_due_overdue_and_returned(world, flow, client):
    flow.returned(world.lead_unit, comment="数字不符")
    client.force_login(world.users["lead_approver"])
    html = client.get(reverse("unit-overview", args=[world.lead_unit.pk])).content.decode()
    assert "被退回" in html and "数字不符" in html and "已逾期" in html
    client.force_login(world.users["office"])
    html = client.get(reverse("unit-overview", args=[world.part_unit.pk])).content.decode()
    assert "已过截止日期仍未报送" in html


# ---------------------------------------------------------------- through a real worker

@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_reminders_run_through_a_real_worker_once_per_step(world, flow):
    """Started by .ci/run with a worker on Redis (LUOSHI_CELERY_WORKER=1): the worker writes the log rows."""
    assert os.environ.get("LUOSHI_CELERY_WORKER") == "1", "需要真实的 Celery worker 和 Redis：由 .ci/run 启动后运行"
    from config.celery import app

    assert not app.conf.task_always_eager
    flow.approved(world.lead_unit)
    assert ReportingSchedule.objects.count() == 0
    assert jobs.send_round_reminders.delay(world.round.pk, day(1)).get(timeout=60) != []
    assert jobs.send_round_reminders.delay(world.round.pk, day(1)).get(timeout=60) == []
    assert list(ReminderLog.objects.values_list("unit_id", "step")) == [(world.part_unit.pk, 1)]
