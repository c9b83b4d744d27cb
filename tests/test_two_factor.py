"""The TOTP second factor (django-otp): enrolment, the code after the password, throttling and replay,
the security administrator's requirement per role and reset, and API tokens left alone."""
import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from security.models import AuditEvent, TwoFactorPolicy
from security.twofactor import STATE
from tests import factories as f
from units.models import UnitRole

pytestmark = pytest.mark.django_db
PASSWORD = "pw-for-tests-1"


def _code(device, steps_ahead=0):
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = totp.time + steps_ahead * device.step
    return f"{totp.token():06d}"


def _device(user):
    return TOTPDevice.objects.create(user=user, name="落实", confirmed=True)


def _login(client, username, password=PASSWORD):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR="10.1.1.1")


def _unthrottle(device):
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=timezone.now() - datetime.timedelta(hours=1))


@pytest.fixture
def security_admin(world):
    user = f.UserFactory(username="sec")
    f.UnitRoleFactory(user=user, unit=world.lead_unit, role=UnitRole.Role.SECURITY_ADMIN)
    return user


# ---------------------------------------------------------------- enrolment

def test_enrolment_shows_an_inline_svg_qr_code_and_the_key_and_a_code_confirms_it(client, world):
    client.force_login(world.users["lead_reporter"])
    page = client.get(reverse("two-factor-setup"))
    html = page.content.decode()
    assert page.status_code == 200
    assert '<svg' in html and 'class="otp-qr"' in html and "<img" not in html.split("<main")[1]
    assert re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html) is None  # CSP script-src 'self' holds
    assert "script-src 'self'" in page["Content-Security-Policy"]
    device = TOTPDevice.objects.get(user=world.users["lead_reporter"], confirmed=False)
    secret = re.search(r'class="otp-secret">([A-Z2-7 ]+)<', html).group(1)
    assert secret.replace(" ", "") and len(secret.replace(" ", "")) == 32
    response = client.post(reverse("two-factor-setup"), {"code": _code(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert AuditEvent.objects.filter(kind="otp_enrolled", actor_name="lead_reporter").exists()
    assert "已启用两步验证" in client.get(reverse("two-factor-setup")).content.decode()


def test_enrolment_with_a_wrong_code_confirms_nothing(client, world):
    client.force_login(world.users["lead_reporter"])
    client.get(reverse("two-factor-setup"))
    response = client.post(reverse("two-factor-setup"), {"code": "000000x"})
    assert response.status_code == 400 and "验证码不正确" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=world.users["lead_reporter"], confirmed=True).exists()
    assert not AuditEvent.objects.filter(kind="otp_enrolled").exists()


# ---------------------------------------------------------------- log-in

def test_login_asks_for_the_code_after_the_password(client, world):
    device = _device(world.users["office"])
    response = _login(client, "office")
    assert response.status_code == 302
    page = client.get(reverse("my-tasks"))
    assert page.status_code == 302 and page["Location"].startswith(reverse("two-factor-verify"))
    assert client.get("/api/v1/tasks/").json()["code"] == "two_factor_required"
    response = client.post(page["Location"], {"code": _code(device)})
    assert response.status_code == 302 and response["Location"] == reverse("my-tasks")
    assert client.get(reverse("my-tasks")).status_code == 200
    assert client.get("/api/v1/tasks/").status_code == 200


def test_a_wrong_code_is_refused_audited_and_throttled(client, world):
    device = _device(world.users["office"])
    _login(client, "office")
    response = client.post(reverse("two-factor-verify"), {"code": "123456" if _code(device) != "123456" else "654321"})
    assert response.status_code == 400 and "验证码不正确" in response.content.decode()
    assert AuditEvent.objects.filter(kind="otp_failed", actor_name="office").count() == 1
    # the right code straight after a wrong one waits (django-otp's throttling: 1, 2, 4 … seconds)
    response = client.post(reverse("two-factor-verify"), {"code": _code(device)})
    assert response.status_code == 400 and "秒后再试" in response.content.decode()
    assert client.get(reverse("my-tasks")).status_code == 302
    _unthrottle(device)
    assert client.post(reverse("two-factor-verify"), {"code": _code(device)}).status_code == 302
    assert client.get(reverse("my-tasks")).status_code == 200


def test_the_same_code_is_not_accepted_twice(world):
    device = _device(world.users["office"])
    code = _code(device)
    first, second = Client(), Client()
    _login(first, "office")
    assert first.post(reverse("two-factor-verify"), {"code": code}).status_code == 302
    _login(second, "office")
    response = second.post(reverse("two-factor-verify"), {"code": code})
    assert response.status_code == 400 and "已使用过" in response.content.decode()
    assert second.get(reverse("my-tasks")).status_code == 302


def test_an_account_without_a_device_logs_in_with_its_password_alone(client, world):
    _login(client, "office")
    assert client.session[STATE] is None
    assert client.get(reverse("my-tasks")).status_code == 200


def test_the_verify_page_does_not_redirect_elsewhere(client, world):
    device = _device(world.users["office"])
    _login(client, "office")
    response = client.post(reverse("two-factor-verify") + "?next=https://evil.example/", {"code": _code(device)})
    assert response["Location"] == reverse("home")


# ---------------------------------------------------------------- requirement, reset, permissions

def test_the_security_administrator_requires_it_for_a_role_and_users_are_sent_to_enrol(client, world, security_admin):
    admin = Client()
    admin.force_login(security_admin)
    page = admin.get(reverse("security-two-factor"))
    assert page.status_code == 200 and "残工委办公室" in page.content.decode()
    response = admin.post(reverse("security-two-factor"), {"save_policy": "1", "roles": ["office", "admin"]})
    assert response.status_code == 302
    assert TwoFactorPolicy.current().required_roles == ["office", "admin"]
    event = AuditEvent.objects.get(kind="otp_policy")
    assert event.actor_name == "sec" and event.detail["new"] == ["office", "admin"]

    _login(client, "office")
    page = client.get(reverse("my-tasks"))
    assert page["Location"].startswith(reverse("two-factor-setup"))
    assert client.get("/api/v1/tasks/").status_code == 403
    setup = client.get(reverse("two-factor-setup"))
    assert "您的角色须使用两步验证" in setup.content.decode()
    device = TOTPDevice.objects.get(user=world.users["office"])
    client.post(reverse("two-factor-setup"), {"code": _code(device)})
    assert client.get(reverse("my-tasks")).status_code == 200
    # a reporter is not under the requirement
    reporter = Client()
    _login(reporter, "lead_reporter")
    assert reporter.get(reverse("my-tasks")).status_code == 200


def test_a_role_outside_the_list_cannot_be_required(world, security_admin):
    admin = Client()
    admin.force_login(security_admin)
    response = admin.post(reverse("security-two-factor"), {"save_policy": "1", "roles": ["reporter"]})
    assert response.status_code == 400
    assert TwoFactorPolicy.current().required_roles == []
    assert not AuditEvent.objects.filter(kind="otp_policy").exists()


def test_the_security_administrator_resets_a_device_and_it_is_audited(client, world, security_admin):
    _device(world.users["office"])
    admin = Client()
    admin.force_login(security_admin)
    response = admin.post(reverse("security-two-factor"), {"reset": "1", "username": "office"})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=world.users["office"]).exists()
    event = AuditEvent.objects.get(kind="otp_reset")
    assert event.actor_name == "sec" and event.object_repr == "office"
    _login(client, "office")
    assert client.get(reverse("my-tasks")).status_code == 200  # password alone again (not required)
    # nothing to reset, or an unknown account: a clear message, nothing recorded
    again = admin.post(reverse("security-two-factor"), {"reset": "1", "username": "office"})
    assert again.status_code == 400 and "没有启用两步验证" in again.content.decode()
    unknown = admin.post(reverse("security-two-factor"), {"reset": "1", "username": "nobody"})
    assert unknown.status_code == 400 and "没有账号" in unknown.content.decode()
    assert AuditEvent.objects.filter(kind="otp_reset").count() == 1


def test_only_the_security_administrator_manages_the_second_factor(client, world):
    _device(world.users["lead_reporter"])
    for name in ["office", "leader", "lead_approver"]:
        client.force_login(world.users[name])
        assert client.get(reverse("security-two-factor")).status_code == 403
        assert client.post(reverse("security-two-factor"), {"save_policy": "1", "roles": []}).status_code == 403
        assert client.post(reverse("security-two-factor"), {"reset": "1", "username": "lead_reporter"}).status_code == 403
    auditor = f.UserFactory(username="aud")
    f.UnitRoleFactory(user=auditor, unit=world.lead_unit, role=UnitRole.Role.AUDIT_ADMIN)
    client.force_login(auditor)
    assert client.get(reverse("security-two-factor")).status_code == 403
    assert TOTPDevice.objects.filter(user=world.users["lead_reporter"]).exists()
    assert not AuditEvent.objects.filter(kind__in=["otp_reset", "otp_policy"]).exists()


def test_api_tokens_are_not_affected(world, security_admin):
    from rest_framework.test import APIClient

    from units import services as unit_services
    from units.models import ApiClient

    TwoFactorPolicy.objects.create(pk=1, required_roles=list(TwoFactorPolicy.ROLES))
    _device(world.users["office"])
    api_client = unit_services.create_api_client(name="系统", committee=world.committee,
                                                 access=ApiClient.AccessLevel.READ_ONLY)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {unit_services.issue_api_token(client=api_client)[1]}")
    assert client.get("/api/v1/tasks/").status_code == 200


def test_the_enrolment_page_needs_a_log_in_and_cannot_skip_the_code(client, world):
    assert client.get(reverse("two-factor-setup"))["Location"].startswith(reverse("login"))
    _device(world.users["office"])
    _login(client, "office")
    # with a device, the setup page sends to the code first (no second device to get round it)
    assert client.get(reverse("two-factor-setup"))["Location"].startswith(reverse("two-factor-verify"))
    assert TOTPDevice.objects.filter(user=world.users["office"]).count() == 1
