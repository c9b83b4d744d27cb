"""Notifications settle when the matter they point to is handled (read state aside), group by
round and kind, are marked read in bulk; the menu counts what still needs action."""
import datetime

import pytest
from django.urls import reverse

from reports import reminders, services
from reports.models import Notification
from reports.selectors import open_notification_count

from .test_web_reporting import login

pytestmark = pytest.mark.django_db


def notes(user, kind):
    return Notification.objects.filter(user=user, kind=kind)


def test_pending_review_notice_settles_when_the_approver_signs_off(world, flow):
    approver = world.users["lead_approver"]
    report = flow.submitted()
    assert open_notification_count(approver) == 1
    services.approve(report=report, user=approver)
    note = notes(approver, "submitted").get()
    assert note.resolved_at is not None and note.read_at is None  # handled, though never opened
    assert open_notification_count(approver) == 0


def test_office_notice_settles_on_accept_or_return(world, flow):
    office = world.users["office"]
    report = flow.approved()
    assert open_notification_count(office) == 1
    services.accept(report=report, user=office)
    assert open_notification_count(office) == 0


def test_returned_notice_settles_only_when_resubmitted(world, flow):
    reporter = world.users["lead_reporter"]
    report = flow.returned()
    assert open_notification_count(reporter) == 1
    report = services.save_draft(report=report, user=reporter, version=report.version, progress="改好了")
    assert open_notification_count(reporter) == 1  # a draft save answers nothing yet
    services.submit(report=report, user=reporter)
    assert open_notification_count(reporter) == 0


def test_chase_settles_when_the_unit_has_nothing_missing(world, flow):
    reminders.chase_unit(rnd=world.round, unit=world.lead_unit, user=world.users["office"], message="请尽快报送")
    reporter = world.users["lead_reporter"]
    assert open_notification_count(reporter) == 1
    flow.submitted()  # the lead unit's only report reaches its approver: still missing
    assert notes(reporter, "chase").get().resolved_at is None
    services.approve(report=world.report_of(world.lead_unit), user=world.users["lead_approver"])
    assert notes(reporter, "chase").get().resolved_at is not None


def test_accepted_and_round_opened_never_count_as_needing_action(world, flow):
    flow.accepted()
    reporter = world.users["lead_reporter"]
    assert notes(reporter, "accepted").exists()
    assert open_notification_count(reporter) == 0


def test_page_groups_by_round_and_kind_and_marks_a_group_read(client, world, flow):
    flow.submitted()
    report = world.report_of(world.part_unit)
    report = services.save_draft(report=report, user=world.users["part_reporter"], version=1, progress="x")
    login(client, world, "lead_approver")
    html = client.get(reverse("notifications")).content.decode()
    assert "2021年第二季度 · 待审核" in html and "1件待处理" in html
    note = Notification.objects.get(user=world.users["lead_approver"])
    response = client.post(reverse("notifications"), {"group": f"{world.round.pk}:submitted"})
    assert response.status_code == 302
    note.refresh_from_db()
    assert note.read_at is not None and note.resolved_at is None  # read, but still to do
    assert open_notification_count(world.users["lead_approver"]) == 1


@pytest.mark.parametrize("group", ["x:submitted", "1:nonsense", "1"])
def test_bad_group_is_refused(client, world, flow, group):
    flow.submitted()
    login(client, world, "lead_approver")
    assert client.post(reverse("notifications"), {"group": group}).status_code == 400
    assert Notification.objects.filter(read_at__isnull=False).count() == 0


def test_marking_read_touches_only_my_notices(client, world, flow):
    flow.submitted()
    login(client, world, "office")
    client.post(reverse("notifications"))
    assert Notification.objects.get(user=world.users["lead_approver"]).read_at is None


def test_menu_shows_the_count_of_what_needs_action(client, world, flow):
    flow.submitted()
    login(client, world, "lead_approver")
    assert "1 件待办" in client.get(reverse("my-tasks")).content.decode()
    services.approve(report=world.report_of(world.lead_unit), user=world.users["lead_approver"])
    assert "件待办" not in client.get(reverse("my-tasks")).content.decode()


def test_notification_list_query_count_is_constant_as_rounds_grow(client, world, flow, django_assert_max_num_queries):
    flow.submitted()
    login(client, world, "lead_approver")
    client.get(reverse("notifications"))
    import django.db
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(django.db.connection) as few:
        client.get(reverse("notifications"))
    for n in range(1, 6):
        start = datetime.date(2021, 1, 1) + datetime.timedelta(days=10 * n)
        rnd = services.create_round(plan=world.plan, period_kind="extra", period_label=f"专项{n}", period_start=start,
                                    period_end=start, opens_on=start, due_on=start)
        report = rnd.reports.get(unit=world.lead_unit)
        report = services.save_draft(report=report, user=world.users["lead_reporter"], version=1, progress="x",
                                     figures={world.target.pk: "3000"})
        services.submit(report=report, user=world.users["lead_reporter"])
    assert Notification.objects.filter(user=world.users["lead_approver"]).count() == 6
    with django_assert_max_num_queries(len(few)):
        client.get(reverse("notifications"))
