"""A Redis cache client that fails fast while Redis is away.

django-redis with short socket timeouts and ignored errors already keeps requests working when
Redis is down or hung (token look-ups fall back to the database, throttling fails open) — but a
hung Redis still costs each cache operation its full timeout, and an API request makes several:
seconds per request. After one failure this client answers every operation at once as a miss
(``ConnectionInterrupted``, ignored by the cache) for ``LUOSHI_CACHE_BREAKER_SECONDS`` in this
process, then tries Redis again: a hung Redis costs each process one timeout per interval.
While open, operations answer as an empty cache would, without a logged error each time.
"""
import functools
import logging
import time

from django.conf import settings
from django_redis.client import DefaultClient
from django_redis.exceptions import ConnectionInterrupted

logger = logging.getLogger(__name__)

def _default(args, kwargs):
    return kwargs.get("default", args[1] if len(args) > 1 else None)


# What each operation answers while the circuit is open: what a cache without the key would say
# (quietly: no logged traceback per operation). incr/decr raise as for a missing key.
MISSES = {
    "get": _default, "get_many": lambda a, k: {}, "has_key": lambda a, k: False, "ttl": lambda a, k: 0,
    "set": lambda a, k: False, "add": lambda a, k: False, "set_many": lambda a, k: [],
    "delete": lambda a, k: False, "delete_many": lambda a, k: 0, "touch": lambda a, k: False,
    "expire": lambda a, k: False, "incr": None, "decr": None,
}


class Breaker:
    """Open for a while after a failure; per process (each gunicorn or Celery process learns on its own)."""

    def __init__(self):
        self.open_until = 0.0

    def is_open(self) -> bool:
        return time.monotonic() < self.open_until

    def trip(self):
        seconds = getattr(settings, "LUOSHI_CACHE_BREAKER_SECONDS", 15)
        if not self.is_open():
            logger.warning("cache unavailable: answering from the database for %s s", seconds)
        self.open_until = time.monotonic() + seconds

    def reset(self):
        self.open_until = 0.0


breaker = Breaker()


def _guarded(name):
    method, miss = getattr(DefaultClient, name), MISSES[name]

    @functools.wraps(method)
    def call(self, *args, **kwargs):
        if breaker.is_open():
            if miss is None:
                raise ValueError("cache unavailable (circuit open)")
            return miss(args, kwargs)
        try:
            return method(self, *args, **kwargs)
        except ConnectionInterrupted:
            breaker.trip()
            raise

    return call


class FailFastClient(DefaultClient):
    pass


for _name in MISSES:
    setattr(FailFastClient, _name, _guarded(_name))
