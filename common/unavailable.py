"""503 instead of 500 while a service the page needs cannot be reached.

When the database is down (stopped, restarting, unreachable, or SQLite's file
locked past its timeout) or the cache is needed and down (CacheUnavailable), a
page answers 503 with the site's own short page and Retry-After, so visitors and
crawlers know to come back, and load balancers do not count it as a bug. Cached
public pages are still served: PublicPageCacheMiddleware answers them before any
view touches the database.

Two ways in, for the two places an error can be raised:

- ServiceUnavailableMiddleware.process_exception: errors from a view or its
  template (the usual case);
- server_error, the site's handler500: errors raised by a middleware (a session
  saved after the view, say), which Django turns into a server error.

The page is rendered without the request: no context processor runs, so nothing
reads the session or the user (which would need the database). A transaction
the error cut short is rolled back by its atomic block (the admin wraps each
save in one); a broken connection is closed at the end of the request
(CONN_HEALTH_CHECKS), so the next request opens a new one and the site recovers
without a restart.
"""

import logging
import sys
import threading
import time

from django import db
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers
from django.views import defaults

from .cache_backends import CacheUnavailable

logger = logging.getLogger(__name__)

# Seconds a client is asked to wait before trying again.
RETRY_AFTER = 30
# Seconds between two log lines about the same kind of failure.
LOG_EVERY = 60.0


def _unreachable_errors():
    errors = [db.OperationalError, db.InterfaceError, CacheUnavailable]
    try:
        import psycopg
    except ImportError:  # SQLite only
        pass
    else:
        # Raised by psycopg itself where Django does not wrap it (closing a connection).
        errors += [psycopg.OperationalError, psycopg.InterfaceError]
    return tuple(errors)


UNREACHABLE = _unreachable_errors()


class ServiceUnavailableMiddleware:
    """Turns a database or cache outage raised in a view into the site's 503 page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, UNREACHABLE):
            return unavailable_response(exception)
        return None


def server_error(request):
    """handler500: a 503 page for an outage raised outside a view, else Django's 500."""
    exception = sys.exc_info()[1]
    if isinstance(exception, UNREACHABLE):
        return unavailable_response(exception)
    return defaults.server_error(request)


def unavailable_response(exception):
    _log(exception)
    response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER)
    add_never_cache_headers(response)
    return response


_log_lock = threading.Lock()
_logged = {}  # error class name: (monotonic time of the last line, answers since)


def _log(exception):
    """One line per kind of error and minute, with how many answers it cost."""
    kind = type(exception).__name__
    now = time.monotonic()
    with _log_lock:
        logged_at, count = _logged.get(kind, (None, 0))
        count += 1
        if logged_at is not None and now - logged_at < LOG_EVERY:
            _logged[kind] = (logged_at, count)
            return
        _logged[kind] = (now, 0)
    logger.warning(
        "Answering 503: %s (%s); %d such answer(s) since the last report",
        kind,
        str(exception).strip().splitlines()[0][:200] if str(exception).strip() else "",
        count,
    )
