"""A person whose password the office set (new account, reset) changes it before anything else.

The flag is read once, at log-in (``units.receivers``), into the session; the middleware then only
looks at the session, so pages pay no query for it.
"""
from django.shortcuts import redirect
from django.urls import reverse

SESSION_KEY = "luoshi_must_change_password"


class MustChangePasswordMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None and session.get(SESSION_KEY) and request.user.is_authenticated:
            allowed = (reverse("people-password-change"), reverse("logout"))
            if request.path not in allowed and not request.path.startswith(("/static/", "/i18n/")):
                return redirect(f"{allowed[0]}?next={request.get_full_path()}")
        return self.get_response(request)
