"""Audit events from Django's and django-axes' signals: log-ins, failures, lock-outs, role changes."""
import time

from axes.signals import user_locked_out
from django.contrib.admin.models import LogEntry
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from units.models import UnitRole

from .audit import Kind, record
from .middleware import LOGIN_AT, MUST_CHANGE, SEEN_AT
from .models import AccountSecurity


@receiver(user_logged_in, dispatch_uid="security-login")
def _logged_in(sender, request, user, **kwargs):
    if request is None:
        return
    session = getattr(request, "session", None)
    if session is not None:
        now = int(time.time())
        session[LOGIN_AT] = session[SEEN_AT] = now
        session[MUST_CHANGE] = AccountSecurity.objects.filter(user=user, must_change_password=True).exists()
    record(Kind.LOGIN, actor=user, request=request)


@receiver(user_logged_out, dispatch_uid="security-logout")
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        record(Kind.LOGOUT, actor=user, request=request)


@receiver(user_login_failed, dispatch_uid="security-login-failed")
def _login_failed(sender, credentials, request=None, **kwargs):
    record(Kind.LOGIN_FAILED, request=request, username=str(credentials.get("username", ""))[:150])


@receiver(user_locked_out, dispatch_uid="security-locked-out")
def _locked_out(sender, request, username, ip_address, **kwargs):
    record(Kind.LOCKED_OUT, request=request, username=str(username or "")[:150], ip_address=ip_address)


@receiver(post_save, sender=UnitRole, dispatch_uid="security-role-added")
def _role_saved(sender, instance, created, **kwargs):
    if created:
        record(Kind.ROLE_ADDED, obj=instance, actor=_current_user(), **_role_detail(instance))


@receiver(post_delete, sender=UnitRole, dispatch_uid="security-role-removed")
def _role_deleted(sender, instance, **kwargs):
    record(Kind.ROLE_REMOVED, obj=instance, actor=_current_user(), **_role_detail(instance))


def _role_detail(role):
    try:
        return {"user": role.user.username, "unit": str(role.unit), "role": role.role}
    except Exception:  # noqa: BLE001 — the user or unit is being deleted in the same cascade
        return {"user_id": role.user_id, "unit_id": role.unit_id, "role": role.role}


def _current_user():
    """The user of the request being served (simple_history's middleware keeps it), if any."""
    try:
        from simple_history.models import HistoricalRecords

        request = getattr(HistoricalRecords.context, "request", None)
    except Exception:  # noqa: BLE001
        return None
    user = getattr(request, "user", None)
    return user if getattr(user, "is_authenticated", False) else None


@receiver(post_save, sender=LogEntry, dispatch_uid="security-admin-action")
def _admin_action(sender, instance, created, **kwargs):
    """Every add, change and delete in the Django admin (the admin's own LogEntry) is also audited."""
    if created:
        record(Kind.ADMIN_ACTION, actor=instance.user, request=None, action=instance.get_action_flag_display(),
               model=str(instance.content_type) if instance.content_type_id else "", object_id=instance.object_id or "",
               object=instance.object_repr, change=instance.get_change_message())
