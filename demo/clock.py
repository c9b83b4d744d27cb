"""The demo's clock: the demo's events happen on the dates they describe, not on the day it is loaded.

``simulated(moment)`` runs a block as if the time were ``moment`` (it moves on with the real clock
from there, so events in one block keep their order). Everything that stamps a time through
``django.utils.timezone.now`` — history versions (django-simple-history), notifications, submission
and review times, reminder logs, audit records — then carries the event's date. Used by the demo
loader only (one process, one thread, before the server starts): never by the product itself.
"""
import datetime
from contextlib import contextmanager

from django.apps import apps
from django.utils import timezone

#: The day the demo simulates: the fourth quarter of 2021 has just become overdue and been chased.
DEMO_TODAY = datetime.date(2022, 1, 18)
#: The plan year the demo's annual plan and its rounds belong to.
DEMO_YEAR = 2021


def at(day: datetime.date, hour: int = 10, minute: int = 0) -> datetime.datetime:
    """An aware moment on ``day`` in the site's time zone."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


@contextmanager
def simulated(moment: datetime.datetime):
    """Run the block at ``moment`` (never later than the real now: nothing is dated in the future)."""
    real_now = timezone.now
    start = real_now()
    moment = min(moment, start)
    timezone.now = lambda: moment + (real_now() - start)
    # Fields whose default is ``timezone.now`` hold the function itself (e.g. the outbox's and the audit
    # trail's times): they read the simulated clock too, for the block.
    fields = [f for model in apps.get_models() for f in model._meta.concrete_fields if f.default is real_now]
    for field in fields:
        field.default = _now
        field.__dict__.pop("_get_default", None)
    try:
        yield moment
    finally:
        timezone.now = real_now
        for field in fields:
            field.default = real_now
            field.__dict__.pop("_get_default", None)


def _now():
    return timezone.now()
