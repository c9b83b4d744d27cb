"""The demo is coherent in time: its history versions and notifications carry the dates of the events
they stand for (2021's, and January 2022's for the overdue fourth quarter), not the day it was loaded;
its rounds read the same whatever today is; and it says which day it simulates."""
import datetime

import pytest
from django.apps import apps
from django.core.management import call_command
from django.utils import timezone
from simple_history.models import HistoricalChanges

from demo.clock import DEMO_TODAY, DEMO_YEAR, at, simulated
from demo.loading import INSTRUCTION, SUPERVISION_DAYS, fyp_values_entered_on
from reports import jobs, reminders, selectors
from reports.models import Notification, ProgressReport, ReminderLog, ReportingRound
from rollups.models_bulletin import Bulletin
from tasks.models import WorkPlan

pytestmark = pytest.mark.django_db

START = datetime.date(DEMO_YEAR, 5, 8)  # the plan's issue date: nothing of the demo happens before it


@pytest.fixture
def demo():
    call_command("load_demo", stdout=open("/dev/null", "w"))
    return WorkPlan.objects.get(doc_number="吉政残工委发〔2021〕2号")


def _local_day(moment):
    return timezone.localtime(moment).date()


def _history_models():
    return [m for m in apps.get_models()
            if issubclass(m, HistoricalChanges) and any(f.name == "history_date" for f in m._meta.fields)]


def test_every_history_version_carries_the_date_of_its_event(demo):
    seen = 0
    for model in _history_models():
        for record in model.objects.all():
            seen += 1
            day = _local_day(record.history_date)
            if model.__name__ == "HistoricalIndicatorValue":  # entered when that year's 统计公报 came out
                assert day == fyp_values_entered_on(record.year), (model.__name__, record.year, day)
            else:  # the 2021 plan's reports, figures, 考核办法 and the 十四五 plan's indicators: in 2021
                assert day.year == DEMO_YEAR and START <= day <= DEMO_TODAY, (model.__name__, record.pk, day)
    assert seen > 300
    # A report's versions follow its workflow: the version that submitted it is dated at its submission.
    report = ProgressReport.objects.filter(status="accepted", unit__code="cl").first()
    versions = {h.status: h.history_date for h in report.history.all()}
    assert abs((versions["submitted"] - report.submitted_at).total_seconds()) < 5
    assert abs((versions["accepted"] - report.reviewed_at).total_seconds()) < 5
    assert report.submitted_at.date() == report.round.due_on - datetime.timedelta(days=2)


def test_every_notification_matches_its_event(demo):
    notes = list(Notification.objects.select_related("report", "round"))
    assert {n.kind for n in notes} >= {"round_opened", "reminder", "overdue", "chase", "submitted", "approved",
                                       "returned", "accepted", "bulletin"}
    reminder_days = {(r.round_id, r.unit_id, _local_day(r.sent_at)) for r in ReminderLog.objects.all()}
    bulletins = {b.round_id: b.published_at for b in Bulletin.objects.filter(published_at__isnull=False)}
    for note in notes:
        day = _local_day(note.created_at)
        assert START <= day <= DEMO_TODAY, (note.kind, day)
        if note.resolved_at:
            assert note.created_at <= note.resolved_at <= at(DEMO_TODAY, 23)
        if note.kind == "round_opened":
            assert day == note.round.opens_on
        elif note.kind in ("reminder", "overdue", "chase"):
            assert (note.round_id, note.unit_id, day) in reminder_days
        elif note.kind == "bulletin":
            assert _local_day(bulletins[note.round_id]) == day
        elif note.kind == "supervision":  # a 督办 step: sent on one of the escalation job's days
            assert day in SUPERVISION_DAYS, day
        elif note.kind == "instruction":  # a leader's 批示, on the day it was written
            assert day == INSTRUCTION[1], day
        else:  # a report moved: the version of the report that made the move has the notice's time
            moments = {h.history_date for h in note.report.history.filter(status=note.kind)}
            assert any(abs((m - note.created_at).total_seconds()) < 5 for m in moments), (note.kind, note.pk)


def test_rounds_read_the_same_whatever_today_is(demo, django_user_model):
    """The second quarter is closed, the third has a returned report and one waiting for the office, the
    fourth is overdue — on the simulated day, today, and years from now; and the daily jobs, run on any
    later day, neither open new rounds for the 2021 plan nor send reminders the demo already sent."""
    office = django_user_model.objects.get(username="office")
    q2, q3, q4 = ReportingRound.objects.filter(plan=demo).order_by("period_start")
    assert q2.closed and not q3.closed and not q4.closed
    for today in (DEMO_TODAY, timezone.localdate(), timezone.localdate() + datetime.timedelta(days=3 * 365)):
        bench = selectors.office_workbench(office, today=today)
        late = {group["round"].pk for group in bench["late"]}
        assert late == {q3.pk, q4.pk}, today
        assert not bench["closing"]
        assert {r.status for r in bench["waiting"]} == {"approved"} and bench["waiting"].filter(unit__code="mz").exists()
    rounds, logs = ReportingRound.objects.count(), ReminderLog.objects.count()
    for day in (DEMO_TODAY, timezone.localdate(), timezone.localdate() + datetime.timedelta(days=400)):
        jobs.open_scheduled_rounds(day.isoformat())
        jobs.send_due_reminders(day.isoformat())
    assert (ReportingRound.objects.count(), ReminderLog.objects.count()) == (rounds, logs)
    assert ReminderLog.objects.filter(round=q4, unit__code="rs", kind="chase").count() == 2


def test_the_simulated_clock_restores_the_real_one_and_never_dates_in_the_future():
    real = timezone.now()
    with simulated(at(datetime.date(2021, 7, 8))) as moment:
        assert timezone.localtime(timezone.now()).date() == datetime.date(2021, 7, 8)
        assert moment <= timezone.now()
    assert timezone.now() >= real
    with simulated(real + datetime.timedelta(days=30)):
        assert timezone.now() < real + datetime.timedelta(days=1)


def test_reminders_of_the_demo_are_logged_but_not_mailed(demo, mailoutbox):
    assert ReminderLog.objects.exists() and not mailoutbox
    assert reminders.late_units(ReportingRound.objects.get(plan=demo, period_label="2021年第四季度"),
                                today=DEMO_TODAY)


def test_the_demo_page_says_which_day_the_demo_simulates_and_lists_the_log_ins(client, settings):
    settings.LUOSHI_DEMO = True
    response = client.get("/demo/")  # anonymous: whoever tries the demo needs its log-ins first
    html = response.content.decode()
    assert response.status_code == 200
    assert "演示数据模拟的日期：2022年1月18日" in html and "2021年第四季度" in html
    assert "<code>rs_reporter</code>" in html and "luoshi-demo-2021" in html and "残工委办公室" in html
    login_page = client.get("/accounts/login/").content.decode()
    assert 'href="/demo/"' in login_page and "演示说明（模拟 2022-01-18）" in login_page


def test_outside_demo_mode_there_is_no_demo_page_nor_link(client, settings, django_user_model):
    settings.LUOSHI_DEMO = False
    assert client.get("/demo/").status_code == 404
    client.force_login(django_user_model.objects.create_user(username="someone", password="x-12345678"))
    assert "演示说明" not in client.get("/plans/").content.decode()
