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


def test_demo_has_yellow_and_red_supervision_and_an_answered_instruction():
    """督办 in the demo province: the returned third-quarter report escalated to 督办单（红）, lagging tasks to
    督办单（黄）, and the leader's 批示 answered by 省残联 in its fourth-quarter draft — with 2021 dates."""
    import datetime

    from rollups.models import InstructionAnswer, SupervisionItem

    call_command("load_demo", stdout=open("/dev/null", "w"))
    red = SupervisionItem.objects.get(level=3, unit__code="rs")
    assert red.unit.code == "rs" and red.reason == "overdue" and red.since == datetime.date(2021, 10, 10)
    assert [(s.name, s.on.isoformat()) for s in red.steps.order_by("level")] == [
        ("提示单", "2021-10-11"), ("督办单（黄）", "2021-10-18"), ("督办单（红）", "2021-10-26")]
    assert SupervisionItem.objects.filter(level=2, status="open").exists()
    answer = InstructionAnswer.objects.select_related("instruction", "report__round").get()
    assert answer.unit.code == "cl" and answer.report.round.period_label == "2021年第四季度"
    assert answer.instruction.created_at.date() == datetime.date(2021, 11, 5) < answer.answered_at.date()
    counts = (SupervisionItem.objects.count(), InstructionAnswer.objects.count())
    call_command("load_demo", stdout=open("/dev/null", "w"))
    assert (SupervisionItem.objects.count(), InstructionAnswer.objects.count()) == counts
