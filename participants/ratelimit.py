"""A small fixed-window rate limit, exact under concurrency, in a store of its own.

The counters never share the page cache, which made-up URLs can fill until it
culls entries (a counter among them). They live in the cache alias `ratelimit`
when settings define one (Redis: INCR is atomic), otherwise in the database
(`RateLimitCounter`), counted under a row lock; the database also counts while
that Redis is down, so that any number of app servers
and workers, on PostgreSQL or SQLite, accept exactly `limit` attempts per window.

Keys are keyed hashes (HMAC with the site's secret), so no store ever holds an
email or IP address, nor a hash that could be matched against a list of them.
"""

from datetime import timedelta

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from common.cache_backends import CacheUnavailable

from .models import RateLimitCounter

ALIAS = "ratelimit"
# (attempts, window in seconds) for the public request form.
PER_CLIENT = (10, 60 * 60)
PER_EMAIL = (5, 60 * 60)


def hit(*, scope, value, rate):
    """Count one attempt for `value` in `scope`; False once over `rate` (attempts, seconds)."""
    limit, window = rate
    digest = salted_hmac(
        "participants.ratelimit", f"{scope}:{value}", algorithm="sha256"
    ).hexdigest()
    key = f"ratelimit:{scope}:{digest}"
    if ALIAS in settings.CACHES:
        try:
            count = _count_in_cache(caches[ALIAS], key, window)
        except CacheUnavailable:
            # Redis is down: the form keeps its limit, counted in the database until
            # Redis answers again (then the count starts afresh there).
            count = _count_in_database(key, window)
    else:
        count = _count_in_database(key, window)
    return count <= limit


def _count_in_cache(store, key, window):
    if not store.is_available():  # resting after a failure: no need to wait for it
        raise CacheUnavailable(f"{ALIAS} cache unavailable")
    # add() starts the window only if none is running; incr() is atomic on Redis.
    store.add(key, 0, timeout=window)
    try:
        return store.incr(key)
    except ValueError:  # the window expired between add() and incr()
        store.set(key, 1, timeout=window)
        return 1


def _count_in_database(key, window):
    now = timezone.now()
    with transaction.atomic():
        # FOR UPDATE holds the row until commit, so concurrent attempts count one
        # after another. Two first attempts both try to insert; the unique key makes
        # the second wait for the first, then get_or_create reads (and locks) its row.
        counter, _ = RateLimitCounter.objects.select_for_update().get_or_create(
            key=key, defaults={"count": 0, "expires_at": now + timedelta(seconds=window)}
        )
        if counter.expires_at <= now:
            counter.count = 0
            counter.expires_at = now + timedelta(seconds=window)
        counter.count += 1
        counter.save(update_fields=["count", "expires_at"])
    return counter.count


def purge_ended(now=None):
    """Delete database counters whose window has ended; how many."""
    count, _ = RateLimitCounter.objects.filter(expires_at__lte=now or timezone.now()).delete()
    return count


def client_ip(request):
    """The address the request came from.

    REMOTE_ADDR only: headers such as X-Forwarded-For can be forged by the
    client. Behind a proxy, let the proxy or gunicorn set REMOTE_ADDR.
    """
    return request.META.get("REMOTE_ADDR", "")
