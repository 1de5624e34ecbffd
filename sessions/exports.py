"""Calendar files and machine-readable schedules, built from agendas.

Every function here turns `Agenda` objects (sessions/agenda.py) into bytes; none
reads the database. `absolute` is a callable that turns a path into an absolute
URL (the view passes `request.build_absolute_uri`).

Staff-only slot fields (cue, tech_notes, responsible) are never read here, and
the online meeting link is left out as on the public page: only "online" is said.
"""

import json
import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import UTC, date, timedelta
from itertools import groupby
from urllib.parse import urlsplit

import icalendar
from django.conf import settings
from django.urls import reverse
from django.utils.html import strip_tags

from .seo import plain_summary
from .templatetags.agenda import markdown

PRODID = "-//eventsite//Event agendas//EN"
# How often subscribed calendars should fetch the event feed again.
REFRESH = timedelta(hours=1)
SCHEDULE_TYPE = "meeting"
# The grid schedule apps lay sessions on; agenda times are to the minute.
TIMESLOT = "00:05"


def uid_domain():
    """A stable name for this site in identifiers: not the request's host, which varies."""
    return settings.CALENDAR_UID_DOMAIN


def session_uid(session):
    """The calendar UID of a session: from its primary key, never its slug."""
    return f"session-{session.pk}@{uid_domain()}"


def _guid(kind, pk):
    return uuid.uuid5(uuid.NAMESPACE_URL, f"tag:{uid_domain()}:{kind}-{pk}")


def session_guid(session):
    """The frab schedule's guid of a session, stable like its calendar UID."""
    return _guid("session", session.pk)


# Plain text shared by the calendar and the schedules.


def _span(start, end):
    return f"{start:%H:%M}" if end is None else f"{start:%H:%M}–{end:%H:%M}"


def agenda_lines(agenda):
    """One line per item: time or span, then the title, as on the page."""
    return [f"{_span(item.start, item.end)} {item.slot.title}" for item in agenda.items]


def agenda_text(agenda, url=None):
    session = agenda.session
    parts = [f"{agenda.event.title}\n{session}"]
    if session.cancelled:
        parts.append("This meeting has been cancelled.")
    lines = agenda_lines(agenda)
    if lines:
        zone = session.time_zone or "the venue's local time"
        parts.append(f"Agenda (times in {zone}):\n" + "\n".join(lines))
    if url:
        parts.append(url)
    return "\n\n".join(parts)


def place(session):
    """Where the meeting is, as the page says it: the venue, "online", or nothing."""
    if session.venue and session.online_url:
        return f"{session.venue} and online"
    return session.venue or ("Online" if session.online_url else "")


def _utc(instant):
    return instant.astimezone(UTC)


# iCalendar (RFC 5545, with RFC 7986 for the feed's name and refresh interval).


def _vevent(agenda, url):
    session = agenda.session
    changed = _utc(agenda.last_changed)
    return icalendar.Event.new(
        uid=session_uid(session),
        # Without a METHOD, DTSTAMP is the time the entry was last revised (RFC 5545
        # 3.8.7.2); it keeps the file the same from one request to the next.
        stamp=changed,
        last_modified=changed,
        sequence=session.sequence,
        start=session.starts_at,
        end=session.ends_at,
        summary=str(session),
        description=agenda_text(agenda, url),
        location=place(session) or None,
        url=url,
        status="CANCELLED" if session.cancelled else "CONFIRMED",
    )


def _to_ical(calendar, dates):
    if dates:
        # A VTIMEZONE for each TZID, made from the zoneinfo database for the days in the file.
        calendar.add_missing_timezones(
            first_date=min(dates) - timedelta(days=1), last_date=max(dates) + timedelta(days=1)
        )
    return calendar.to_ical()


def session_ics(agenda, absolute):
    """One VEVENT for a session whose date, times and zone are known."""
    session = agenda.session
    url = absolute(session.get_absolute_url())
    calendar = icalendar.Calendar.new(
        prodid=PRODID,
        uid=_guid("session-calendar", session.pk),
        subcomponents=[_vevent(agenda, url)],
    )
    return _to_ical(calendar, [session.date])


def event_ics(event, agendas, absolute):
    """A subscribable calendar of the event's sessions that have a date and times."""
    dated = [agenda for agenda in agendas if agenda.session.has_calendar_times]
    url = absolute(event.get_absolute_url())
    calendar = icalendar.Calendar.new(
        prodid=PRODID,
        name=event.title,
        description=plain_summary(event.description, 300) or None,
        uid=_guid("event-calendar", event.pk),
        url=url,
        refresh_interval=REFRESH,
        subcomponents=[
            _vevent(agenda, absolute(agenda.session.get_absolute_url())) for agenda in dated
        ],
    )
    # RFC 7986 requires VALUE=DURATION on REFRESH-INTERVAL; older clients read X-PUBLISHED-TTL.
    calendar["REFRESH-INTERVAL"].params["VALUE"] = "DURATION"
    calendar.add("X-PUBLISHED-TTL", icalendar.vDuration(REFRESH))
    return _to_ical(calendar, [agenda.session.date for agenda in dated])


# The frab schedule (schedule.xml) and its JSON twin, per /work/shared/schemas.


@dataclass
class Day:
    index: int
    date: date
    agendas: list

    @property
    def start(self):
        return min(a.session.starts_at for a in self.agendas)

    @property
    def end(self):
        return max(_utc(a.session.ends_at) for a in self.agendas).astimezone(
            self.agendas[0].session.zone
        )

    @property
    def rooms(self):
        """Sessions by room, rooms in order of their first session."""
        rooms = {}
        for agenda in self.agendas:
            rooms.setdefault(room(agenda.session), []).append(agenda)
        return rooms


@dataclass
class Schedule:
    event: object
    days: list[Day]
    version: str
    time_zone: str | None = None

    @property
    def acronym(self):
        # The JSON schema allows no hyphen after the first character.
        acronym = self.event.slug.lower().replace("-", "_")
        return acronym if len(acronym) >= 4 else f"event_{acronym}"


def room(session):
    return place(session) or "Venue to be confirmed"


def plan_schedule(event, agendas):
    """Days of the event's dated, not cancelled sessions.

    A day-based schedule needs an instant for every entry: sessions whose date,
    times or zone are still to be confirmed are left out (never given a made-up
    date), as are cancelled ones.
    """
    dated = sorted(
        (a for a in agendas if a.session.has_calendar_times and not a.session.cancelled),
        key=lambda a: (a.session.date, _utc(a.session.starts_at), a.session.pk),
    )
    days = [
        Day(index, day, list(group))
        for index, (day, group) in enumerate(groupby(dated, key=lambda a: a.session.date), 1)
    ]
    zones = {a.session.time_zone for a in dated}
    latest = max((a.last_changed for a in agendas), default=None)
    return Schedule(
        event=event,
        days=days,
        version=_utc(latest).strftime("%Y-%m-%d %H:%M:%S") if latest else "0",
        time_zone=zones.pop() if len(zones) == 1 else None,
    )


def _duration(agenda):
    minutes = int((_utc(agenda.session.ends_at) - _utc(agenda.session.starts_at)).total_seconds())
    hours, minutes = divmod(minutes // 60, 60)
    return f"{hours:02d}:{minutes:02d}"


def _persons(agenda):
    """Speakers, co-chairs and moderators in the page's order, each once."""
    seen = {}
    for role in [*agenda.speakers, *agenda.co_chairs, *agenda.moderators]:
        seen.setdefault(role.speaker.pk, role.speaker)
    return list(seen.values())


def _plain(markdown_text):
    return strip_tags(markdown(markdown_text)).strip()


def _slug(schedule, session):
    return f"{schedule.acronym}-{session.pk}-{session.slug.lower()}".rstrip("-_")


def _event_data(schedule, agenda, absolute):
    session = agenda.session
    url = absolute(session.get_absolute_url())
    return {
        "guid": str(session_guid(session)),
        "id": session.pk,
        "date": session.starts_at.isoformat(),
        "start": f"{session.start_time:%H:%M}",
        "end": session.ends_at.isoformat(),
        "duration": _duration(agenda),
        "room": room(session),
        "slug": _slug(schedule, session),
        "url": url,
        "title": session.title,
        "subtitle": session.label or None,
        "track": None,
        "type": SCHEDULE_TYPE,
        "language": settings.LANGUAGE_CODE.split("-")[0],
        "abstract": _plain(session.outline),
        "description": agenda_text(agenda),
        "persons": [
            {
                "id": person.pk,
                "guid": str(_guid("person", person.pk)),
                "name": str(person),
                "url": absolute(person.get_absolute_url()),
            }
            for person in _persons(agenda)
        ],
        "links": [],
    }


def _conference(schedule, absolute):
    event = schedule.event
    days = schedule.days
    conference = {
        "acronym": schedule.acronym,
        "title": event.title,
        "start": days[0].date.isoformat(),
        "end": days[-1].date.isoformat(),
        "daysCount": len(days),
        "timeslot_duration": TIMESLOT,
        "url": absolute(event.get_absolute_url()),
    }
    if schedule.time_zone:
        conference["time_zone_name"] = schedule.time_zone
    if event.description:
        conference["description"] = _plain(event.description)
    return conference


def schedule_json(schedule, absolute):
    conference = _conference(schedule, absolute)
    conference["days"] = [
        {
            "index": day.index,
            "date": day.date.isoformat(),
            "day_start": day.start.isoformat(),
            "day_end": day.end.isoformat(),
            "rooms": {
                name: [_event_data(schedule, agenda, absolute) for agenda in agendas]
                for name, agendas in day.rooms.items()
            },
        }
        for day in schedule.days
    ]
    data = {
        "$schema": "https://c3voc.de/schedule/schema.json",
        "generator": {"name": "eventsite", "url": absolute("/")},
        "schedule": {
            "version": schedule.version,
            "base_url": absolute("/"),
            "conference": conference,
        },
    }
    return json.dumps(data, ensure_ascii=False, indent=1).encode()


def _sub(parent, tag, text=None, **attributes):
    element = ET.SubElement(parent, tag, {k: str(v) for k, v in attributes.items()})
    if text is not None:
        element.text = str(text)
    return element


def schedule_xml(schedule, absolute):
    root = ET.Element("schedule")
    _sub(root, "generator", name="eventsite", system=urlsplit(absolute("/")).netloc)
    _sub(root, "url", absolute(schedule_url(schedule.event, "xml")))
    _sub(root, "version", schedule.version)
    conference = _conference(schedule, absolute)
    node = _sub(root, "conference")
    for key in ("title", "acronym", "start", "end"):
        _sub(node, key, conference[key])
    _sub(node, "days", conference["daysCount"])
    _sub(node, "timeslot_duration", conference["timeslot_duration"])
    _sub(node, "base_url", absolute("/"))
    _sub(node, "url", conference["url"])
    if schedule.time_zone:
        _sub(node, "time_zone_name", schedule.time_zone)
    for day in schedule.days:
        day_node = _sub(
            root,
            "day",
            index=day.index,
            date=day.date.isoformat(),
            start=day.start.isoformat(),
            end=day.end.isoformat(),
        )
        for name, agendas in day.rooms.items():
            room_node = _sub(day_node, "room", name=name)
            for agenda in agendas:
                data = _event_data(schedule, agenda, absolute)
                event = _sub(room_node, "event", guid=data["guid"], id=data["id"])
                for key in ("room", "title", "subtitle", "type", "date", "start", "duration"):
                    if data[key] is not None:
                        _sub(event, key, data[key])
                _sub(event, "abstract", data["abstract"])
                _sub(event, "track", "")
                _sub(event, "language", data["language"])
                _sub(event, "description", data["description"])
                persons = _sub(event, "persons")
                for person in data["persons"]:
                    _sub(persons, "person", person["name"], id=person["id"], guid=person["guid"])
                _sub(event, "url", data["url"])
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def schedule_url(event, extension):
    return reverse(f"agenda:schedule_{extension}", kwargs={"event": event.slug})
