"""Retention of the audit trail and the other security logs (等保: keep at least six months)."""
import datetime
import logging

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from celery import shared_task
from django.conf import settings
from django.utils import timezone

from units.models import ApiWriteLog

from .models import AuditEvent

log = logging.getLogger(__name__)
MIN_RETENTION_DAYS = 183  # six months: a shorter setting is raised to this


def retention_days() -> int:
    return max(MIN_RETENTION_DAYS, settings.LUOSHI_AUDIT_RETENTION_DAYS)


def rotate(*, now=None) -> dict:
    """Drop audit events, log-in records and API write logs older than the retention period."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=retention_days())
    removed = {}
    for name, queryset in [
        ("audit_events", AuditEvent.objects.filter(at__lt=cutoff)),  # queryset delete: the model refuses one by one
        ("api_write_logs", ApiWriteLog.objects.filter(created_at__lt=cutoff)),
        ("access_logs", AccessLog.objects.filter(attempt_time__lt=cutoff)),
        ("access_failure_logs", AccessFailureLog.objects.filter(attempt_time__lt=cutoff)),
        ("access_attempts", AccessAttempt.objects.filter(attempt_time__lt=cutoff)),
    ]:
        removed[name] = queryset.delete()[0]
    log.info("security log rotation before %s: %s", cutoff.isoformat(), removed)
    return removed


@shared_task(bind=True, autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=5)
def rotate_security_logs(self) -> dict:
    """Beat, daily: apply the retention period (LUOSHI_AUDIT_RETENTION_DAYS, at least 183)."""
    return rotate()
