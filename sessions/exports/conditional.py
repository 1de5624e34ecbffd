"""Conditional GET for every export: one query says whether the client's copy is current.

Each export answers conditional GETs. Its ETag and Last-Modified come from one
query (`fingerprint`): the latest `updated_at` and the number of rows of the
event, its sessions, slots, roles, people and recorded changes. Counting rows
catches deletions, which leave no timestamp behind. A repeat request with
If-None-Match or If-Modified-Since then costs that one query and gets a 304.

Last-Modified has whole seconds, so it tells two versions made in the same second
apart no better than not at all: a client that kept the first one's date would be
told 304 for the second, and again on every request until the next change. RFC
9110 8.8.2.2 lets a date serve as a validator only when no second version can come
within its second; so Last-Modified is sent (and If-Modified-Since heeded) only
once the latest change is LAST_MODIFIED_SETTLES in the past. Until then the ETag,
which changes with every version, answers conditional requests alone. The page
cache keeps a response as it was made: one made before the date settled keeps no
Last-Modified, and is replaced at the next change (or quarter hour) anyway.
"""

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import wraps

from django.db.models import Count, F, Max, OuterRef, Subquery
from django.utils import timezone
from django.utils.http import http_date
from django.views.decorators.http import condition

from speakers.models import Speaker

from ..models import AgendaChange, AgendaSlot, Event, Session, SessionRole

# Part of every ETag: raise it when the output of an export changes shape, so
# clients do not keep a copy made by older code.
EXPORT_FORMAT = "1"
# How long after the latest change its date may be sent as Last-Modified (RFC 9110
# 8.8.2.2). Its second must be over, and then some: `updated_at` is stamped when a
# row is saved, not when its transaction commits, so a version can become visible a
# while after its stamp, with a stamp in a second whose date was already sent for
# the version before. A request's transaction lasts at most gunicorn's 30-second
# timeout (the worker is then killed and the transaction rolled back), and app
# servers' clocks differ a little: a minute covers both. (A command-line import
# running longer than that is not covered.) Meanwhile the ETag answers conditional
# requests; a client that sends only If-Modified-Since downloads the file again.
LAST_MODIFIED_SETTLES = timedelta(seconds=60)


@dataclass(frozen=True)
class Fingerprint:
    etag: str
    last_modified: datetime


def _make_fingerprint(values):
    stamps = [value for value in values if isinstance(value, datetime)]
    digest = hashlib.sha256(repr((EXPORT_FORMAT, *values)).encode()).hexdigest()[:32]
    return Fingerprint(etag=digest, last_modified=max(stamps))


def _per_parent(queryset, parent, aggregate):
    """A scalar subquery: `aggregate` over the rows of `queryset` that belong to the outer row."""
    return Subquery(queryset.order_by().values(parent).annotate(value=aggregate).values("value"))


def event_fingerprint(*, event, **kwargs):
    """Everything an event's exports show, summed up in one query."""
    outer = OuterRef("pk")
    sources = {
        "sessions": (Session.objects.filter(event=outer), "event", "updated_at"),
        "slots": (AgendaSlot.objects.filter(session__event=outer), "session__event", "updated_at"),
        "roles": (SessionRole.objects.filter(session__event=outer), "session__event", "updated_at"),
        "changes": (
            AgendaChange.objects.filter(session__event=outer),
            "session__event",
            "changed_at",
        ),
    }
    annotations = {}
    for name, (queryset, parent, stamp) in sources.items():
        annotations[f"{name}_latest"] = _per_parent(queryset, parent, Max(stamp))
        annotations[f"{name}_count"] = _per_parent(queryset, parent, Count("pk"))
    annotations["people_latest"] = _per_parent(
        Speaker.objects.filter(session_roles__session__event=OuterRef("pk")),
        "session_roles__session__event",
        Max("updated_at"),
    )
    row = (
        Event.objects.filter(slug=event)
        .annotate(**annotations)
        .values_list("updated_at", *annotations)
        .first()
    )
    return _make_fingerprint(row) if row else None


def session_fingerprint(*, event, session):
    """What a session's calendar file shows, in one query."""
    slots = AgendaSlot.objects.filter(session=OuterRef("pk"))
    row = (
        Session.objects.published()
        .filter(event__slug=event, slug=session)
        .annotate(
            event_updated_at=F("event__updated_at"),
            slots_latest=_per_parent(slots, "session", Max("updated_at")),
            slots_count=_per_parent(slots, "session", Count("pk")),
        )
        .values_list("updated_at", "sequence", "event_updated_at", "slots_latest", "slots_count")
        .first()
    )
    return _make_fingerprint(row) if row else None


def settled(last_modified):
    """`last_modified` if it may be sent as Last-Modified now, else None."""
    if timezone.now() - last_modified >= LAST_MODIFIED_SETTLES:
        return last_modified
    return None


def conditional(fingerprint):
    """`condition()` with the ETag and Last-Modified of one fingerprint query per request.

    The fingerprint's date is the response's Last-Modified, or there is none: a view
    may set its own (Django's Feed sends its newest entry's date, which does not move
    when a session those entries name is renamed), and it would be sent, and
    compared with If-Modified-Since further up, all the same.
    """

    def get(request, **kwargs):
        if not hasattr(request, "export_fingerprint"):
            request.export_fingerprint = fingerprint(**kwargs)
        return request.export_fingerprint

    def etag(request, **kwargs):
        found = get(request, **kwargs)
        return found.etag if found else None

    def last_modified(request, **kwargs):
        found = get(request, **kwargs)
        return settled(found.last_modified) if found else None

    def decorator(view):
        conditioned = condition(etag_func=etag, last_modified_func=last_modified)(view)

        @wraps(view)
        def answer(request, *args, **kwargs):
            response = conditioned(request, *args, **kwargs)
            stamp = last_modified(request, **kwargs)
            if stamp is None:
                response.headers.pop("Last-Modified", None)
            else:
                response["Last-Modified"] = http_date(stamp.timestamp())
            return response

        return answer

    return decorator
