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
