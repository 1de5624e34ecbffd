"""Calendar files and schedules: thin views over the modules of this package.

Each answers conditional GETs through conditional.py.
"""

from django.db import models
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe

from common.site_url import absolute_url

from ..core.agenda import build_agenda, build_agendas, session_queryset
from ..models import Event, Session
from . import ical
from . import schedule_json as frab_json
from . import schedule_xml as frab_xml
from .conditional import conditional, event_fingerprint, session_fingerprint
from .schedule import plan_schedule


def public_event(slug):
    """An event with a published session; 404 otherwise, as for its page."""
    published = Session.objects.published().values("event")
    events = Event.objects.filter(pk__in=published).fetch_mode(models.FETCH_RAISE)
    return get_object_or_404(events, slug=slug)


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
    return _calendar_response(ical.session_ics(agenda, absolute_url), found.slug)


@require_safe
@conditional(event_fingerprint)
def event_ics(request, event):
    found = public_event(event)
    body = ical.event_ics(found, _feed_agendas(found), absolute_url)
    return _calendar_response(body, found.slug)


def _schedule(event):
    found = public_event(event)
    schedule = plan_schedule(found, _feed_agendas(found))
    if not schedule.days:
        # The format is made of days; inventing one would be worse than none.
        raise Http404("No session of this event has a confirmed date and time yet.")
    return schedule


@require_safe
@conditional(event_fingerprint)
def schedule_json(request, event):
    body = frab_json.schedule_json(_schedule(event), absolute_url)
    return _schedule_response(body, "application/json")


@require_safe
@conditional(event_fingerprint)
def schedule_xml(request, event):
    body = frab_xml.schedule_xml(_schedule(event), absolute_url)
    return _schedule_response(body, "application/xml")
