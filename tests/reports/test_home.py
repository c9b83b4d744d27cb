"""Every role lands on its own work: reporter, approver, office (工作台, 批量采纳, 一键催办), leader.
Permission and bad-input tests for the new actions; query counts constant as rounds grow."""
import datetime

import pytest
from django.urls import reverse

from reports import services
from reports.models import Notification, ProgressReport, ReminderLog
from tests import factories as f

from .test_web_reporting import login

pytestmark = pytest.mark.django_db
S = ProgressReport.Status


def extra_round(world, n):
    start = datetime.date(2021, 1, 1) + datetime.timedelta(days=10 * n)
    return services.create_round(
        plan=world.plan, period_kind="extra", period_label=f"专项调度{n}", period_start=start,
        period_end=start + datetime.timedelta(days=5), opens_on=start, due_on=start + datetime.timedelta(days=9))


def test_reporter_lands_on_what_to_do_now_returned_first(client, world, flow):
    later = extra_round(world, 1)  # due 2021-01-10: earlier than the world's round
    flow.returned(comment="请补充分市数据")
    html = login(client, world, "lead_reporter").get("/").content.decode()
    assert "现在要做" in html and "待填报（2份）" in html
    returned = html.index("请补充分市数据")
    other = html.index(later.period_label)
    assert returned < other  # returned first, even though the other is due sooner
    assert "summary-counts" in html and "?status=returned" in html  # the tiles are links


def test_done_items_are_collapsed_by_round(client, world, flow):
    flow.submitted()
    html = login(client, world, "lead_reporter").get("/").content.decode()
    assert "<details" in html and "2021年第二季度：已报出1份" in html and "待填报（0份）" in html


def test_approver_signs_off_in_one_click_from_home(client, world, flow):
    report = flow.submitted()
    login(client, world, "lead_approver")
    html = client.get("/").content.decode()
    assert "待我审核（1份）" in html and "审核通过任务5" in html
    response = client.post(reverse("report-action", args=[report.pk, "approve"]), {"next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    assert flow.fresh(report).status == S.APPROVED
    assert "待我审核（0份）" in client.get("/").content.decode()


def test_approver_sends_back_from_home_with_a_comment(client, world, flow):
    report = flow.submitted()
    login(client, world, "lead_approver")
    client.post(reverse("report-action", args=[report.pk, "send_back"]), {"next": "/", "comment": "数字有误"})
    assert flow.fresh(report).status == S.RETURNED


def test_leader_lands_on_the_dashboard_of_their_committee(client, world):
    world.plan.status = "published"
    world.plan.save()
    # A later five-year plan without rounds of its own is not where the year's work shows.
    f.WorkPlanFactory(committee=world.committee, title="十四五规划", period_start=2021, period_end=2025,
                      status="published")
    response = login(client, world, "leader").get("/")
    assert response.status_code == 302
    assert response["Location"] == reverse("plan-dashboard", args=[world.plan.pk]) + "?year=2021"


def test_plan_list_stays_reachable(client, world):
    html = login(client, world, "office").get("/").content.decode()
    assert reverse("plan-list") in html
    assert "2021年重点工作任务" in client.get(reverse("plan-list")).content.decode()


def test_office_workbench_shows_waiting_late_closing_and_drafts(client, world, flow):
    flow.approved()
    html = login(client, world, "office").get("/").content.decode()
    assert "工作台" in html and "待审阅的报告（1份）" in html
    assert "省民政厅（1份未报）" in html  # the world's round is past due (2021)
    assert "一键催办2021年第二季度的1个逾期单位" in html


def test_batch_accept_accepts_each_report_with_its_own_version(client, world, flow):
    lead, part = flow.approved(), flow.approved(world.part_unit)
    login(client, world, "office")
    response = client.post(reverse("workbench-accept"), {"accept": [f"{lead.pk}:{lead.version}", f"{part.pk}:{part.version}"]})
    assert response.status_code == 302
    for report in (lead, part):
        fresh = flow.fresh(report)
        assert fresh.status == S.ACCEPTED and fresh.version == report.version + 1
        assert fresh.history.first().history_change_reason == "办公室采纳"


def test_batch_accept_refuses_a_report_changed_since_the_page_was_read(client, world, flow):
    report = flow.approved()
    login(client, world, "office")
    client.post(reverse("workbench-accept"), {"accept": f"{report.pk}:{report.version - 1}"})
    assert flow.fresh(report).status == S.APPROVED


def test_batch_accept_only_within_the_offices_reach(client, world, flow):
    report = flow.approved()
    for name in ("other_office", "lead_reporter", "lead_approver", "leader"):
        login(client, world, name)
        client.post(reverse("workbench-accept"), {"accept": f"{report.pk}:{report.version}"})
        assert flow.fresh(report).status == S.APPROVED, name


@pytest.mark.parametrize("value", ["", "abc", "1:x", "1;2", "-1:2"])
def test_batch_accept_bad_input_writes_nothing(client, world, flow, value):
    report = flow.approved()
    login(client, world, "office")
    response = client.post(reverse("workbench-accept"), {"accept": value} if value else {})
    assert response.status_code == 302
    assert flow.fresh(report).status == S.APPROVED
    assert client.get(reverse("workbench-accept")).status_code == 405


def test_chase_late_units_of_a_round(client, world, flow):
    login(client, world, "office")
    response = client.post(reverse("round-chase-late", args=[world.round.pk]))
    assert response.status_code == 302
    chased = set(ReminderLog.objects.filter(round=world.round, kind="chase").values_list("unit__short_name", flat=True))
    assert chased == {"省人社厅", "省民政厅"}
    assert Notification.objects.filter(user=world.users["part_reporter"], kind="chase").exists()


def test_chase_late_only_by_the_rounds_office(client, world):
    for name, status in (("other_office", 404), ("lead_reporter", 404), ("leader", 403)):
        login(client, world, name)
        assert client.post(reverse("round-chase-late", args=[world.round.pk])).status_code == status, name
    assert not ReminderLog.objects.exists()


def test_chase_late_skips_units_that_are_not_late(client, world, flow):
    flow.approved()
    flow.approved(world.part_unit)
    login(client, world, "office")
    client.post(reverse("round-chase-late", args=[world.round.pk]))
    assert not ReminderLog.objects.exists()


@pytest.mark.parametrize("name", ["lead_reporter", "lead_approver", "office"])
def test_home_query_count_is_constant_as_rounds_grow(client, world, flow, django_assert_max_num_queries, name):
    flow.approved(world.part_unit)
    login(client, world, name)
    client.get("/")
    import django.db
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(django.db.connection) as few:
        assert client.get("/").status_code == 200
    for n in range(1, 6):
        extra_round(world, n)
    r = extra_round(world, 6)
    flow.u = world.users
    for report in r.reports.all()[:1]:
        services.save_draft(report=report, user=world.users["lead_reporter"], version=report.version, progress="x")
    with django_assert_max_num_queries(len(few)):
        assert client.get("/").status_code == 200


def test_workbench_shows_how_often_each_late_unit_was_chased(client, world):
    login(client, world, "office")
    html = client.get("/").content.decode()
    assert "省民政厅（1份未报）<small class=\"chased\">未催办</small>" in html
    client.post(reverse("round-chase-late", args=[world.round.pk]))
    client.post(reverse("round-chase-late", args=[world.round.pk]))
    html = client.get("/").content.decode()
    assert "省民政厅（1份未报）<small class=\"chased\">催办2次</small>" in html
    assert "省人社厅" in html and html.count("催办2次") == 2


def test_chase_counts_are_per_round_and_only_the_offices(client, world, flow):
    from reports.selectors import late_units_by_round

    other = extra_round(world, 1)
    ReminderLog.objects.create(round=other, unit=world.part_unit, kind="chase", due_on=other.due_on, missing=1)
    ReminderLog.objects.create(round=world.round, unit=world.part_unit, kind="overdue", step=1,
                               due_on=world.round.due_on, missing=1)
    groups = {g["round"].pk: g for g in late_units_by_round(world.users["office"])}
    counts = {u["unit"].short_name: u["chased"] for u in groups[world.round.pk]["units"]}
    assert counts["省民政厅"] == 0  # a scheduled overdue reminder is not a 催办, nor one in another round
    assert late_units_by_round(world.users["other_office"]) == []
