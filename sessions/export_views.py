"""Calendar files and schedules: thin views over sessions/exports.py.

Each export answers conditional GETs. Its ETag and Last-Modified come from one
query (`fingerprint`): the latest `updated_at` and the number of rows of the
event, its sessions, slots, roles, people and recorded changes. Counting rows
catches deletions, which leave no timestamp behind. A repeat request with
If-None-Match or If-Modified-Since then costs that one query and gets a 304.
"""

import hashlib
from dataclasses import dataclass
from datetime import datetime

from django.db import models
from django.db.models import Count, F, Max, OuterRef, Subquery
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import condition, require_safe

from speakers.models import Speaker

from . import exports
from .agenda import build_agenda, build_agendas, session_queryset
from .models import AgendaChange, AgendaSlot, Event, Session, SessionRole

RAISE = models.FETCH_RAISE
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


def public_event(slug):
    """An event with a published session; 404 otherwise, as for its page."""
    published = Session.objects.published().values("event")
    return get_object_or_404(Event.objects.filter(pk__in=published).fetch_mode(RAISE), slug=slug)


def _feed_agendas(event):
    """Agendas of the event's published sessions, closed meetings left out."""
    return build_agendas(
        Session.objects.in_public_feeds().filter(event=event).order_by("order", "pk")
    )


def _calendar_response(body, filename):
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.ics"'
    return response


def _schedule_response(body, content_type):
    response = HttpResponse(body, content_type=f"{content_type}; charset=utf-8")
    # Public data that web-based schedule viewers fetch from other origins.
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_safe
@conditional(session_fingerprint)
def session_ics(request, event, session):
    """One session's calendar file. Closed meetings have one too: it is linked from their page."""
    found = get_object_or_404(session_queryset().published(), event__slug=event, slug=session)
    if not found.has_calendar_times:
        raise Http404("The date is not confirmed yet, so there is no calendar file.")
    agenda = build_agenda(found)
    return _calendar_response(exports.session_ics(agenda, request.build_absolute_uri), found.slug)


@require_safe
@conditional(event_fingerprint)
def event_ics(request, event):
    found = public_event(event)
    body = exports.event_ics(found, _feed_agendas(found), request.build_absolute_uri)
    return _calendar_response(body, found.slug)


def _schedule(event):
    found = public_event(event)
    schedule = exports.plan_schedule(found, _feed_agendas(found))
    if not schedule.days:
        # The format is made of days; inventing one would be worse than none.
        raise Http404("No session of this event has a confirmed date and time yet.")
    return schedule


@require_safe
@conditional(event_fingerprint)
def schedule_json(request, event):
    body = exports.schedule_json(_schedule(event), request.build_absolute_uri)
    return _schedule_response(body, "application/json")


@require_safe
@conditional(event_fingerprint)
def schedule_xml(request, event):
    body = exports.schedule_xml(_schedule(event), request.build_absolute_uri)
    return _schedule_response(body, "application/xml")
