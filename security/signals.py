"""Audit events from Django's and django-axes' signals: log-ins, failures, lock-outs, role changes."""
import time

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from units.signals import password_set_by_office

from . import twofactor
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
        session[twofactor.STATE] = twofactor.state_at_login(user)
    record(Kind.LOGIN, actor=user, request=request)


@receiver(password_set_by_office, dispatch_uid="security-password-set-by-office")
def _password_set_by_office(sender, user, actor=None, **kwargs):
    """A password the committee office set (new account, reset) is changed at the person's next log-in."""
    from .services import mark_password_changed

    mark_password_changed(user=user, by_owner=False)


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


@receiver(post_save, sender="units.UnitRole", dispatch_uid="security-role-added")
def _role_saved(sender, instance, created, **kwargs):
    if created:
        record(Kind.ROLE_ADDED, obj=instance, actor=_current_user(), **_role_detail(instance))


@receiver(post_delete, sender="units.UnitRole", dispatch_uid="security-role-removed")
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


@receiver(post_save, sender="admin.LogEntry", dispatch_uid="security-admin-action")
def _admin_action(sender, instance, created, **kwargs):
    """Every add, change and delete in the Django admin (the admin's own LogEntry) is also audited."""
    if created:
        record(Kind.ADMIN_ACTION, actor=instance.user, request=None, action=instance.get_action_flag_display(),
               model=str(instance.content_type) if instance.content_type_id else "", object_id=instance.object_id or "",
               object=instance.object_repr, change=instance.get_change_message())


# ---------------------------------------------------------------- plan and reporting life-cycle
# Recorded from the models' signals, so that every path (web, API, admin, jobs) is covered; the
# acting person comes from the request being served (none for scheduled jobs).

def _actor(instance):
    """Who acted: named by the service that saved ``instance`` (``_luoshi_actor``), else the request's user."""
    return getattr(instance, "_luoshi_actor", None) or _current_user()


def _old(sender, instance, fields):
    if instance.pk is None:
        return None
    return sender.objects.filter(pk=instance.pk).values(*fields).first()


def _connect_lifecycle():
    # Senders named "app_label.Model": this app sits below tasks and reports and imports neither.
    WorkPlan, ReportingRound = "tasks.WorkPlan", "reports.ReportingRound"
    ReportingSchedule, DeadlineExtension, ReminderLog = (
        "reports.ReportingSchedule", "reports.DeadlineExtension", "reports.ReminderLog")

    @receiver(pre_save, sender=WorkPlan, dispatch_uid="security-plan-pre", weak=False)
    def _plan_pre(sender, instance, **kwargs):
        instance._luoshi_old = _old(sender, instance, ["status"])

    @receiver(post_save, sender=WorkPlan, dispatch_uid="security-plan-post", weak=False)
    def _plan_post(sender, instance, created, **kwargs):
        old = getattr(instance, "_luoshi_old", None)
        if created:
            record(Kind.PLAN_CREATED, actor=_actor(instance), obj=instance, status=instance.status)
        elif old and old["status"] != instance.status:
            record(Kind.PLAN_CHANGED, actor=_actor(instance), obj=instance, old=old["status"], new=instance.status)

    @receiver(post_delete, sender=WorkPlan, dispatch_uid="security-plan-deleted", weak=False)
    def _plan_deleted(sender, instance, **kwargs):
        record(Kind.PLAN_DELETED, actor=_actor(instance), obj=instance)

    @receiver(pre_save, sender=ReportingRound, dispatch_uid="security-round-pre", weak=False)
    def _round_pre(sender, instance, **kwargs):
        instance._luoshi_old = _old(sender, instance, ["closed", "due_on"])

    @receiver(post_save, sender=ReportingRound, dispatch_uid="security-round-post", weak=False)
    def _round_post(sender, instance, created, **kwargs):
        old = getattr(instance, "_luoshi_old", None)
        if created:
            record(Kind.ROUND_OPENED, actor=_actor(instance), obj=instance, due_on=instance.due_on)
        elif old and not old["closed"] and instance.closed:
            record(Kind.ROUND_CLOSED, actor=_actor(instance), obj=instance)

    @receiver(pre_save, sender=ReportingSchedule, dispatch_uid="security-schedule-pre", weak=False)
    def _schedule_pre(sender, instance, **kwargs):
        instance._luoshi_old = _old(sender, instance, ["due_days", "reminder_offsets", "active"])

    @receiver(post_save, sender=ReportingSchedule, dispatch_uid="security-schedule-post", weak=False)
    def _schedule_post(sender, instance, created, **kwargs):
        new = {"due_days": instance.due_days, "reminder_offsets": instance.reminder_offsets, "active": instance.active}
        record(Kind.SCHEDULE_CHANGED, actor=_actor(instance), obj=instance, frequency=instance.frequency,
               old=getattr(instance, "_luoshi_old", None), new=new)

    @receiver(pre_save, sender=DeadlineExtension, dispatch_uid="security-extension-pre", weak=False)
    def _extension_pre(sender, instance, **kwargs):
        instance._luoshi_old = _old(sender, instance, ["due_on", "reason"])

    @receiver(post_save, sender=DeadlineExtension, dispatch_uid="security-extension-post", weak=False)
    def _extension_post(sender, instance, created, **kwargs):
        # Every grant is kept here, with the due date it replaced (the model keeps only the latest).
        old = getattr(instance, "_luoshi_old", None) or {}
        record(Kind.DEADLINE_EXTENDED, actor=_actor(instance) or instance.granted_by, obj=instance,
               round=instance.round_id, unit=str(instance.unit), due_on=instance.due_on, reason=instance.reason,
               previous_due_on=old.get("due_on"), previous_reason=old.get("reason"))

    @receiver(post_save, sender=ReminderLog, dispatch_uid="security-chase", weak=False)
    def _chased(sender, instance, created, **kwargs):
        if created and instance.sent_by_id:
            record(Kind.CHASED, actor=instance.sent_by, obj=instance, round=instance.round_id, unit=str(instance.unit),
                   message=instance.message[:500])


_connect_lifecycle()
