"""The office's round management: extra rounds, deadline extensions, closing, the review queue page."""
import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from reports import services
from reports.models import DeadlineExtension, ProgressReport, ReportingRound
from tests import factories as f

pytestmark = pytest.mark.django_db
S = ProgressReport.Status
D = datetime.date


def extra(world, user="office", **overrides):
    data = {"plan": world.plan, "period_label": "年中专项调度", "period_start": D(2021, 1, 1),
            "period_end": D(2021, 6, 30), "opens_on": D(2021, 7, 1), "due_on": D(2021, 7, 20)} | overrides
    return services.open_extra_round(user=world.users[user], **data)


def test_office_opens_an_extra_round_with_slots_for_lead_and_participating_units(world):
    rnd = extra(world)
    assert rnd.period_kind == ReportingRound.PeriodKind.EXTRA
    assert sorted(rnd.reports.values_list("unit__short_name", flat=True)) == ["省人社厅", "省民政厅"]


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"due_on": D(2021, 6, 1)}, "due_on"),
        ({"period_end": D(2020, 12, 31)}, "period_end"),
        ({"period_label": ""}, "period_label"),
    ],
)
def test_extra_round_bad_input_writes_nothing(world, overrides, field):
    with pytest.raises(ValidationError) as exc:
        extra(world, **overrides)
    assert field in exc.value.message_dict
    assert ReportingRound.objects.count() == 1


def test_extra_round_label_must_be_new_and_only_the_office_opens_one(world):
    extra(world)
    with pytest.raises(ValidationError, match="换一个名称"):
        extra(world)
    for name in ("leader", "lead_reporter", "other_office"):
        with pytest.raises(PermissionDenied):
            extra(world, user=name, period_label=f"专项{name}")
    assert ReportingRound.objects.count() == 2


def test_extra_round_through_the_web(client, world):
    client.force_login(world.users["office"])
    response = client.post(reverse("round-list"), {
        "plan": world.plan.pk, "period_label": "年中专项调度", "period_start": "2021-01-01",
        "period_end": "2021-06-30", "opens_on": "2021-07-01", "due_on": "2021-06-01"})
    assert response.status_code == 400 and "截止日期不能早于开始填报日期" in response.content.decode()
    response = client.post(reverse("round-list"), {
        "plan": world.plan.pk, "period_label": "年中专项调度", "period_start": "2021-01-01",
        "period_end": "2021-06-30", "opens_on": "2021-07-01", "due_on": "2021-07-20"})
    rnd = ReportingRound.objects.get(period_label="年中专项调度")
    assert response.status_code == 302 and response["Location"] == reverse("round-detail", args=[rnd.pk])
    assert "年中专项调度" in client.get(reverse("round-list")).content.decode()


def test_extend_a_units_deadline(world, client):
    client.force_login(world.users["office"])
    client.post(reverse("round-extend", args=[world.round.pk]),
                {"unit": world.part_unit.pk, "due_on": "2021-07-25", "reason": "机构调整"})
    ext = DeadlineExtension.objects.get()
    assert (ext.unit, ext.due_on, ext.granted_by) == (world.part_unit, D(2021, 7, 25), world.users["office"])
    # Granting again replaces the earlier extension.
    services.extend_deadline(round=world.round, user=world.users["office"], unit=world.part_unit,
                             due_on=D(2021, 7, 30))
    assert DeadlineExtension.objects.get().due_on == D(2021, 7, 30)
    page = client.get(reverse("round-detail", args=[world.round.pk])).content.decode()
    assert "2021-07-30" in page and "已延期" in page


def test_extension_bad_input_writes_nothing(world):
    office = world.users["office"]
    with pytest.raises(ValidationError, match="须晚于本轮截止日期"):
        services.extend_deadline(round=world.round, user=office, unit=world.lead_unit, due_on=D(2021, 7, 1))
    stranger = f.UnitFactory(committee=world.committee)
    with pytest.raises(ValidationError, match="没有填报任务"):
        services.extend_deadline(round=world.round, user=office, unit=stranger, due_on=D(2021, 8, 1))
    with pytest.raises(ValidationError, match="300字"):
        services.extend_deadline(round=world.round, user=office, unit=world.lead_unit, due_on=D(2021, 8, 1),
                                 reason="长" * 301)
    with pytest.raises(PermissionDenied):
        services.extend_deadline(round=world.round, user=world.users["leader"], unit=world.lead_unit,
                                 due_on=D(2021, 8, 1))
    services.close_round(round=world.round, user=office)
    with pytest.raises(ValidationError, match="已关闭"):
        services.extend_deadline(round=world.round, user=office, unit=world.lead_unit, due_on=D(2021, 8, 1))
    assert not DeadlineExtension.objects.exists()


def test_closing_a_round_stops_editing_and_submitting(world, flow, client):
    report = flow.draft()
    client.force_login(world.users["office"])
    client.post(reverse("round-close", args=[world.round.pk]))
    with pytest.raises(ValidationError, match="已关闭"):
        services.submit(report=report, user=world.users["lead_reporter"])
    client.force_login(world.users["lead_reporter"])
    html = client.get(reverse("report-detail", args=[report.pk])).content.decode()
    assert 'name="progress"' not in html


def test_review_queue_lists_what_waits_for_the_office_and_accepts_from_the_queue(world, flow, client):
    report = flow.approved()
    flow.draft(world.part_unit)
    client.force_login(world.users["office"])
    url = reverse("round-detail", args=[world.round.pk])
    html = client.get(url).content.decode()
    assert "待审阅（1份）" in html and "完成城镇新增就业3000人。" in html
    response = client.post(reverse("report-action", args=[report.pk, "accept"]), {"next": url})
    assert response.status_code == 302 and response["Location"] == url
    assert flow.fresh(report).status == S.ACCEPTED
    # An outside "next" is ignored.
    other = flow.approved(world.part_unit)
    response = client.post(reverse("report-action", args=[other.pk, "return"]),
                           {"comment": "请补充", "next": "https://evil.example/"})
    assert response["Location"] == reverse("report-detail", args=[other.pk])


def test_leader_reads_the_round_without_action_buttons(world, flow, client):
    flow.approved()
    client.force_login(world.users["leader"])
    html = client.get(reverse("round-detail", args=[world.round.pk])).content.decode()
    assert "待审阅（1份）" in html and "采纳任务5" not in html and "发送催办" not in html


def test_round_pages_query_counts(world, client, django_assert_max_num_queries):
    for i in range(20):
        unit = f.UnitFactory(committee=world.committee)
        task = f.TaskFactory(plan=world.plan, section=world.task.section, ref=f"x{i}")
        f.AssignmentFactory(task=task, unit=unit)
        f.TargetFactory(task=task)
    services.ensure_report_slots(world.round)
    for report in ProgressReport.objects.filter(round=world.round)[:15]:
        report.status = S.APPROVED
        report.save()
    client.force_login(world.users["office"])
    with django_assert_max_num_queries(25):
        assert client.get(reverse("round-detail", args=[world.round.pk])).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(reverse("round-list")).status_code == 200


def test_round_list_is_for_office_and_leaders(world, client):
    client.force_login(world.users["lead_reporter"])
    assert client.get(reverse("round-list")).status_code == 403
    client.force_login(world.users["other_office"])
    html = client.get(reverse("round-list")).content.decode()
    assert "2021年第二季度" not in html
    assert client.get(reverse("round-detail", args=[world.round.pk])).status_code == 404


def test_admin_lists_schedules_reminders_notifications_and_evidence(world, client):
    from reports import reminders

    admin_user = f.UserFactory(username="root", is_staff=True, is_superuser=True)
    services.set_schedule(plan=world.plan, user=world.users["office"], frequency="quarter", due_days=10)
    reminders.chase_unit(rnd=world.round, unit=world.part_unit, user=world.users["office"], message="请报送")
    client.force_login(admin_user)
    for name in ("reportingschedule", "reminderlog", "notification", "attachment"):
        response = client.get(reverse(f"admin:reports_{name}_changelist"))
        assert response.status_code == 200, name
    assert "省民政厅" in client.get(reverse("admin:reports_reminderlog_changelist")).content.decode()


def test_review_queue_paginates_and_keeps_its_query_count(world, client, django_assert_max_num_queries):
    for i in range(40):
        unit = f.UnitFactory(committee=world.committee)
        task = f.TaskFactory(plan=world.plan, section=world.task.section, ref=f"q{i}")
        f.AssignmentFactory(task=task, unit=unit)
    services.ensure_report_slots(world.round)
    ProgressReport.objects.filter(round=world.round, unit__in=world.committee.units.exclude(
        pk__in=[world.lead_unit.pk, world.part_unit.pk])).update(status=S.APPROVED)
    client.force_login(world.users["office"])
    url = reverse("round-detail", args=[world.round.pk])
    with django_assert_max_num_queries(25):
        first = client.get(url).content.decode()
    assert "待审阅（40份）" in first
    assert first.count("采纳任务q") == 25  # one page of the queue, not all 40
    assert "queue_page=2" in first and 'aria-label="待审阅分页"' in first
    with django_assert_max_num_queries(25):
        second = client.get(url + "?queue_page=2").content.decode()
    assert second.count("采纳任务q") == 15
    assert client.get(url + "?queue_page=99").status_code == 200  # out of range: the last page
