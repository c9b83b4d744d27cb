"""Log-in protection (django-axes), password policy, forced and self-service password change, session limits."""
import time

import pytest
from axes.models import AccessAttempt, AccessLog
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from security import services
from security.middleware import LOGIN_AT, SEEN_AT
from security.models import AccountSecurity, AuditEvent
from tests import factories as f
from units.models import UnitRole

pytestmark = pytest.mark.django_db
PASSWORD = "pw-for-tests-1"


@pytest.fixture(autouse=True)
def _limits(settings):
    settings.AXES_FAILURE_LIMIT = 3


def _login(client, username, password, ip="10.0.0.1"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip,
                       HTTP_USER_AGENT="pytest-browser")


def test_account_is_locked_after_n_failures_even_with_the_right_password(client, world):
    for _ in range(2):
        assert _login(client, "office", "wrong").status_code == 200
    assert _login(client, "office", "wrong").status_code == 429  # the third failure locks
    response = _login(client, "office", PASSWORD)
    assert response.status_code == 429 and "锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # from another address too: the lock is per account
    assert _login(Client(), "office", PASSWORD, ip="10.0.0.2").status_code == 429
    assert AuditEvent.objects.filter(kind="locked_out").exists()
    assert AuditEvent.objects.filter(kind="login_failed", actor_name="office").count() >= 3


def test_an_address_is_locked_after_n_failures_across_accounts(client, world):
    for name in ["office", "leader", "lead_reporter"]:
        _login(client, name, "wrong", ip="10.9.9.9")
    assert _login(client, "part_reporter", PASSWORD, ip="10.9.9.9").status_code == 429
    assert _login(Client(), "part_reporter", PASSWORD, ip="10.9.9.10").status_code == 302


def test_the_lock_ends_after_the_cool_off(client, world, settings):
    import datetime

    for _ in range(3):
        _login(client, "office", "wrong")
    AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.first().attempt_time - datetime.timedelta(hours=1))
    assert _login(client, "office", PASSWORD).status_code == 302


def test_the_security_administrator_unlocks_an_account(client, world):
    for _ in range(3):
        _login(client, "office", "wrong")
    security = f.UserFactory(username="sec")
    f.UnitRoleFactory(user=security, unit=world.lead_unit, role=UnitRole.Role.SECURITY_ADMIN)
    admin_client = Client()
    admin_client.force_login(security)
    page = admin_client.get(reverse("security-logins"))
    assert page.status_code == 200 and "office" in page.content.decode()
    admin_client.post(reverse("security-unlock"), {"username": "office"})
    assert _login(Client(), "office", PASSWORD, ip="10.0.0.3").status_code == 302
    assert AuditEvent.objects.filter(kind="unlocked", actor_name="sec").exists()


def test_no_user_enumeration_by_message_or_lock(world):
    known = _login(Client(), "office", "wrong").content.decode()
    unknown = _login(Client(), "nobody-here", "wrong", ip="10.0.0.9").content.decode()
    strip = lambda html: html.replace("nobody-here", "office")  # noqa: E731 — the echoed user name aside
    assert strip(unknown).split("<main")[1].split("csrfmiddlewaretoken")[0] == known.split("<main")[1].split("csrfmiddlewaretoken")[0]
    client = Client()
    for _ in range(3):
        _login(client, "nobody-here", "wrong", ip="10.0.1.1")
    assert _login(client, "nobody-here", "wrong", ip="10.0.1.2").status_code == 429  # locks like a real account


def test_no_user_enumeration_by_timing(world, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    user = get_user_model().objects.get(username="office")
    user.set_password(PASSWORD)
    user.save()

    def timed(name, ip):
        started = time.perf_counter()
        _login(Client(), name, "wrong", ip=ip)
        return time.perf_counter() - started

    known = min(timed("office", f"10.1.0.{i}") for i in range(1, 3))
    AccessAttempt.objects.all().delete()
    unknown = min(timed("nobody-here", f"10.1.1.{i}") for i in range(1, 3))
    assert unknown > known * 0.5  # the unknown name still pays for a password hash


def test_successful_log_ins_are_recorded_with_address_and_browser(client, world):
    assert _login(client, "office", PASSWORD, ip="10.2.3.4").status_code == 302
    log = AccessLog.objects.get(username="office")
    assert log.ip_address == "10.2.3.4" and log.user_agent == "pytest-browser"
    event = AuditEvent.objects.get(kind="login")
    assert event.actor_name == "office" and event.ip == "10.2.3.4" and event.user_agent == "pytest-browser"


def test_client_address_behind_the_proxy(client, world, settings):
    settings.LUOSHI_PROXY_COUNT = 1
    client.post(reverse("login"), {"username": "office", "password": PASSWORD}, REMOTE_ADDR="127.0.0.1",
                HTTP_X_FORWARDED_FOR="1.2.3.4, 10.20.30.40")
    assert AccessLog.objects.get(username="office").ip_address == "10.20.30.40"


@pytest.mark.parametrize("password, code", [
    ("short1A!", "password_too_short"),
    ("alllowercaseletters", "password_too_simple"),
    ("12345678901234", "password_entirely_numeric"),
    ("Qwerty123456", "password_too_common"),
])
def test_password_policy(password, code):
    with pytest.raises(ValidationError) as exc:
        validate_password(password)
    assert code in [e.code for e in exc.value.error_list]


def test_password_policy_refuses_the_username(world):
    user = get_user_model().objects.get(username="lead_reporter")
    with pytest.raises(ValidationError):
        validate_password("Lead_reporter1", user)
    validate_password("Kx7#mPq2vL9w", user)


def test_self_service_password_change(client, world):
    client.force_login(world.users["office"])
    page = client.get(reverse("password-change"))
    assert page.status_code == 200 and "修改密码" in page.content.decode()
    bad = client.post(reverse("password-change"), {"old_password": PASSWORD, "new_password1": "abc",
                                                   "new_password2": "abc"})
    assert bad.status_code == 200 and "errorlist" in bad.content.decode()
    good = client.post(reverse("password-change"), {"old_password": PASSWORD, "new_password1": "Kx7#mPq2vL9w",
                                                    "new_password2": "Kx7#mPq2vL9w"})
    assert good.status_code == 302
    assert client.get(reverse("home")).status_code == 200  # still logged in
    assert get_user_model().objects.get(username="office").check_password("Kx7#mPq2vL9w")
    assert AuditEvent.objects.filter(kind="password_changed", actor_name="office").exists()


def test_reset_by_the_security_administrator_forces_a_change_at_next_log_in(client, world):
    security = f.UserFactory(username="sec")
    f.UnitRoleFactory(user=security, unit=world.lead_unit, role=UnitRole.Role.SECURITY_ADMIN)
    admin_client = Client()
    admin_client.force_login(security)
    response = admin_client.post(reverse("security-reset-password"), {"username": "lead_reporter"}, follow=True)
    temporary = response.context["messages"]._loaded_messages[-1].message.split("：")[1].split(" ")[0]
    assert AccountSecurity.objects.get(user__username="lead_reporter").must_change_password
    assert _login(client, "lead_reporter", temporary).status_code == 302
    assert client.get(reverse("my-tasks"))["Location"] == reverse("password-change")
    api = client.get("/api/v1/tasks/")
    assert api.status_code == 403 and api.json()["code"] == "password_change_required"
    client.post(reverse("password-change"), {"old_password": temporary, "new_password1": "Kx7#mPq2vL9w",
                                             "new_password2": "Kx7#mPq2vL9w"})
    assert client.get(reverse("my-tasks")).status_code == 200
    assert not AccountSecurity.objects.get(user__username="lead_reporter").must_change_password
    assert AuditEvent.objects.filter(kind="password_reset", actor_name="sec").exists()


def test_a_user_created_in_the_admin_must_change_at_first_log_in(client, world):
    admin = get_user_model().objects.create_superuser("root", "root@example.invalid", "Kx7#mPq2vL9w-root")
    client.force_login(admin)
    client.post(reverse("admin:auth_user_add"), {"username": "newcomer", "password1": "Tmp#2021abcd",
                                                 "password2": "Tmp#2021abcd", "usable_password": "true"})
    assert AccountSecurity.objects.get(user__username="newcomer").must_change_password
    other = Client()
    _login(other, "newcomer", "Tmp#2021abcd")
    assert other.get(reverse("home"))["Location"] == reverse("password-change")


def test_only_the_security_administrator_sees_log_in_records(client, world):
    for name in ["office", "lead_reporter", "leader"]:
        client.force_login(world.users[name])
        assert client.get(reverse("security-logins")).status_code == 403
        assert client.post(reverse("security-unlock"), {"username": "x"}).status_code == 403
        assert client.post(reverse("security-reset-password"), {"username": "office"}).status_code == 403


def test_idle_session_is_logged_out(client, world, settings):
    client.force_login(world.users["office"])
    assert client.get(reverse("home")).status_code == 200
    session = client.session
    session[SEEN_AT] = int(time.time()) - settings.LUOSHI_SESSION_IDLE_MINUTES * 60 - 5
    session.save()
    response = client.get(reverse("home"))
    assert response.status_code == 302 and reverse("login") in response["Location"]
    assert client.get(reverse("home")).status_code == 302  # really logged out


def test_session_has_an_absolute_lifetime(client, world, settings):
    client.force_login(world.users["office"])
    session = client.session
    session[LOGIN_AT] = int(time.time()) - settings.LUOSHI_SESSION_MAX_HOURS * 3600 - 5
    session[SEEN_AT] = int(time.time())
    session.save()
    response = client.get("/api/v1/tasks/")
    assert response.status_code == 401 and "小时" in response.json()["detail"]


def test_authenticated_pages_are_not_cached(client, world):
    client.force_login(world.users["office"])
    assert "no-store" in client.get(reverse("home"))["Cache-Control"]
    assert "no-store" in client.get("/api/v1/tasks/")["Cache-Control"]


def test_temporary_passwords_meet_the_policy():
    for _ in range(5):
        validate_password(services.temporary_password())
