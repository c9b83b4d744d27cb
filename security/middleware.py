"""Session limits, the forced password change, and no caching of authenticated pages."""
import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

LOGIN_AT = "luoshi_login_at"
SEEN_AT = "luoshi_seen_at"
SEEN_RESOLUTION = 60  # seconds: the last-seen time is stored at most once a minute


class SessionLimitsMiddleware:
    """Log a browser session out after ``LUOSHI_SESSION_IDLE_MINUTES`` without a request and after
    ``LUOSHI_SESSION_MAX_HOURS`` in any case (API tokens are not sessions and are not affected)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            now = int(time.time())
            session = request.session
            login_at = session.get(LOGIN_AT)
            seen_at = session.get(SEEN_AT)
            if login_at is None:
                session[LOGIN_AT] = login_at = now
            idle = settings.LUOSHI_SESSION_IDLE_MINUTES * 60
            lifetime = settings.LUOSHI_SESSION_MAX_HOURS * 3600
            if (seen_at is not None and now - seen_at > idle) or now - login_at > lifetime:
                logout(request)
                message = (_("您已超过%(n)s分钟没有操作，为安全起见已自动退出，请重新登录。") % {"n": settings.LUOSHI_SESSION_IDLE_MINUTES}
                           if seen_at is not None and now - seen_at > idle
                           else _("登录已超过%(n)s小时，为安全起见已自动退出，请重新登录。") % {"n": settings.LUOSHI_SESSION_MAX_HOURS})
                if request.path.startswith("/api/"):
                    return JsonResponse({"code": "not_authenticated", "detail": message, "errors": {}}, status=401)
                messages.info(request, message)
                return redirect(f"{reverse('login')}?next={request.path}")
            if seen_at is None or now - seen_at >= SEEN_RESOLUTION:
                session[SEEN_AT] = now
        return self.get_response(request)


class TwoFactorMiddleware:
    """After the password, an account with an authenticator gives its code, and an account whose role
    requires one sets it up, before anything else (``security.twofactor``: the state is set at log-in).
    API tokens are not sessions and are not affected."""

    EXEMPT = ("/accounts/login/", "/accounts/logout/", "/accounts/two-factor/", "/i18n/", "/static/", "/healthz")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from .twofactor import STATE, VERIFY

        user = getattr(request, "user", None)
        state = request.session.get(STATE) if hasattr(request, "session") else None
        if state and user is not None and user.is_authenticated and not request.path.startswith(self.EXEMPT):
            message = (_("请先输入两步验证码。") if state == VERIFY
                       else _("您的角色须使用两步验证，请先完成设置。"))
            if request.path.startswith("/api/"):
                return JsonResponse({"code": "two_factor_required", "detail": message, "errors": {}}, status=403)
            target = reverse("two-factor-verify" if state == VERIFY else "two-factor-setup")
            return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)


class PasswordChangeRequiredMiddleware:
    """An account whose password was set by an administrator must choose its own before anything else."""

    EXEMPT = ("/accounts/", "/i18n/", "/static/", "/healthz")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated and not request.path.startswith(self.EXEMPT)
                and _must_change(request)):
            message = _("管理员为您设置了临时密码，请先修改为您自己的密码。")
            if request.path.startswith("/api/"):
                return JsonResponse({"code": "password_change_required", "detail": message, "errors": {}}, status=403)
            return redirect(reverse("password-change"))
        return self.get_response(request)


MUST_CHANGE = "luoshi_must_change_password"


def _must_change(request):
    # Set in the session at log-in (security.signals): an administrator's reset changes the password
    # hash, which ends the account's sessions, so the flag is always read fresh at the next log-in.
    return bool(request.session.get(MUST_CHANGE)) if hasattr(request, "session") else False


class NoStoreMiddleware:
    """Pages served to a logged-in user are never kept by the browser or a proxy (Cache-Control: no-store)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not request.path.startswith("/static/"):
            add_never_cache_headers(response)
        return response


class ApiDeniedAuditMiddleware:
    """401/403 answers to API write attempts go to the audit trail (a revoked token, a read-only
    client writing, a reporter closing a round…)."""

    SAFE = ("GET", "HEAD", "OPTIONS")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (response.status_code in (401, 403) and request.method not in self.SAFE
                and request.path.startswith("/api/")):
            from .audit import Kind, record

            code = getattr(response, "data", None)
            code = code.get("code", "") if isinstance(code, dict) else ""
            auth = request.META.get("HTTP_AUTHORIZATION", "")
            record(Kind.API_DENIED, request=request, status=response.status_code, code=code,
                   method=request.method, path=request.path[:200],
                   credential=auth.split(" ", 1)[0][:20] if auth else "session")
        return response
