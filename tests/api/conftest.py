"""Fixtures of the API tests: API clients with tokens on top of the shared ``world``."""
from dataclasses import dataclass

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from units import services as unit_services
from units.models import ApiClient


@dataclass
class Tokens:
    read_own: str  # read-only client of world.committee
    write_own: str  # read-write client of world.committee
    write_other: str  # read-write client of world.other_committee
    clients: dict


@pytest.fixture(autouse=True)
def _fresh_throttles(settings):
    """Throttle counters live in the cache: start every test from zero, with roomy rates."""
    cache.clear()
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"api_client": "10000/min", "api_user": "10000/min"},
    }
    yield
    cache.clear()


@pytest.fixture
def tokens(world):
    made, keys = {}, {}
    spec = {
        "read_own": (world.committee, ApiClient.AccessLevel.READ_ONLY),
        "write_own": (world.committee, ApiClient.AccessLevel.READ_WRITE),
        "write_other": (world.other_committee, ApiClient.AccessLevel.READ_WRITE),
    }
    for name, (committee, access) in spec.items():
        client = unit_services.create_api_client(name=f"系统-{name}", committee=committee, access=access)
        _token, key = unit_services.issue_api_token(client=client)
        made[name], keys[name] = client, key
    return Tokens(clients=made, **keys)


@pytest.fixture
def api():
    """``api(who)``: an APIClient as a user (session), a token key (str), or anonymous (None)."""

    def make(who=None):
        client = APIClient()
        if isinstance(who, str):
            client.credentials(HTTP_AUTHORIZATION=f"Token {who}")
        elif who is not None:
            client.force_login(who)
        return client

    return make
