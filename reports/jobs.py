"""Celery jobs of the reports app. Each takes ids, is idempotent and safe to retry."""
import datetime
import logging

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from . import reminders, rollup, schedule, summary
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


# ---------------------------------------------------------------- roll-ups and the year-end summary

RETRY_ON = (ConnectionError, OperationalError)  # broker or database hiccups, deadlocks: run again


@shared_task(bind=True, autoretry_for=RETRY_ON, retry_backoff=True, max_retries=5, acks_late=True)
def rollup_after_accept(self, report_id: int) -> dict:
    """After a report is accepted (or reopened): recompute only what it touches."""
    return rollup.recompute_for_report(report_id)


@shared_task(bind=True, autoretry_for=RETRY_ON, retry_backoff=True, max_retries=5, acks_late=True)
def rollup_plan(self, plan_id: int, year: int | None = None) -> dict:
    """Full roll-up of one plan for one year (default: this year)."""
    return rollup.recompute_plan(plan_id, year)


@shared_task(bind=True, autoretry_for=RETRY_ON, retry_backoff=True, max_retries=3, acks_late=True)
def rollup_nightly(self, year: int | None = None) -> list[dict]:
    """Beat, nightly: full roll-up of every published plan of this year (and of last year until March)."""
    years = [year] if year else rollup.years_to_refresh()
    return [rollup.recompute_year(y) for y in years]


@shared_task(bind=True, autoretry_for=RETRY_ON, retry_backoff=True, max_retries=3, acks_late=True)
def generate_summary(self, plan_id: int, year: int, kinds: list[str] | None = None, include_lower: bool = False,
                     user_id: int | None = None) -> list[int]:
    """Write the year-end workbook and Word draft of a plan; each replaces the previous file atomically."""
    return summary.generate(plan_id=plan_id, year=year, kinds=kinds, include_lower=include_lower, user_id=user_id)
