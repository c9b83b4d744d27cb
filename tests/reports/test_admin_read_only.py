"""The Django admin shows reports, figures and evidence but changes nothing: the workflow is the only way."""
import pytest
from django.urls import reverse

from reports import services
from reports.models import Attachment, ProgressReport, TargetValue
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_with_report(client, world):
    report = services.save_draft(report=world.report_of(world.lead_unit), user=world.users["lead_reporter"], version=1,
                                 progress="完成3000人", figures={world.target.pk: "3000"})
    client.force_login(f.UserFactory(username="root", is_staff=True, is_superuser=True))
    return client, report


def state():
    return (list(ProgressReport.objects.order_by("pk").values()), list(TargetValue.objects.order_by("pk").values()),
            list(ProgressReport.history.order_by("pk").values_list("history_id", flat=True)),
            Attachment.objects.count())


@pytest.mark.parametrize("model", ["progressreport", "targetvalue", "attachment"])
def test_lists_are_readable_but_nothing_can_be_added(admin_client_with_report, model):
    client, _report = admin_client_with_report
    assert client.get(reverse(f"admin:reports_{model}_changelist")).status_code == 200
    before = state()
    assert client.get(reverse(f"admin:reports_{model}_add")).status_code == 403
    assert client.post(reverse(f"admin:reports_{model}_add"), {}).status_code == 403
    assert state() == before


def test_a_report_cannot_be_changed_deleted_or_reverted(admin_client_with_report):
    client, report = admin_client_with_report
    value = report.values.get()
    before = state()
    change = reverse("admin:reports_progressreport_change", args=[report.pk])
    page = client.get(change)
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert client.post(change, {"progress": "改过了", "status": "accepted"}).status_code == 403
    assert client.post(reverse("admin:reports_progressreport_delete", args=[report.pk]), {"post": "yes"}).status_code == 403
    assert client.post(reverse("admin:reports_targetvalue_change", args=[value.pk]), {"value": "1"}).status_code == 403
    assert client.post(reverse("admin:reports_targetvalue_delete", args=[value.pk]), {"post": "yes"}).status_code == 403
    version = report.history.latest().history_id
    revert = reverse("admin:reports_progressreport_simple_history", args=[report.pk, version])
    assert client.get(revert).status_code == 200
    assert client.post(revert, {"progress": "旧版本"}).status_code == 403
    bulk = client.post(reverse("admin:reports_progressreport_changelist"),
                       {"action": "delete_selected", "_selected_action": [report.pk], "post": "yes"})
    assert bulk.status_code in (200, 302, 403)
    assert state() == before
