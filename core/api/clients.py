"""Which API client (another government system) is behind a request, and the signal sent when
one writes. The client itself is a model of ``units``; this plumbing only knows the marker that
``units.api.authentication`` puts on the request's user, so ``core`` depends on no app."""
from django.dispatch import Signal

CLIENT_ATTRIBUTE = "_luoshi_api_client"

# Sent after every non-safe API request made by a client, whatever its outcome, with
# ``request``, ``response``, ``client`` and the touched ``obj`` (or None). ``units`` records it.
client_write = Signal()


def client_of(request):
    """The API client behind a request, or ``None`` for a browser session."""
    return getattr(getattr(request, "user", None), CLIENT_ATTRIBUTE, None)
