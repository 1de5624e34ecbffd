"""Conditional GET for every export: one query says whether the client's copy is current.

Each export answers conditional GETs. Its ETag and Last-Modified come from one
query (`fingerprint`): the latest `updated_at` and the number of rows of the
event, its sessions, slots, roles, people and recorded changes. Counting rows
catches deletions, which leave no timestamp behind. A repeat request with
If-None-Match or If-Modified-Since then costs that one query and gets a 304.
"""

import hashlib
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, F, Max, OuterRef, Subquery
from django.views.decorators.http import condition

from speakers.models import Speaker

from ..models import AgendaChange, AgendaSlot, Event, Session, SessionRole

# Part of every ETag: raise it when the output of an export changes shape, so
# clients do not keep a copy made by older code.
EXPORT_FORMAT = "1"


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


def conditional(fingerprint):
    """`condition()` with the ETag and Last-Modified of one fingerprint query per request."""

    def get(request, **kwargs):
        if not hasattr(request, "export_fingerprint"):
            request.export_fingerprint = fingerprint(**kwargs)
        return request.export_fingerprint

    def etag(request, **kwargs):
        found = get(request, **kwargs)
        return found.etag if found else None

    def last_modified(request, **kwargs):
        found = get(request, **kwargs)
        return found.last_modified if found else None

    return condition(etag_func=etag, last_modified_func=last_modified)
