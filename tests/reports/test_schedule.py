"""Reporting schedules: periods, labels, and Celery beat opening rounds when their period begins."""
import datetime

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from config.celery import app
from reports import jobs, schedule, services
from reports.models import Notification, ReportingRound, ReportingSchedule
from reports.models.schedule import parse_offsets
from tasks.models import WorkPlan

D = datetime.date


@pytest.mark.parametrize(
    "frequency, count, first, last",
    [
        ("month", 12, ("2021年1月", D(2021, 1, 1), D(2021, 1, 31)), ("2021年12月", D(2021, 12, 1), D(2021, 12, 31))),
        ("quarter", 4, ("2021年第一季度", D(2021, 1, 1), D(2021, 3, 31)), ("2021年第四季度", D(2021, 10, 1), D(2021, 12, 31))),
        ("half_year", 2, ("2021年上半年", D(2021, 1, 1), D(2021, 6, 30)), ("2021年下半年", D(2021, 7, 1), D(2021, 12, 31))),
        ("year", 1, ("2021年度", D(2021, 1, 1), D(2021, 12, 31)), ("2021年度", D(2021, 1, 1), D(2021, 12, 31))),
    ],
)
def test_periods_of_a_year(frequency, count, first, last):
    periods = schedule.periods_of_year(frequency, 2021)
    assert len(periods) == count
    assert (periods[0].label, periods[0].start, periods[0].end) == first
    assert (periods[-1].label, periods[-1].start, periods[-1].end) == last
    assert schedule.period_containing(frequency, D(2024, 2, 29)).start.year == 2024


def test_february_of_a_leap_year():
    assert schedule.period_containing("month", D(2024, 2, 10)).end == D(2024, 2, 29)


@pytest.mark.parametrize("text, expected", [("-3,1,7", [-3, 1, 7]), (" 7，-3 , 1 ", [-3, 1, 7]), ("", []), ("0", [0])])
def test_reminder_offsets_parse(text, expected):
    assert parse_offsets(text) == expected


@pytest.mark.parametrize("text", ["abc", "-3;1", "1,,2", "200"])
def test_bad_reminder_offsets_refused_in_chinese(text):
    with pytest.raises(ValidationError) as exc:
        parse_offsets(text)
    assert "天" in exc.value.messages[0]


@pytest.mark.django_db
def test_beat_opens_the_round_when_its_period_begins_with_a_slot_per_task_and_unit(world):
    services.set_schedule(plan=world.plan, user=world.users["office"], frequency="quarter", due_days=15)
    assert jobs.open_scheduled_rounds.delay("2021-06-30").get() == []  # Q2 exists already (opened by hand)
    opened = jobs.open_scheduled_rounds.delay("2021-07-01").get()
    assert len(opened) == 1
    rnd = ReportingRound.objects.get(pk=opened[0])
    assert (rnd.period_label, rnd.period_kind) == ("2021年第三季度", "quarter")
    assert (rnd.period_start, rnd.period_end, rnd.opens_on, rnd.due_on) == (
        D(2021, 7, 1), D(2021, 9, 30), D(2021, 7, 1), D(2021, 10, 15))
    assert set(rnd.reports.values_list("unit__short_name", flat=True)) == {"省人社厅", "省民政厅"}
    assert Notification.objects.filter(kind="round_opened", round=rnd, user=world.users["part_reporter"]).exists()
    # Idempotent: later runs in the same period open nothing.
    assert jobs.open_scheduled_rounds.delay("2021-07-01").get() == []
    assert jobs.open_scheduled_rounds.delay("2021-08-20").get() == []
    assert ReportingRound.objects.filter(plan=world.plan).count() == 2


@pytest.mark.django_db
def test_monthly_and_year_end_schedules_together(world):
    services.set_schedule(plan=world.plan, user=world.users["office"], frequency="month", due_days=5)
    services.set_schedule(plan=world.plan, user=world.users["office"], frequency="year", due_days=20)
    opened = jobs.open_scheduled_rounds.delay("2021-03-01").get()
    labels = set(ReportingRound.objects.filter(pk__in=opened).values_list("period_label", flat=True))
    assert labels == {"2021年3月", "2021年度"}
    assert ReportingRound.objects.get(period_label="2021年度").due_on == D(2022, 1, 20)


@pytest.mark.django_db
def test_nothing_opens_outside_the_plan_for_inactive_schedules_or_unpublished_plans(world):
    sched = services.set_schedule(plan=world.plan, user=world.users["office"], frequency="quarter", due_days=10)
    assert jobs.open_scheduled_rounds.delay("2022-01-01").get() == []  # the plan covers 2021 only
    sched.active = False
    sched.save()
    assert jobs.open_scheduled_rounds.delay("2021-10-01").get() == []
    sched.active = True
    sched.save()
    world.plan.status = WorkPlan.Status.DRAFT
    world.plan.save()
    assert jobs.open_scheduled_rounds.delay("2021-10-01").get() == []


@pytest.mark.django_db
def test_set_schedule_is_for_the_office_and_validates(world):
    for name in ("leader", "lead_reporter", "other_office"):
        with pytest.raises(PermissionDenied):
            services.set_schedule(plan=world.plan, user=world.users[name], frequency="quarter", due_days=10)
    with pytest.raises(ValidationError) as exc:
        services.set_schedule(plan=world.plan, user=world.users["office"], frequency="quarter", due_days=10,
                              reminder_offsets="明天")
    assert "reminder_offsets" in exc.value.message_dict
    with pytest.raises(ValidationError):
        services.set_schedule(plan=world.plan, user=world.users["office"], frequency="quarter", due_days=500)
    assert not ReportingSchedule.objects.exists()
    first = services.set_schedule(plan=world.plan, user=world.users["office"], frequency="quarter", due_days=10)
    again = services.set_schedule(plan=world.plan, user=world.users["office"], frequency="quarter", due_days=12)
    assert first.pk == again.pk and ReportingSchedule.objects.get().due_days == 12


@pytest.mark.django_db
def test_schedule_page(client, world):
    client.force_login(world.users["office"])
    response = client.post(reverse("plan-schedule", args=[world.plan.pk]),
                           {"frequency": "half_year", "due_days": "15", "reminder_offsets": "x"})
    assert response.status_code == 400 and "相对截止日期的天数" in response.content.decode()
    assert not ReportingSchedule.objects.exists()
    client.post(reverse("plan-schedule", args=[world.plan.pk]),
                {"frequency": "half_year", "due_days": "15", "reminder_offsets": "-5,3", "active": "on"})
    assert ReportingSchedule.objects.get().reminder_offsets == "-5,3"
    client.force_login(world.users["leader"])
    html = client.get(reverse("plan-schedule", args=[world.plan.pk])).content.decode()
    assert "半年报" in html and 'name="due_days"' not in html  # leaders read only


def test_beat_schedule_registers_both_jobs():
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"reports.jobs.open_scheduled_rounds", "reports.jobs.send_due_reminders"} <= tasks
    app.loader.import_default_modules()
    assert {"reports.jobs.open_scheduled_rounds", "reports.jobs.send_due_reminders",
            "reports.jobs.send_round_reminders"} <= set(app.tasks)


@pytest.mark.django_db
def test_schedule_form_preselects_nothing_and_lists_existing_schedules_for_editing(client, world):
    url = reverse("plan-schedule", args=[world.plan.pk])
    client.force_login(world.users["office"])
    client.post(url, {"action": "add", "frequency": "quarter", "due_days": "10", "reminder_offsets": "-3,1,7",
                      "active": "on"})
    schedule = ReportingSchedule.objects.get()
    html = client.get(url).content.decode()
    assert '<option value="" selected>请选择……</option>' in html
    assert '<option value="quarter"' not in html  # the plan has one already: edit it above instead
    assert f'value="edit:{schedule.pk}"' in html and f'value="remove:{schedule.pk}"' in html
    # Saving the new-schedule form unchanged adds nothing.
    response = client.post(url, {"action": "add", "frequency": "", "due_days": "10", "reminder_offsets": "-3,1,7",
                                 "active": "on"})
    assert response.status_code == 400 and "请选择填报周期" in response.content.decode()
    assert ReportingSchedule.objects.count() == 1
    # Edit, then remove.
    client.post(url, {"action": f"edit:{schedule.pk}", f"s{schedule.pk}-due_days": "20",
                      f"s{schedule.pk}-reminder_offsets": "1"})
    schedule.refresh_from_db()
    assert (schedule.due_days, schedule.reminder_offsets, schedule.active) == (20, "1", False)
    bad = client.post(url, {"action": f"edit:{schedule.pk}", f"s{schedule.pk}-due_days": "-1"})
    assert bad.status_code == 400
    schedule.refresh_from_db()
    assert schedule.due_days == 20
    client.force_login(world.users["leader"])
    assert client.post(url, {"action": f"remove:{schedule.pk}"}).status_code == 403
    client.force_login(world.users["office"])
    assert client.post(url, {"action": f"remove:{schedule.pk}"}).status_code == 302
    assert not ReportingSchedule.objects.exists()
    assert client.post(url, {"action": "remove:999999"}).status_code == 404
