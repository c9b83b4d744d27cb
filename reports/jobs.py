"""Celery jobs of the reports app. Each takes ids, is idempotent and safe to retry."""
import datetime
import logging

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from core.health import stamp_worker_heartbeat

from . import excel, outbox, reminders, schedule
from .models import ReportingRound
from .services import ensure_report_slots

log = logging.getLogger(__name__)


@shared_task(bind=True, autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=5)
def create_report_slots(self, round_id: int) -> int:
    """Create the missing report slots of a round (one per task and assigned unit)."""
    rnd = ReportingRound.objects.filter(pk=round_id).first()
    if rnd is None:  # deleted since the job was queued: nothing to do
        return 0
    return ensure_report_slots(rnd)


def _day(day_iso):
    return datetime.date.fromisoformat(day_iso) if day_iso else timezone.localdate()


@shared_task(bind=True, autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=5)
def open_scheduled_rounds(self, day_iso: str | None = None) -> list[int]:
    """Beat, daily: open each active schedule's round whose period contains the day (ISO date; default today)."""
    return schedule.open_due_rounds(today=_day(day_iso))


@shared_task(bind=True, autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=5)
def send_due_reminders(self, day_iso: str | None = None) -> int:
    """Beat, daily: queue one reminder job per open round with missing reports; returns how many were queued."""
    day = _day(day_iso)
    round_ids = reminders.rounds_needing_reminders(day)
    for round_id in round_ids:
        try:
            send_round_reminders.delay(round_id, day.isoformat())
        except Exception:  # noqa: BLE001 — eager mode runs the job here: one round's failure must not stop the rest
            log.exception("reminders for round %s failed", round_id)
    return len(round_ids)


@shared_task(bind=True, autoretry_for=(ConnectionError, OSError), retry_backoff=True, max_retries=5)
def send_round_reminders(self, round_id: int, day_iso: str | None = None) -> list[int]:
    """Remind the late units of one round at the step reached on the day; each step goes out once (ReminderLog)."""
    return reminders.send_round_reminders(round_id=round_id, today=_day(day_iso))


@shared_task(bind=True, autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=5)
def dispatch_workflow_events(self) -> int:
    """Beat, every minute: send the workflow events still owed (a broker outage delayed them).

    Running it also stamps the worker heartbeat that ``/healthz/ready`` reports."""
    stamp_worker_heartbeat()
    return outbox.dispatch()


@shared_task(bind=True, autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=3, acks_late=True,
             soft_time_limit=settings.LUOSHI_EXCEL_SOFT_SECONDS, time_limit=settings.LUOSHI_EXCEL_SOFT_SECONDS + 30)
def check_excel_upload(self, upload_id: int) -> str:
    """Check (and, if every row is right, save) a large uploaded Excel template; the result is kept on it."""
    return excel.run_check(upload_id)
