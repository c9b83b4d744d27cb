"""How Celery jobs end — succeeded, failed, retried — counted per job for Prometheus.

Workers are separate processes (and restart), so the counts live in the shared cache (Redis in
production; the process's memory in the embedded mode, where jobs run in the web process) and
``/metrics`` reads them when scraped. A count that cannot be written (the cache is away) is
lost with a warning: metrics never fail a job.
"""
import logging

from celery import signals
from django.core.cache import cache

logger = logging.getLogger(__name__)

OUTCOMES = ("succeeded", "failed", "retried")


def _key(job: str, outcome: str) -> str:
    return f"luoshi:jobs:{job}:{outcome}"


def count(job: str, outcome: str) -> None:
    key = _key(job, outcome)
    try:
        cache.add(key, 0, timeout=None)
        cache.incr(key)
    except Exception:  # the cache is away or evicted the key between add and incr
        logger.warning("job outcome not counted: %s %s", job, outcome, exc_info=True)


def counts(jobs) -> dict:
    """{(job, outcome): count} for the given job names (0 when never counted)."""
    keys = {_key(job, outcome): (job, outcome) for job in jobs for outcome in OUTCOMES}
    found = cache.get_many(list(keys))
    return {pair: int(found.get(key) or 0) for key, pair in keys.items()}


def _name(sender) -> str:
    return getattr(sender, "name", None) or str(sender)


def _succeeded(sender=None, **_kwargs):
    count(_name(sender), "succeeded")


def _failed(sender=None, **_kwargs):
    count(_name(sender), "failed")


def _retried(sender=None, request=None, **_kwargs):
    count(getattr(request, "task", None) or _name(sender), "retried")


def connect() -> None:
    """Count outcomes in this process (called once by the Celery app)."""
    signals.task_success.connect(_succeeded, weak=False, dispatch_uid="luoshi-job-succeeded")
    signals.task_failure.connect(_failed, weak=False, dispatch_uid="luoshi-job-failed")
    signals.task_retry.connect(_retried, weak=False, dispatch_uid="luoshi-job-retried")
