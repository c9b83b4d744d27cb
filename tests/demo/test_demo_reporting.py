"""The demo shows the reporting states: a schedule, a returned report with its comment, a review queue, overdue slots."""
import pytest
from django.core.management import call_command

from demo.loading import RETURN_COMMENT
from reports.models import ProgressReport, ReportingSchedule
from reports.selectors import my_open_slots

pytestmark = pytest.mark.django_db


def test_demo_has_returned_waiting_and_overdue_reports_and_stays_idempotent(django_user_model):
    call_command("load_demo", stdout=open("/dev/null", "w"))
    returned = ProgressReport.objects.get(status="returned")
    assert returned.unit.code == "rs" and returned.review_comment == RETURN_COMMENT
    assert returned.round.period_label == "2021年第三季度"
    assert ProgressReport.objects.filter(status="approved", unit__code="mz").exists()
    assert ReportingSchedule.objects.get().frequency == "quarter"
    slots = list(my_open_slots(django_user_model.objects.get(username="rs_reporter")))
    assert any(s.is_overdue for s in slots) and any(s.status == "returned" for s in slots)
    counts = (ProgressReport.objects.count(), ReportingSchedule.objects.count())
    call_command("load_demo", stdout=open("/dev/null", "w"))
    assert (ProgressReport.objects.count(), ReportingSchedule.objects.count()) == counts
