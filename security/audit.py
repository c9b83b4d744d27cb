"""Writing the audit trail: one call per event, from services, views and signal handlers."""
import logging

from django.db import transaction

from .ip import client_ip
from .models import AuditEvent

log = logging.getLogger(__name__)
Kind = AuditEvent.Kind


def record(kind, *, actor=None, request=None, obj=None, username="", **detail) -> AuditEvent | None:
    """Append one event. ``actor`` defaults to the request's user; ``obj`` names what was acted on.

    Never raises: an audit failure is logged, and the action it records is not undone by it.
    """
    try:
        if actor is None and request is not None:
            user = getattr(request, "user", None)
            actor = user if getattr(user, "is_authenticated", False) else None
        event = AuditEvent(
            kind=kind,
            actor=actor,
            actor_name=(getattr(actor, "username", "") or username or "")[:150],
            ip=client_ip(request) if request is not None else None,
            user_agent=(request.META.get("HTTP_USER_AGENT", "") if request is not None else "")[:300],
            detail={k: _plain(v) for k, v in detail.items()},
        )
        if obj is not None:
            event.object_type = obj._meta.label[:60]
            event.object_id = str(obj.pk)[:40]
            event.object_repr = str(obj)[:200]
        with transaction.atomic():  # a savepoint: a failure here leaves the caller's transaction usable
            event.save()
        return event
    except Exception:  # noqa: BLE001 — the audit trail must never break the action it records
        log.exception("could not record audit event %s", kind)
        return None


def _plain(value):
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return str(value)
