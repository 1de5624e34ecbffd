"""Middleware of the agenda app."""

from .core.changes import one_change


class ChangeBatchMiddleware:
    """The changes one request makes (one admin save, one tool) are recorded as one change.

    Participants then read "moved 30 minutes later: the meeting and its 5 items"
    as one line and one Atom entry, not six (sessions/core/change.py groups them).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return self.get_response(request)
        with one_change():
            return self.get_response(request)
