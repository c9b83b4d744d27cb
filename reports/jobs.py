"""Celery jobs of the reports app. Each takes ids, is idempotent and safe to retry."""
from celery import shared_task

from .models import ReportingRound
from .services import ensure_report_slots


@shared_task(bind=True, autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=5)
def create_report_slots(self, round_id: int) -> int:
    """Create the missing report slots of a round (one per task and assigned unit)."""
    rnd = ReportingRound.objects.filter(pk=round_id).first()
    if rnd is None:  # deleted since the job was queued: nothing to do
        return 0
    return ensure_report_slots(rnd)
