"""The 演示说明 link in the header, in demo mode only (``LUOSHI_DEMO``)."""
from django.conf import settings

from .clock import DEMO_TODAY


def demo(request):
    if not getattr(settings, "LUOSHI_DEMO", False):
        return {}
    return {"demo_today": DEMO_TODAY}
