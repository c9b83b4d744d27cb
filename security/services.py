"""Account services of the security administrator and of each user: password change and reset, unlock."""
import secrets

from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from units.selectors import access_for

from .audit import Kind, record
from .models import AccountSecurity


def _require_security_admin(user):
    if not access_for(user).is_security_admin:
        raise PermissionDenied(_("只有安全管理员可以执行该操作。"))


def mark_password_changed(*, user, by_owner: bool) -> None:
    """Keep an account's password state: its own choice, or one an administrator set (to be changed)."""
    AccountSecurity.objects.update_or_create(
        user=user, defaults={"must_change_password": not by_owner, "password_changed_at": timezone.now()})


@transaction.atomic
def change_own_password(*, user, request=None) -> None:
    """After the user set a new password of their own (the form validated it): clear the forced change."""
    mark_password_changed(user=user, by_owner=True)
    record(Kind.PASSWORD_CHANGED, actor=user, request=request, obj=user)


def temporary_password() -> str:
    """A one-time password meeting the policy: to be handed over in person and changed at first log-in."""
    while True:
        candidate = secrets.token_urlsafe(9) + secrets.choice("!@#%") + str(secrets.randbelow(10)) + "Aa"
        try:
            password_validation.validate_password(candidate)
            return candidate
        except ValidationError:
            continue


@transaction.atomic
def reset_password(*, admin, username: str, request=None) -> str:
    """The security administrator gives an account a temporary password (shown once) and unlocks it."""
    _require_security_admin(admin)
    target = get_user_model().objects.filter(username=username).first()
    if target is None:
        raise ValidationError({"username": [_("没有账号“%(name)s”。") % {"name": username[:150]}]})
    if target.pk == admin.pk:
        raise ValidationError({"username": [_("不能重置自己的密码，请在“修改密码”页面修改。")]})
    password = temporary_password()
    target.set_password(password)
    target.save(update_fields=["password"])
    mark_password_changed(user=target, by_owner=False)
    axes_reset(username=target.username)
    record(Kind.PASSWORD_RESET, actor=admin, request=request, obj=target)
    return password


@transaction.atomic
def unlock(*, admin, username: str = "", ip_address: str = "", request=None) -> int:
    """Lift a lock-out by account or by address before its time runs out; returns how many were lifted."""
    _require_security_admin(admin)
    if not username and not ip_address:
        raise ValidationError(_("请填写要解除锁定的账号或地址。"))
    count = axes_reset(username=username or None, ip=ip_address or None)
    record(Kind.UNLOCKED, actor=admin, request=request, username_unlocked=username, ip_address=ip_address, count=count)
    return count


def locked_attempts():
    """Failure records that currently lock an account or an address (at or over the limit, not expired)."""
    from axes.conf import settings as axes_settings
    from axes.helpers import get_cool_off

    qs = AccessAttempt.objects.filter(failures_since_start__gte=axes_settings.AXES_FAILURE_LIMIT)
    cool_off = get_cool_off()
    if cool_off is not None:
        qs = qs.filter(attempt_time__gte=timezone.now() - cool_off)
    return qs.order_by("-attempt_time")
