"""Per-client throttling: each API client has its own budget (``ApiClient.throttle_rate`` or the
default ``api_client`` rate in ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]``). Browser sessions
have a separate per-user budget (``api_user``)."""
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from .clients import client_of


class _SettingsRate(SimpleRateThrottle):
    def get_rate(self):
        # Read at call time (not import time) so that settings changes and tests take effect.
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class ApiClientThrottle(_SettingsRate):
    scope = "api_client"

    def allow_request(self, request, view):
        client = client_of(request)
        if client is None:
            return True
        rate = client.throttle_rate or self.get_rate()
        if not rate:
            return True
        self.rate = rate
        self.num_requests, self.duration = self.parse_rate(rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request, view):
        return f"throttle_api_client_{client_of(request).pk}"


class ApiUserThrottle(_SettingsRate):
    scope = "api_user"

    def allow_request(self, request, view):
        if client_of(request) is not None or not request.user.is_authenticated:
            return True
        self.rate = self.get_rate()
        if not self.rate:
            return True
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request, view):
        return f"throttle_api_user_{request.user.pk}"
