"""The frab schedule (schedule.xml and its JSON twin): the mapping both formats share.

The event is the conference; each dated session is one entry of type "meeting"
in its day and room. The schemas are in tests/data/schemas.
"""

from dataclasses import dataclass
from datetime import date
from itertools import groupby

from django.conf import settings
from django.urls import reverse

from common.formatting import clock
from common.richtext import to_plain

from ..core.text import agenda_text, guid, multi_line, one_line, session_guid, utc

SCHEDULE_TYPE = "meeting"
# The grid schedule apps lay sessions on; agenda times are to the minute.
TIMESLOT = "00:05"


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
        return max(utc(a.session.ends_at) for a in self.agendas).astimezone(
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
    """The venue's name (its address is no room name), "online", or to be confirmed."""
    venue = one_line(session.venue)
    if venue and session.online_url:
        return f"{venue} and online"
    return venue or ("Online" if session.online_url else "Venue to be confirmed")


def plan_schedule(event, agendas):
    """Days of the event's dated, not cancelled sessions.

    A day-based schedule needs an instant for every entry: sessions whose date,
    times or zone are still to be confirmed are left out (never given a made-up
    date), as are cancelled ones.
    """
    dated = sorted(
        (a for a in agendas if a.session.has_calendar_times and not a.session.cancelled),
        key=lambda a: (a.session.date, utc(a.session.starts_at), a.session.pk),
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
        version=utc(latest).strftime("%Y-%m-%d %H:%M:%S") if latest else "0",
        time_zone=zones.pop() if len(zones) == 1 else None,
    )


def _duration(agenda):
    minutes = int((utc(agenda.session.ends_at) - utc(agenda.session.starts_at)).total_seconds())
    hours, minutes = divmod(minutes // 60, 60)
    return f"{hours:02d}:{minutes:02d}"


def _persons(agenda):
    """Speakers, then those who lead (chairs, co-chairs, hosts, moderators), each once."""
    seen = {}
    for role in [*agenda.speakers, *agenda.leads]:
        seen.setdefault(role.speaker.pk, role.speaker)
    return list(seen.values())


def _slug(schedule, session):
    return f"{schedule.acronym}-{session.pk}-{session.slug.lower()}".rstrip("-_")


def event_data(schedule, agenda, absolute):
    session = agenda.session
    url = absolute(session.get_absolute_url())
    return {
        "guid": str(session_guid(session)),
        "id": session.pk,
        "date": session.starts_at.isoformat(),
        "start": clock(session.start_time),
        "end": session.ends_at.isoformat(),
        "duration": _duration(agenda),
        "room": room(session),
        "slug": _slug(schedule, session),
        "url": url,
        "title": one_line(session.title),
        "subtitle": one_line(session.label) or None,
        "track": None,
        "type": SCHEDULE_TYPE,
        "language": settings.LANGUAGE_CODE.split("-")[0],
        "abstract": multi_line(to_plain(session.outline)),
        "description": agenda_text(agenda),
        "persons": [
            {
                "id": person.pk,
                "guid": str(guid("person", person.pk)),
                "name": one_line(person),
                "url": absolute(person.get_absolute_url()),
            }
            for person in _persons(agenda)
        ],
        "links": [],
    }


def conference_data(schedule, absolute):
    event = schedule.event
    days = schedule.days
    conference = {
        "acronym": schedule.acronym,
        "title": one_line(event.title),
        "start": days[0].date.isoformat(),
        "end": days[-1].date.isoformat(),
        "daysCount": len(days),
        "timeslot_duration": TIMESLOT,
        "url": absolute(event.get_absolute_url()),
    }
    if schedule.time_zone:
        conference["time_zone_name"] = schedule.time_zone
    if event.description:
        conference["description"] = multi_line(to_plain(event.description))
    return conference


def schedule_url(event, extension):
    return reverse(f"agenda:schedule_{extension}", kwargs={"event": event.slug})
