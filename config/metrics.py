"""Read when Prometheus scrapes: what is owed to the workers, and how their jobs ended."""
import logging

import redis
from django.conf import settings
from prometheus_client.core import REGISTRY, CounterMetricFamily, GaugeMetricFamily

from core import jobmetrics
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
        jobs = CounterMetricFamily("luoshi_celery_jobs", "Celery jobs ended, per job and outcome (succeeded, failed, retried)",
                                   labels=["job", "outcome"])
        try:
            for (job, outcome), n in sorted(jobmetrics.counts(_job_names()).items()):
                jobs.add_metric([job, outcome], n)
        except Exception:  # the cache is away
            logger.warning("job outcome counters unavailable", exc_info=True)
        else:
            yield jobs


def _job_names():
    from config.celery import app

    return sorted(name for name in app.tasks if not name.startswith("celery."))


_registered = False


def register():
    global _registered
    if not _registered:
        REGISTRY.register(OwedWorkCollector())
        _registered = True
