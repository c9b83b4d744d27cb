"""Project-level views that belong to no app: the health endpoints and the error handler.

* ``/healthz`` and ``/healthz/live`` — liveness: the process answers (``/healthz`` also pings
  the database, as the container health check always did).
* ``/healthz/ready`` — readiness as JSON: the database (required: 503 without it), and, for
  the operator, Redis (cache and broker), the worker heartbeat and the age of the last full
  nightly roll-up. Redis or the worker being away makes the answer ``degraded``, not 503:
  the site keeps working then (owed jobs wait in the outbox).
* ``server_error`` (``handler500``) — an unhandled error in Chinese, as JSON under ``/api/``; a
  database that cannot be reached (restarted, failed over, overloaded) answers 503 with
  Retry-After and says the action may not have been saved, instead of a bare 500.
"""
import datetime
import logging
import sys

from django.conf import settings
from django.core.cache import cache
from django.db import InterfaceError, OperationalError, connection
from django.db.models import Max
from django.http import Http404, HttpResponse, JsonResponse
from django.template import loader
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django_prometheus.exports import ExportToDjangoView

from core.health import worker_heartbeat_age_seconds
from rollups.models import RollupRun

logger = logging.getLogger(__name__)

WORKER_STALE_AFTER = datetime.timedelta(minutes=5)
DATABASE_AWAY_RETRY_AFTER = 30  # seconds: a restart or fail-over is usually over by then
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


def _database_away(exc) -> bool:
    # OperationalError covers a lost or refused connection, a restart in progress and statement
    # time-outs; InterfaceError a connection already closed. Both pass: the app reconnects by itself.
    # Django wraps the driver's errors in these classes already.
    return isinstance(exc, (OperationalError, InterfaceError))


def server_error(request, *args, **kwargs):
    """``handler500``: the error page in Chinese (JSON under /api/); 503 when the database is away."""
    exc = sys.exc_info()[1]
    away = _database_away(exc)
    status = 503 if away else 500
    if away:
        logger.warning("database unavailable for %s %s: %s", request.method, request.path, exc)
        detail = _("数据库暂时无法连接（可能正在重启或维护），您刚才的操作没有完成。请在 %(s)s 秒后重试；"
                   "已填写的内容请先不要关闭页面。") % {"s": DATABASE_AWAY_RETRY_AFTER}
    else:
        detail = _("系统处理请求时发生了意外错误，已记录在日志中。操作可能没有完成，请稍后重试；如果反复出现，请联系系统管理员。")
    if request.path.startswith("/api/"):
        code = "service_unavailable" if away else "server_error"
        response = JsonResponse({"code": code, "detail": detail, "errors": {}}, status=status,
                                json_dumps_params={"ensure_ascii": False})
    else:
        template = loader.get_template("503.html" if away else "500.html")
        response = HttpResponse(template.render({"retry_after": DATABASE_AWAY_RETRY_AFTER}), status=status)
    if away:
        response["Retry-After"] = str(DATABASE_AWAY_RETRY_AFTER)
    return response
