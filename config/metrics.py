"""Gauges read when Prometheus scrapes: what is owed to the workers."""
import logging

import redis
from django.conf import settings
from prometheus_client.core import REGISTRY, GaugeMetricFamily

from reports.models import WorkflowEvent

logger = logging.getLogger(__name__)


class OwedWorkCollector:
    def describe(self):
        return []  # nothing to read at registration (the database may not even exist yet)

    def collect(self):
        pending = GaugeMetricFamily("luoshi_outbox_pending", "Workflow events (owed roll-ups) not yet sent to the workers")
        try:
            pending.add_metric([], WorkflowEvent.objects.filter(dispatched_at__isnull=True).count())
        except Exception:  # the database is away: report nothing rather than fail the scrape
            logger.warning("outbox gauge unavailable", exc_info=True)
        else:
            yield pending
        queue = GaugeMetricFamily("luoshi_celery_queue_length", "Jobs waiting in the Celery queue on the broker")
        url = settings.CELERY_BROKER_URL
        if url.startswith(("redis://", "rediss://")):
            try:
                client = redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1)
                queue.add_metric([], client.llen("celery"))
            except Exception:  # the broker is away: the scrape still answers
                logger.warning("queue length gauge unavailable", exc_info=True)
            else:
                yield queue


_registered = False


def register():
    global _registered
    if not _registered:
        REGISTRY.register(OwedWorkCollector())
        _registered = True
