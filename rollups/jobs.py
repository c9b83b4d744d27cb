"""Celery jobs of the rollups app. Each takes ids, is idempotent and safe to retry.

The names stay those of the jobs' first home (``reports.jobs.*``) so that messages already
queued and the beat schedule keep working.
"""
from celery import shared_task
from django.db import OperationalError

from tasks.models import WorkPlan

from . import engine, selectors
from .summary import files

RETRY_ON = (ConnectionError, OperationalError)  # broker or database hiccups, deadlocks: run again


@shared_task(name="reports.jobs.rollup_after_accept", bind=True, autoretry_for=RETRY_ON, retry_backoff=True,
             max_retries=5, acks_late=True)
def rollup_after_accept(self, report_id: int) -> dict:
    """After a report is accepted (or reopened): recompute only what it touches."""
    return engine.recompute_for_report(report_id)


@shared_task(name="reports.jobs.rollup_plan", bind=True, autoretry_for=RETRY_ON, retry_backoff=True,
             max_retries=5, acks_late=True)
def rollup_plan(self, plan_id: int, year: int | None = None) -> dict:
    """Full roll-up of one plan for one year (default: this year)."""
    return engine.recompute_plan(plan_id, year)


@shared_task(name="reports.jobs.rollup_nightly", bind=True, autoretry_for=RETRY_ON, retry_backoff=True,
             max_retries=3, acks_late=True)
def rollup_nightly(self, year: int | None = None) -> list[dict]:
    """Beat, nightly: full roll-up of every published plan of this year (and of last year until March)."""
    years = [year] if year else engine.years_to_refresh()
    return [engine.recompute_year(y) for y in years]


@shared_task(name="reports.jobs.generate_summary", bind=True, autoretry_for=RETRY_ON, retry_backoff=True,
             max_retries=3, acks_late=True)
def generate_summary(self, plan_id: int, year: int, kinds: list[str] | None = None, include_lower: bool = False,
                     user_id: int | None = None) -> list[int]:
    """Write the year-end workbook and Word draft of a plan; each replaces the previous file atomically."""
    plan = WorkPlan.objects.select_related("committee").filter(pk=plan_id).first()
    if plan is None or not plan.period_start <= year <= plan.period_end:
        return []
    plan_ids = selectors.derived_plan_ids(plan, year) if include_lower else [plan.pk]
    engine.ensure_rolled_up(plan_ids, year)  # the files read the stored roll-up only
    return files.generate(plan=plan, year=year, kinds=kinds, include_lower=include_lower, user_id=user_id)


@shared_task(name="rollups.jobs.escalate_supervision", bind=True, autoretry_for=RETRY_ON, retry_backoff=True,
             max_retries=3, acks_late=True)
def escalate_supervision(self, day_iso: str | None = None) -> dict:
    """Beat, daily: 督办 — open, resolve and escalate items as of the day (ISO date; default today).
    Idempotent: each step of an item is sent at most once, never after 办结."""
    import datetime

    from django.utils import timezone

    from .supervision import services as supervision

    day = datetime.date.fromisoformat(day_iso) if day_iso else timezone.localdate()
    counts = supervision.run_escalation(today=day)
    counts["bulletins"] = draft_missing_bulletins()
    return counts


def draft_missing_bulletins() -> int:
    """Closed rounds of published plans without a 通报 get their draft (a round closed while the
    broker was away is caught up here)."""
    from reports.models import ReportingRound

    from .models import Bulletin

    ids = (ReportingRound.objects.filter(closed=True, plan__status=WorkPlan.Status.PUBLISHED)
           .exclude(pk__in=Bulletin.objects.values("round_id")).values_list("pk", flat=True))
    return sum(1 for pk in ids if draft_round_bulletin(pk))


@shared_task(name="rollups.jobs.draft_round_bulletin", bind=True, autoretry_for=RETRY_ON, retry_backoff=True,
             max_retries=5, acks_late=True)
def draft_round_bulletin(self, round_id: int) -> bool:
    """After a round is closed: draft its 通报 unless it has one (an edited or published one is never touched)."""
    from .supervision import services as supervision

    return supervision.auto_draft_bulletin(round_id) is not None
