"""Logging filters."""

import logging


class WithoutTraceback(logging.Filter):
    """Keep the record, drop its traceback.

    For events whose message says all there is to know, such as a request for a
    host that ALLOWED_HOSTS does not name: a scanner sends thousands, and each
    would otherwise write the same twenty lines of Django's request handling.
    """

    def filter(self, record):
        record.exc_info = None
        record.exc_text = None
        return True


class WithoutServiceUnavailable(logging.Filter):
    """Drop Django's line for each 503 answer.

    While the database is down every request that needs it answers 503, and
    Django's request logger would write one line (or a traceback) for each;
    common.unavailable writes one line a minute with the count instead.
    """

    def filter(self, record):
        return getattr(record, "status_code", None) != 503
