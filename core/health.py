"""Facts for the health endpoints that no app owns: the worker heartbeat.

A Celery worker stamps the heartbeat each time it runs the every-minute outbox drain
(``reports.jobs.dispatch_workflow_events``); readiness reports how old the stamp is.
"""
import datetime

from django.core.cache import cache
from django.utils import timezone

HEARTBEAT_KEY = "luoshi:worker-heartbeat"


def stamp_worker_heartbeat():
    cache.set(HEARTBEAT_KEY, timezone.now().isoformat(), timeout=24 * 3600)


def worker_heartbeat_age_seconds() -> float | None:
    stamp = cache.get(HEARTBEAT_KEY)
    if not stamp:
        return None
    return (timezone.now() - datetime.datetime.fromisoformat(stamp)).total_seconds()
