"""A small fixed-window rate limit on Django's cache, shared by every app server.

Keys are keyed hashes (HMAC with the site's secret), so the cache never holds an
email or IP address, nor a hash that could be matched against a list of them.
"""

from django.core.cache import cache
from django.utils.crypto import salted_hmac

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
    # add() starts the window only if none is running; incr() is atomic on
    # Redis and on the local-memory cache.
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # the window expired between add() and incr()
        cache.set(key, 1, timeout=window)
        count = 1
    return count <= limit


def client_ip(request):
    """The address the request came from.

    REMOTE_ADDR only: headers such as X-Forwarded-For can be forged by the
    client. Behind a proxy, let the proxy or gunicorn set REMOTE_ADDR.
    """
    return request.META.get("REMOTE_ADDR", "")
