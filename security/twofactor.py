"""The second factor (TOTP, django-otp): who has one, who must have one, and the enrolment QR code.

At log-in (``security.signals``) the session is told what is still owed after the password:
``verify`` (the account has a confirmed device: a code is asked for), ``enrol`` (its role is
required to use one and it has none: it sets one up first) or nothing. The middleware
(``TwoFactorMiddleware``) reads only the session, so a request costs no query; a change of
the requirement applies from each person's next log-in.
"""
from base64 import b32encode

import segno
from django_otp.plugins.otp_totp.models import TOTPDevice

from units.models import UnitRole

from .models import TwoFactorPolicy

STATE = "luoshi_two_factor"
VERIFY, ENROL = "verify", "enrol"


def confirmed_device(user):
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def pending_device(user):
    """The account's device being set up (not yet confirmed by a code), created on first call."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="落实", confirmed=False)
    return device


def is_required(user) -> bool:
    """Does the policy ask ``user``'s roles for a second factor?"""
    roles = TwoFactorPolicy.current().required_roles
    if not roles:
        return False
    return UnitRole.objects.filter(user=user, role__in=roles, unit__is_active=True).exists()


def state_at_login(user) -> str | None:
    if confirmed_device(user) is not None:
        return VERIFY
    return ENROL if is_required(user) else None


def secret_text(device) -> str:
    """The key in base32, in groups of four, for typing into an authenticator app by hand."""
    key = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i:i + 4] for i in range(0, len(key), 4))


def qr_svg(device) -> str:
    """The otpauth:// address as an inline SVG QR code (drawn here: no script, no other host)."""
    return segno.make(device.config_url, error="m").svg_inline(scale=4, svgclass="otp-qr", lineclass=None, light="#fff",
                                                                title="两步验证二维码")
