"""Project-level views that belong to no app: the health endpoints.

* ``/healthz`` and ``/healthz/live`` — liveness: the process answers (``/healthz`` also pings
  the database, as the container health check always did).
* ``/healthz/ready`` — readiness as JSON: the database (required: 503 without it), and, for
  the operator, Redis (cache and broker), the worker heartbeat and the age of the last full
  nightly roll-up. Redis or the worker being away makes the answer ``degraded``, not 503:
  the site keeps working then (owed jobs wait in the outbox).
"""
import datetime

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Max
from django.http import Http404, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django_prometheus.exports import ExportToDjangoView

from core.health import worker_heartbeat_age_seconds
from rollups.models import RollupRun

WORKER_STALE_AFTER = datetime.timedelta(minutes=5)
NIGHTLY_STALE_AFTER = datetime.timedelta(hours=26)


@never_cache
def healthz(request):
    """Liveness for docker-compose and the reverse proxy: the app answers and the database responds."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")


@never_cache
def live(request):
    return HttpResponse("ok", content_type="text/plain")


def _check(fn):
    try:
        return fn()
    except Exception as exc:  # a health check reports failures, it never raises them
        return {"ok": False, "error": str(exc)[:200]}


def _database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return {"ok": True}


def _cache():
    key = "luoshi:readiness"
    cache.set(key, "1", 10)
    return {"ok": cache.get(key) == "1", "backend": settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]}


def _worker():
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return {"ok": True, "mode": "eager"}
    age = worker_heartbeat_age_seconds()
    return {"ok": age is not None and age < WORKER_STALE_AFTER.total_seconds(), "heartbeat_age_s": age}


def _nightly_rollup():
    last = RollupRun.objects.filter(kind=RollupRun.Kind.FULL).aggregate(at=Max("computed_at"))["at"]
    age = (timezone.now() - last).total_seconds() if last else None
    return {"ok": age is not None and age < NIGHTLY_STALE_AFTER.total_seconds(), "age_s": age}


@never_cache
def ready(request):
    database = _check(_database)
    checks = {"database": database, "cache": _check(_cache), "worker": _check(_worker),
              "nightly_rollup": _check(_nightly_rollup) if database["ok"] else {"ok": False}}
    if not checks["database"]["ok"]:
        status = "down"
    elif all(c["ok"] for c in checks.values()):
        status = "ok"
    else:
        status = "degraded"
    return JsonResponse({"status": status, "checks": checks}, status=503 if status == "down" else 200)


@never_cache
def metrics(request):
    """Prometheus metrics (django-prometheus: requests, latencies, database queries; and the
    owed jobs: ``luoshi_outbox_pending``, ``luoshi_celery_queue_length``), for the monitoring
    host only (``LUOSHI_METRICS_ALLOWED_IPS``); anyone else gets a 404."""
    if request.META.get("REMOTE_ADDR") not in settings.LUOSHI_METRICS_ALLOWED_IPS:
        raise Http404
    return ExportToDjangoView(request)
