"""The Redis cache client fails fast while Redis is away (core/cache.py): one failure opens the
circuit, then operations answer as an empty cache at once, and Redis is tried again later."""
import socket
import time

import pytest
from django_redis.cache import RedisCache

from core import cache as fail_fast


def _dead_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # closed again: connections are refused


@pytest.fixture
def dead_cache(settings):
    settings.LUOSHI_CACHE_BREAKER_SECONDS = 30
    fail_fast.breaker.reset()
    cache = RedisCache(f"redis://127.0.0.1:{_dead_port()}/0", {"OPTIONS": {
        "CLIENT_CLASS": "core.cache.FailFastClient", "SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1,
        "IGNORE_EXCEPTIONS": True}})
    yield cache
    fail_fast.breaker.reset()


def test_one_failure_opens_the_circuit_and_the_next_operations_answer_at_once(dead_cache, monkeypatch):
    assert dead_cache.get("token", "fallback") == "fallback"  # refused: ignored, the default comes back
    assert fail_fast.breaker.is_open()
    calls = []
    monkeypatch.setattr(fail_fast.DefaultClient, "get_client", lambda *a, **k: calls.append(a) or None)
    assert dead_cache.get("token", "fallback") == "fallback"
    assert dead_cache.get_many(["a", "b"]) == {}
    assert dead_cache.set("k", 1) is False and dead_cache.add("k", 1) is False
    assert dead_cache.has_key("k") is False and dead_cache.delete("k") is False
    assert calls == []  # Redis was not even asked


def test_the_circuit_closes_again_after_its_interval(dead_cache, settings):
    settings.LUOSHI_CACHE_BREAKER_SECONDS = 0.2
    dead_cache.get("k")
    assert fail_fast.breaker.is_open()
    time.sleep(0.3)
    assert not fail_fast.breaker.is_open()  # the next operation tries Redis again


def test_a_working_redis_is_used_as_usual(settings):
    fail_fast.breaker.reset()
    cache = RedisCache("redis://127.0.0.1:6379/14", {"OPTIONS": {"CLIENT_CLASS": "core.cache.FailFastClient",
                                                                 "IGNORE_EXCEPTIONS": True}})
    try:
        cache.set("luoshi-breaker-test", 42, 30)
    except Exception:  # noqa: BLE001
        pytest.fail("Redis on 127.0.0.1:6379 is needed (the CI starts it)")
    if fail_fast.breaker.is_open():
        pytest.fail("Redis on 127.0.0.1:6379 is needed (the CI starts it)")
    assert cache.get("luoshi-breaker-test") == 42
    cache.delete("luoshi-breaker-test")
