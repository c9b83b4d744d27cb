"""django-axes' lock-out check as the first authentication backend."""
from axes.backends import AxesStandaloneBackend


class LockoutBackend(AxesStandaloneBackend):
    """Refuses log-ins of locked accounts and addresses. A call without a request (code, tests:
    ``authenticate(username=…, password=…)``) has no address and no lock to check: it is left to
    the next backend, as before."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
