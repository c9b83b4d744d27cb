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


# ---------------------------------------------------------------- second factor (TOTP)

def confirm_two_factor(*, user, code: str, request=None):
    """Finish setting up one's authenticator: the first code it shows confirms the device.

    Returns the confirmed device; a wrong code raises a Chinese ``ValidationError`` (and counts
    towards django-otp's throttling of that device).
    """
    from django_otp import login as otp_login

    from . import twofactor

    if twofactor.confirmed_device(user) is not None:
        raise ValidationError(_("您已启用两步验证。如需更换手机，请联系安全管理员重置。"))
    device = twofactor.pending_device(user)
    check_code(device=device, code=code, request=request, user=user)
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        record(Kind.OTP_ENROLLED, actor=user, request=request, obj=user)
    if request is not None:
        otp_login(request, device)
        request.session[twofactor.STATE] = None
    return device


def check_code(*, device, code: str, request=None, user=None) -> None:
    """Verify a code of ``device`` (each code is accepted once); throttled after a wrong one."""
    allowed, data = device.verify_is_allowed()
    if not allowed:
        locked_until = (data or {}).get("locked_until")
        wait = max(1, int((locked_until - timezone.now()).total_seconds()) + 1) if locked_until else 1
        raise ValidationError(_("验证码错误次数较多，请在%(n)s秒后再试。") % {"n": wait}, code="throttled")
    code = "".join(str(code or "").split())
    if not (code.isdigit() and len(code) == 6 and device.verify_token(code)):
        record(Kind.OTP_FAILED, actor=user or device.user, request=request, obj=device.user)
        raise ValidationError(_("验证码不正确或已使用过。请输入验证器应用中当前显示的6位数字（每个验证码只能使用一次）。"),
                              code="wrong_code")


def verify_two_factor(*, user, code: str, request) -> None:
    """The code asked for after the password at log-in."""
    from django_otp import login as otp_login

    from . import twofactor

    device = twofactor.confirmed_device(user)
    if device is None:
        raise ValidationError(_("您的账号没有启用两步验证。"))
    check_code(device=device, code=code, request=request, user=user)
    otp_login(request, device)
    request.session[twofactor.STATE] = None


@transaction.atomic
def set_two_factor_policy(*, admin, roles, request=None):
    """The security administrator chooses which roles must use a second factor (from their next log-in)."""
    from .models import TwoFactorPolicy

    _require_security_admin(admin)
    roles = list(dict.fromkeys(roles))
    unknown = [r for r in roles if r not in TwoFactorPolicy.ROLES]
    if unknown:
        raise ValidationError(_("不能对这些角色要求两步验证：%(roles)s。") % {"roles": "、".join(map(str, unknown))})
    policy = TwoFactorPolicy.current()
    old = list(policy.required_roles)
    policy.required_roles, policy.updated_by = roles, admin
    policy.full_clean()
    policy.save()
    record(Kind.OTP_POLICY, actor=admin, request=request, old=old, new=roles)
    return policy


@transaction.atomic
def reset_two_factor(*, admin, username: str, request=None) -> int:
    """Remove an account's authenticator (a lost phone): it logs in with its password and, if its role
    requires a second factor, sets up a new one at once. Returns how many devices were removed."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    _require_security_admin(admin)
    target = get_user_model().objects.filter(username=username).first()
    if target is None:
        raise ValidationError({"username": [_("没有账号“%(name)s”。") % {"name": username[:150]}]})
    if target.pk == admin.pk:
        raise ValidationError({"username": [_("不能重置自己的两步验证，请由另一位安全管理员操作。")]})
    count, _detail = TOTPDevice.objects.filter(user=target).delete()
    if not count:
        raise ValidationError({"username": [_("账号“%(name)s”没有启用两步验证，无需重置。") % {"name": username[:150]}]})
    record(Kind.OTP_RESET, actor=admin, request=request, obj=target, devices=count)
    return count
