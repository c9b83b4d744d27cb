"""演示说明: which day the demo simulates, what state it shows, and its log-ins (demo mode only)."""
from django.conf import settings
from django.http import Http404
from django.shortcuts import render

from .clock import DEMO_TODAY, DEMO_YEAR
from .loading import DEMO_PASSWORD, FYP_ENTERED_ON, demo_login_table, fyp_values_entered_on
from .loading import ROUNDS as DEMO_ROUNDS


def notice(request):
    """Public in demo mode (the log-in page links it: whoever tries the demo needs its log-ins); 404 otherwise."""
    if not getattr(settings, "LUOSHI_DEMO", False):
        raise Http404
    return render(request, "demo/notice.html", {
        "demo_today": DEMO_TODAY, "demo_year": DEMO_YEAR, "rounds": DEMO_ROUNDS, "logins": demo_login_table(),
        "password": DEMO_PASSWORD, "fyp_entered_on": FYP_ENTERED_ON,
        "fyp_first": fyp_values_entered_on(2021), "fyp_last": fyp_values_entered_on(2025),
    })
