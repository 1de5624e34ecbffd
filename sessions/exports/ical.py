"""Calendar files: iCalendar (RFC 5545, with RFC 7986 for the feed's name and refresh)."""

from datetime import timedelta

import icalendar

from common.richtext import summary

from ..core.text import agenda_text, guid, multi_line, one_line, place, session_uid, utc
from .vtimezone import add_timezones, utc_vtimezone

PRODID = "-//eventsite//Event agendas//EN"
# How often subscribed calendars should fetch the event feed again.
REFRESH = timedelta(hours=1)


def _vevent(agenda, url):
    session = agenda.session
    changed = utc(agenda.last_changed)
    event = icalendar.Event.new(
        uid=session_uid(session),
        # Without a METHOD, DTSTAMP is the time the entry was last revised (RFC 5545
        # 3.8.7.2); it keeps the file the same from one request to the next.
        stamp=changed,
        last_modified=changed,
        sequence=session.sequence,
        start=session.starts_at,
        end=session.ends_at,
        summary=one_line(session),
        description=agenda_text(agenda, url),
        location=place(session) or None,
        url=url,
        status="CANCELLED" if session.cancelled else "CONFIRMED",
    )
    if session.position:
        # Where the venue is, for the calendar's map (RFC 5545 3.8.1.6).
        event.add("geo", session.position)
    return event


def _to_ical(calendar, dates):
    if dates:
        # A VTIMEZONE for each TZID, made from the zoneinfo database for the days in the file.
        add_timezones(
            calendar,
            first_date=min(dates) - timedelta(days=1),
            last_date=max(dates) + timedelta(days=1),
        )
    return calendar.to_ical()


def session_ics(agenda, absolute):
    """One VEVENT for a session whose date, times and zone are known."""
    session = agenda.session
    url = absolute(session.get_absolute_url())
    calendar = icalendar.Calendar.new(
        prodid=PRODID,
        uid=guid("session-calendar", session.pk),
        subcomponents=[_vevent(agenda, url)],
    )
    return _to_ical(calendar, [session.date])


def event_ics(event, agendas, absolute):
    """A subscribable calendar of the event's sessions that have a date and times."""
    dated = [agenda for agenda in agendas if agenda.session.has_calendar_times]
    url = absolute(event.get_absolute_url())
    calendar = icalendar.Calendar.new(
        prodid=PRODID,
        name=one_line(event.title),
        description=multi_line(summary(event.description, 300)) or None,
        uid=guid("event-calendar", event.pk),
        url=url,
        refresh_interval=REFRESH,
        subcomponents=[
            _vevent(agenda, absolute(agenda.session.get_absolute_url())) for agenda in dated
        ],
    )
    # NAME (RFC 7986) and X-WR-CALNAME, its older twin, are TEXT: a comma, semicolon
    # or backslash in the title is escaped (RFC 5545 3.3.11), or readers cut the
    # name at the first comma. icalendar 7.3 writes both as unknown values, raw.
    for key in ("NAME", "X-WR-CALNAME"):
        calendar[key] = icalendar.vText(one_line(event.title))
    # RFC 7986 requires VALUE=DURATION on REFRESH-INTERVAL; older clients read X-PUBLISHED-TTL.
    calendar["REFRESH-INTERVAL"].params["VALUE"] = "DURATION"
    calendar.add("X-PUBLISHED-TTL", icalendar.vDuration(REFRESH))
    if not dated:
        # RFC 5545 3.6 asks for at least one component, and a feed may be subscribed
        # to before any session has its date. A VTIMEZONE is a component that shows
        # nothing: clients keep it as a zone no entry uses and show an empty
        # calendar, filled once dates come. A placeholder VEVENT would put an
        # invented appointment into every subscriber's calendar; a VTODO or VJOURNAL
        # becomes a task or note in some clients, and others refuse the file. UTC
        # rather than a session's zone: it needs no date and is the same every time.
        calendar.add_component(utc_vtimezone())
    return _to_ical(calendar, [agenda.session.date for agenda in dated])
