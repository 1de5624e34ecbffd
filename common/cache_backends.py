"""A Redis cache that degrades instead of failing when Redis cannot be reached.

Django's RedisCache raises the client's ConnectionError or TimeoutError from
every call, so a stopped Redis turns every page that touches the cache into a
500. ResilientRedisCache (settings.py swaps it in for a redis:// CACHE_URL)
treats an unreachable Redis as an empty one:

- reads are misses (get() returns the default, get_many() an empty dict,
  has_key() False), writes are skipped (set(), add() and touch() report
  nothing stored, delete() nothing deleted);
- incr() and decr() raise CacheUnavailable: a counter has no harmless "miss",
  and a caller that counts (a rate limit) must decide for itself what to do
  without one (count elsewhere, or refuse);
- after a failure the cache is not tried again for RETRY_AFTER seconds, so a
  Redis that hangs costs one short timeout per process, not one per call;
- each outage is logged when it starts, then at most once a minute per process
  with the number of failed calls, and once when Redis answers again.

Callers that must know whether the cache works have three ways to ask:
is_available() (no network round trip: False while resting after a failure),
`strict`, the same cache whose every call raises CacheUnavailable instead of
degrading, and `outages`, how many times this process has seen Redis stop
answering. The page cache uses the last two to renew its content version once
Redis is back (common/caching.py).
"""

import logging
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

# Seconds without trying Redis after a failure.
RETRY_AFTER = 2.0
# Seconds between two log lines about the same outage.
LOG_EVERY = 60.0

UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)


class CacheUnavailable(Exception):
    """The cache could not be reached; raised where a miss would be a wrong answer."""


class _Health:
    """What one process knows about one Redis location, shared by its threads
    (Django makes a cache object per thread)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.outages = 0
        self.down_since = None  # monotonic time of the first failure of this outage
        self.retry_at = 0.0
        self.logged_at = None
        self.failures_since_log = 0


_HEALTH = {}
_HEALTH_LOCK = threading.Lock()


def _health_of(location):
    with _HEALTH_LOCK:
        return _HEALTH.setdefault(location, _Health())


class _ClientOncePerPool(RedisCacheClient):
    """Django's client builds a new redis.Redis for every command, and its
    constructor fills a table of ~170 response callbacks each time: a third of a
    cached page's cost. A redis.Redis is safe to share (its pool hands out the
    connections), so one per pool does."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class ResilientRedisCache(RedisCache):
    """RedisCache whose reads miss and writes are skipped while Redis is unreachable."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _ClientOncePerPool
        self.servers = tuple(self._servers)
        self._health = _health_of(self.servers)
        self.strict = _Strict(self)

    # What callers may ask.

    def is_available(self):
        """False while the cache is resting after a failure; True otherwise (the
        next call may still fail: this asks nothing of Redis)."""
        health = self._health
        return health.down_since is None or time.monotonic() >= health.retry_at

    @property
    def outages(self):
        """How many times this process has seen Redis stop answering."""
        return self._health.outages

    # Bookkeeping.

    def _call(self, operation, fallback, *args):
        try:
            return self._call_or_raise(operation, *args)
        except CacheUnavailable:
            return fallback

    def _call_or_raise(self, operation, *args):
        if not self.is_available():
            self._failed(None)
            raise CacheUnavailable(f"cache {self._location_for_log()} resting after a failure")
        try:
            result = operation(*args)
        except UNREACHABLE as error:
            self._failed(error)
            raise CacheUnavailable(f"cache {self._location_for_log()} unreachable") from error
        if self._health.down_since is not None:
            self._recovered()
        return result

    def _failed(self, error):
        health = self._health
        now = time.monotonic()
        with health.lock:
            health.failures_since_log += 1
            if error is not None:
                health.retry_at = now + RETRY_AFTER
            if health.down_since is None:
                health.down_since = now
                health.outages += 1
            if health.logged_at is not None and now - health.logged_at < LOG_EVERY:
                return
            health.logged_at = now
            failures, health.failures_since_log = health.failures_since_log, 0
        logger.warning(
            "Cache %s unreachable (%s): reads count as misses and writes are skipped; "
            "%d failed call(s) since the last report",
            self._location_for_log(),
            f"{type(error).__name__}: {str(error)[:200]}" if error is not None else "resting",
            failures,
        )

    def _recovered(self):
        health = self._health
        with health.lock:
            if health.down_since is None:
                return
            lasted = time.monotonic() - health.down_since
            health.down_since = None
            health.logged_at = None
            health.failures_since_log = 0
        logger.warning("Cache %s answers again after %.1f s", self._location_for_log(), lasted)

    def _location_for_log(self):
        # Host and port only: a redis:// URL may carry a password.
        return ",".join(server.rsplit("@", 1)[-1] for server in self._servers)

    # The cache API.

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(super().add, False, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._call(super().get, default, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(super().set, None, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(super().touch, False, key, timeout, version)

    def delete(self, key, version=None):
        return self._call(super().delete, False, key, version)

    def get_many(self, keys, version=None):
        return self._call(super().get_many, {}, keys, version)

    def has_key(self, key, version=None):
        return self._call(super().has_key, False, key, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        # Django's contract: set_many() returns the keys it could not store.
        return self._call(super().set_many, list(data), data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._call(super().delete_many, None, keys, version)

    def clear(self):
        return self._call(super().clear, False)

    def incr(self, key, delta=1, version=None):
        # No fallback: a counter that silently stays at zero would be a wrong answer.
        return self._call_or_raise(super().incr, key, delta, version)


class _Strict:
    """The same cache, raising CacheUnavailable where the cache itself degrades:
    `cache.strict.set(...)` for a write the caller must know reached Redis."""

    def __init__(self, backend):
        self._backend = backend

    def __getattr__(self, name):
        operation = getattr(RedisCache, name)

        def call(*args, **kwargs):
            def bound(*args):
                return operation(self._backend, *args, **kwargs)

            return self._backend._call_or_raise(bound, *args)

        return call
