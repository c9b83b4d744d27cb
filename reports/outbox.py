"""Recording and sending the workflow's owed events (see ``reports.models.WorkflowEvent``)."""
import logging

from django.db import transaction
from django.utils import timezone

from . import signals
from .models import ProgressReport, WorkflowEvent

logger = logging.getLogger(__name__)

SIGNALS = {WorkflowEvent.Kind.REPORT_COUNTING_CHANGED: signals.report_counting_changed}
BATCH = 500


def record(*, kind, report) -> WorkflowEvent:
    """Write the event in the caller's transaction and send it once that commits."""
    event = WorkflowEvent.objects.create(kind=kind, report=report)
    # robust: if sending fails (the broker is away) the commit still stands; the drain retries.
    transaction.on_commit(lambda: dispatch(event_ids=[event.pk]), robust=True)
    return event


def dispatch(*, event_ids=None, limit=BATCH) -> int:
    """Send pending events, oldest first; returns how many went out.

    Stops at the first failure (the broker is probably away: the rest would fail too) and
    leaves that event pending with its error. Receivers are idempotent, so an event sent
    twice by two overlapping drains does no harm.
    """
    pending = WorkflowEvent.objects.filter(dispatched_at__isnull=True).order_by("created_at", "id")
    if event_ids is not None:
        pending = pending.filter(pk__in=event_ids)
    sent = 0
    for event in pending[:limit]:
        try:
            SIGNALS[event.kind].send(sender=ProgressReport, report_id=event.report_id)
        except Exception as exc:  # the broker, the network, a receiver's bug: retried by the drain
            logger.warning("workflow event %s not sent yet: %s", event.pk, exc)
            WorkflowEvent.objects.filter(pk=event.pk).update(attempts=event.attempts + 1, last_error=str(exc)[:300])
            break
        WorkflowEvent.objects.filter(pk=event.pk, dispatched_at__isnull=True).update(
            dispatched_at=timezone.now(), attempts=event.attempts + 1, last_error="")
        sent += 1
    return sent
