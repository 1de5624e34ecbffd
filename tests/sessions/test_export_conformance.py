"""Independent readers of every export agree with the database, to the second.

Each export of one event (calendar.ics, every session's .ics, schedule.json,
schedule.xml, changes.atom) is fetched through the test client and read by
parsers that share no code with the site's writers: icalendar,
recurring-ical-events, vobject, jsonschema and lxml with the frab schemas,
feedparser. Every dated, published session that is not a closed meeting comes
out exactly once, under its UID or guid, at the UTC instants of its `starts_at`
and `ends_at`, with its title, place and agenda items as stored (commas,
semicolons, backslashes, quotes, <, >, &, accents, emoji); the cancelled one is
STATUS:CANCELLED in calendars and left out of the schedules; the one whose date
is to be confirmed is in no export with a date.

The sessions sit on the nights the clocks change, two of them in the hour just
after a change forward (London 28 March, Sydney 3 October 2027). Readers that
turn a written wall time into an instant get those right even from a VTIMEZONE
whose observance starts at the local time after the change instead of before
(RFC 5545 3.6.5): no wall time the site can store lies between the two onsets.
Going the other way, from the instant to the zone's local time as a calendar app
shows it, does not; the two VTIMEZONE tests check that direction.

Wall times that happen twice (01:xx in London on 31 October) are avoided: the
site takes the first, as RFC 5545 3.3.5 says a reader must, but vobject (through
pytz) takes the second, so such a session would test vobject, not the site.
"""

import html
import json
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from types import SimpleNamespace
from unittest import mock
from zoneinfo import ZoneInfo

import feedparser
import icalendar
import jsonschema
import pytest
import recurring_ical_events
import vobject
from django.conf import settings
from lxml import etree

from sessions.models import AgendaChange
from tests.factories import AffiliationFactory, AgendaSlotFactory, EventFactory, SessionRoleFactory
from tests.helpers import SCHEMAS, dated_session, event_url, ics_url

pytestmark = pytest.mark.django_db

# Text that every format must escape or encode, and give back unchanged.
EVENT_TITLE = "Zürich & London: “Cyber” <Week>, 2027; a\\b 📅"
TITLE = 'Cyber, law; order \\ "plain" “curly” <b>not bold</b> & more – Zürich 🎉'
VENUE = "Zürich – Café “quoted”, Room 1; Floor <2> \\ East & West 🏛"
SLOT_TITLE = "Welcome, coffee; tea \\ “chat” <i>&amp;</i> – Café 🥐"
SPEAKER = "Zoë O’Brien-Müller, <PhD> & co"

# Where each session falls, in UTC, worked out by hand from the zones' rules.
EXPECTED_UTC = {
    # Europe/Zurich in summer: UTC+2.
    "zurich": (datetime(2027, 6, 10, 7, 30, tzinfo=UTC), datetime(2027, 6, 10, 10, 0, tzinfo=UTC)),
    # London springs forward at 01:00 UTC (01:00 GMT becomes 02:00 BST): 00:30 GMT
    # to 03:30 BST lasts two hours.
    "london_across_spring": (
        datetime(2027, 3, 28, 0, 30, tzinfo=UTC),
        datetime(2027, 3, 28, 2, 30, tzinfo=UTC),
    ),
    # 02:15 to 02:45 BST: the hour after the change, which a VTIMEZONE dated
    # 02:00 (the local time after the change) still counts as GMT.
    "london_hour_after_spring": (
        datetime(2027, 3, 28, 1, 15, tzinfo=UTC),
        datetime(2027, 3, 28, 1, 45, tzinfo=UTC),
    ),
    # London falls back at 01:00 UTC (02:00 BST becomes 01:00 GMT): 00:30 BST to
    # 03:00 GMT lasts three and a half hours.
    "london_across_autumn": (
        datetime(2027, 10, 30, 23, 30, tzinfo=UTC),
        datetime(2027, 10, 31, 3, 0, tzinfo=UTC),
    ),
    # Sydney springs forward at 16:00 UTC on 2 October (02:00 AEST becomes 03:00
    # AEDT): 03:15 AEDT is in the hour after the change.
    "sydney_hour_after_spring": (
        datetime(2027, 10, 2, 16, 15, tzinfo=UTC),
        datetime(2027, 10, 2, 17, 30, tzinfo=UTC),
    ),
    "cancelled": (
        datetime(2027, 6, 11, 12, 0, tzinfo=UTC),
        datetime(2027, 6, 11, 13, 0, tzinfo=UTC),
    ),
    "closed": (datetime(2027, 6, 11, 14, 0, tzinfo=UTC), datetime(2027, 6, 11, 15, 0, tzinfo=UTC)),
}
# Every instant above lies in it.
WINDOW = (datetime(2027, 1, 1, tzinfo=UTC), datetime(2028, 1, 1, tzinfo=UTC))


@pytest.fixture
def programme(db):
    """One event with published sessions in three zones, on the nights the clocks
    change, with slots, people, a cancelled session, a closed meeting, a session
    whose date is to be confirmed, and changes recorded after publication."""
    event = EventFactory(title=EVENT_TITLE, slug="conformance-2027")
    chair = AffiliationFactory(speaker__name=SPEAKER).speaker
    speaker = AffiliationFactory(speaker__name="Ada Lovelace").speaker

    def session(key, day, start, end, zone, **fields):
        defaults = {"label": "", "title": f"{key} – “{TITLE}”", "venue": VENUE}
        return dated_session(
            event=event,
            slug=key.replace("_", "-"),
            date=day,
            start_time=start,
            end_time=end,
            time_zone=zone,
            **(defaults | fields),
        )

    london = "Europe/London"
    sessions = {
        "zurich": session(
            "zurich",
            date(2027, 6, 10),
            time(9, 30),
            time(12, 0),
            "Europe/Zurich",
            label="Session One",
            title=TITLE,
        ),
        "london_across_spring": session(
            "london_across_spring", date(2027, 3, 28), time(0, 30), time(3, 30), london
        ),
        # Published at 04:15 and moved to 02:15 afterwards: a change in the feed.
        "london_hour_after_spring": session(
            "london_hour_after_spring", date(2027, 3, 28), time(4, 15), time(4, 45), london
        ),
        "london_across_autumn": session(
            "london_across_autumn", date(2027, 10, 31), time(0, 30), time(3, 0), london
        ),
        "sydney_hour_after_spring": session(
            "sydney_hour_after_spring",
            date(2027, 10, 3),
            time(3, 15),
            time(4, 30),
            "Australia/Sydney",
        ),
        "cancelled": session(
            "cancelled", date(2027, 6, 11), time(14, 0), time(15, 0), "Europe/Zurich"
        ),
        "closed": session(
            "closed",
            date(2027, 6, 11),
            time(16, 0),
            time(17, 0),
            "Europe/Zurich",
            allow_indexing=False,
        ),
        "undated": session("undated", None, time(10, 0), time(11, 0), "Europe/Zurich"),
    }
    # Changes after publication, each an entry in the Atom feed (the closed
    # meeting's stays out of it).
    moved = sessions["london_hour_after_spring"]
    moved.start_time, moved.end_time = time(2, 15), time(2, 45)
    moved.save()
    sessions["cancelled"].cancelled = True
    sessions["cancelled"].save()
    sessions["closed"].venue = "Moved, quietly"
    sessions["closed"].save()

    for each in sessions.values():
        SessionRoleFactory(session=each, speaker=chair, role="co_chair", order=0)
        SessionRoleFactory(session=each, speaker=speaker, order=1)
        # Slots added after publication: changes too.
        opening = AgendaSlotFactory(
            session=each, start=each.start_time, end=None, title=f"Opening of {each.slug}"
        )
        opening.moderators.add(chair)
        talk = AgendaSlotFactory(
            session=each, start=each.start_time, end=each.end_time, title=SLOT_TITLE
        )
        talk.speakers.add(speaker)

    for each in sessions.values():
        each.refresh_from_db()
    feeds = [sessions[key] for key in EXPECTED_UTC if key not in ("cancelled", "closed")]
    return SimpleNamespace(
        event=event,
        sessions=sessions,
        # Dated, published, not closed, not cancelled: in every export.
        listed=feeds,
        # In the calendars too, with STATUS:CANCELLED.
        in_calendars=[*feeds, sessions["cancelled"]],
        people=[chair, speaker],
    )


def summary(session):
    """How calendars and the feed name a session: its label, if any, then its title."""
    return f"{session.label}: {session.title}" if session.label else session.title


def utc_instants(session):
    return session.starts_at.astimezone(UTC), session.ends_at.astimezone(UTC)


def uid(session):
    return f"session-{session.pk}@{settings.CALENDAR_UID_DOMAIN}"


def frab_guid(session):
    return str(
        uuid.uuid5(uuid.NAMESPACE_URL, f"tag:{settings.CALENDAR_UID_DOMAIN}:session-{session.pk}")
    )


def served(client, url, content_type):
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"] == f"{content_type}; charset=utf-8"
    return response.content


# --- Calendar files, read three ways -------------------------------------------


@dataclass
class Entry:
    """A VEVENT as a reader gives it back."""

    uid: str
    start: datetime
    end: datetime
    summary: str
    location: str
    status: str
    description: str


def read_with_icalendar(body):
    return [
        Entry(
            uid=str(event["UID"]),
            start=event.start,
            end=event.end,
            summary=str(event["SUMMARY"]),
            location=str(event.get("LOCATION", "")),
            status=str(event.get("STATUS", "")),
            description=str(event["DESCRIPTION"]),
        )
        for event in icalendar.Calendar.from_ical(body).events
    ]


def read_with_recurring_ical_events(body):
    """The occurrences a calendar app would list for 2027."""
    calendar = icalendar.Calendar.from_ical(body)
    return [
        Entry(
            uid=str(event["UID"]),
            start=event["DTSTART"].dt,
            end=event["DTEND"].dt,
            summary=str(event["SUMMARY"]),
            location=str(event.get("LOCATION", "")),
            status=str(event.get("STATUS", "")),
            description=str(event["DESCRIPTION"]),
        )
        for event in recurring_ical_events.of(calendar).between(*WINDOW)
    ]


def vobject_calendar(body):
    # vobject keeps the first zone it met for a TZID for the rest of the process;
    # each file is read with an empty registry, as a newly started calendar app would.
    with mock.patch.object(vobject.icalendar, "__tzidMap", {"UTC": vobject.icalendar.utc}):
        return vobject.readOne(body.decode())


def read_with_vobject(body):
    calendar = vobject_calendar(body)
    return [
        Entry(
            uid=event.uid.value,
            start=event.dtstart.value,
            end=event.dtend.value,
            summary=event.summary.value,
            location=event.location.value if hasattr(event, "location") else "",
            status=event.status.value if hasattr(event, "status") else "",
            description=event.description.value,
        )
        for event in getattr(calendar, "vevent_list", [])
    ]


READERS = [read_with_icalendar, read_with_recurring_ical_events, read_with_vobject]
reader = pytest.mark.parametrize(
    "read", READERS, ids=["icalendar", "recurring-ical-events", "vobject"]
)


def assert_entry_is_the_session(entry, session):
    """The entry's instants are the session's, to the second, and its text is as stored."""
    assert entry.start.utcoffset() is not None, "a floating time is no instant"
    assert entry.end.utcoffset() is not None, "a floating time is no instant"
    assert (entry.start.astimezone(UTC), entry.end.astimezone(UTC)) == utc_instants(session), (
        session.slug
    )
    assert entry.summary == summary(session)
    assert entry.location == session.venue
    assert entry.status == ("CANCELLED" if session.cancelled else "CONFIRMED")
    lines = entry.description.splitlines()
    for slot in session.slots.all():
        assert any(line.endswith(f" {slot.title}") for line in lines), (session.slug, slot.title)


def test_the_sessions_fall_where_the_clocks_change(programme):
    """The fixture is what the module's docstring says it is."""
    found = {key: utc_instants(programme.sessions[key]) for key in EXPECTED_UTC}

    assert found == EXPECTED_UTC
    assert programme.sessions["undated"].starts_at is None


@reader
def test_event_calendar_holds_each_dated_session_once_at_its_instants(client, programme, read):
    body = served(client, event_url(programme.event, "calendar.ics"), "text/calendar")

    entries = read(body)

    assert sorted(entry.uid for entry in entries) == sorted(
        uid(session) for session in programme.in_calendars
    )
    by_uid = {entry.uid: entry for entry in entries}
    for session in programme.in_calendars:
        assert_entry_is_the_session(by_uid[uid(session)], session)


@reader
def test_each_session_calendar_file_holds_that_session_at_its_instants(client, programme, read):
    sessions = [*programme.in_calendars, programme.sessions["closed"]]

    files = {
        session.slug: served(client, ics_url(session), "text/calendar") for session in sessions
    }

    for session in sessions:
        (entry,) = read(files[session.slug])
        assert entry.uid == uid(session)
        assert_entry_is_the_session(entry, session)


@reader
def test_cancelled_session_is_cancelled_in_every_calendar(client, programme, read):
    cancelled = programme.sessions["cancelled"]
    bodies = [
        served(client, event_url(programme.event, "calendar.ics"), "text/calendar"),
        served(client, ics_url(cancelled), "text/calendar"),
    ]

    statuses = [{entry.uid: entry.status for entry in read(body)} for body in bodies]

    for status in statuses:
        assert status[uid(cancelled)] == "CANCELLED"
    assert set(statuses[0].values()) == {"CANCELLED", "CONFIRMED"}


def test_event_calendar_name_reads_back_as_stored(client, programme):
    """NAME (RFC 7986) and X-WR-CALNAME are TEXT: a comma, semicolon or backslash in
    them is escaped (RFC 5545 3.3.11), or a reader cuts the name at the first comma.

    Read with vobject: icalendar gives these two back as written, escapes and all,
    so it cannot tell an escaped name from one that is not."""
    body = served(client, event_url(programme.event, "calendar.ics"), "text/calendar")

    calendar = vobject_calendar(body)

    assert calendar.contents["name"][0].value == EVENT_TITLE
    assert calendar.contents["x-wr-calname"][0].value == EVENT_TITLE


def calendar_files(client, programme):
    """Every calendar file of the event, by name: the feed and each session's own."""
    sessions = [*programme.in_calendars, programme.sessions["closed"]]
    files = {
        "calendar.ics": served(client, event_url(programme.event, "calendar.ics"), "text/calendar")
    }
    files |= {f"{s.slug}.ics": served(client, ics_url(s), "text/calendar") for s in sessions}
    return files


def test_vtimezone_read_by_vobject_gives_each_instant_its_local_time(client, programme):
    """A calendar app that works from the file's VTIMEZONE (dateutil's reading of
    it, through vobject) shows each session's start and end at the wall time and
    offset the session has in its zone."""
    sessions = {uid(s): s for s in [*programme.in_calendars, programme.sessions["closed"]]}
    wrong = []

    for name, body in calendar_files(client, programme).items():
        calendar = vobject_calendar(body)
        # This file's own VTIMEZONE each time, never vobject's registry of zones.
        zones = {vtimezone.tzid.value: vtimezone.tzinfo for vtimezone in calendar.vtimezone_list}
        for event in calendar.vevent_list:
            session = sessions[event.uid.value]
            for what, local in (("start", session.starts_at), ("end", session.ends_at)):
                read = local.astimezone(UTC).astimezone(zones[session.time_zone])
                if (read.replace(tzinfo=None), read.utcoffset()) != (
                    local.replace(tzinfo=None),
                    local.utcoffset(),
                ):
                    wrong.append(
                        f"{name}, {session.slug} {what}: {local.astimezone(UTC):%Y-%m-%d %H:%MZ}"
                        f" is {local:%H:%M} (UTC{local:%z}) in {session.time_zone}, but the"
                        f" VTIMEZONE makes it {read:%H:%M} (UTC{read:%z})"
                    )

    assert not wrong, "\n".join(wrong)


def test_vtimezone_observances_start_when_the_clocks_change(client, programme):
    """RFC 5545 3.6.5: an observance's DTSTART is the local time before the change,
    so DTSTART minus TZOFFSETFROM is the instant the zone's offset changes, which
    the zoneinfo database knows."""
    wrong = []

    for name, body in calendar_files(client, programme).items():
        for timezone in icalendar.Calendar.from_ical(body).timezones:
            zone = ZoneInfo(timezone.tz_name)
            for observance in timezone.walk():
                if observance.name not in ("STANDARD", "DAYLIGHT"):
                    continue
                before = observance["TZOFFSETFROM"].td
                after = observance["TZOFFSETTO"].td
                onset = observance["DTSTART"].dt.replace(tzinfo=UTC) - before
                real = (
                    (onset - timedelta(seconds=1)).astimezone(zone).utcoffset(),
                    onset.astimezone(zone).utcoffset(),
                )
                if real != (before, after):
                    wrong.append(
                        f"{name}, {timezone.tz_name} {observance.name} "
                        f"DTSTART:{observance['DTSTART'].dt:%Y%m%dT%H%M%S} puts the change "
                        f"at {onset:%Y-%m-%d %H:%MZ}, where the offset goes from "
                        f"{real[0]} to {real[1]}, not from {before} to {after}"
                    )

    assert not wrong, "\n".join(wrong)


# --- The frab schedule: schedule.json and schedule.xml ---------------------------


def json_entries(data):
    return [
        (day, entry)
        for day in data["schedule"]["conference"]["days"]
        for entries in day["rooms"].values()
        for entry in entries
    ]


def test_schedule_json_is_valid_and_gives_each_listed_session_its_instants(client, programme):
    schema = json.loads((SCHEMAS / "schedule.schema.json").read_text())
    body = served(client, event_url(programme.event, "schedule.json"), "application/json")

    data = json.loads(body)

    jsonschema.validate(data, schema, cls=jsonschema.Draft6Validator)
    entries = json_entries(data)
    assert sorted(entry["guid"] for _, entry in entries) == sorted(
        frab_guid(session) for session in programme.listed
    )
    by_guid = {entry["guid"]: (day, entry) for day, entry in entries}
    for session in programme.listed:
        day, entry = by_guid[frab_guid(session)]
        start = datetime.fromisoformat(entry["date"])
        end = datetime.fromisoformat(entry["end"])
        assert (start.astimezone(UTC), end.astimezone(UTC)) == utc_instants(session), session.slug
        assert day["date"] == session.date.isoformat() == start.date().isoformat()
        assert entry["start"] == f"{session.start_time:%H:%M}" == f"{start:%H:%M}"
        assert entry["duration"] == duration(session)
        assert entry["title"] == session.title
        assert entry["room"] == session.venue
        assert {person["name"] for person in entry["persons"]} == {p.name for p in programme.people}
        assert all(slot.title in entry["description"] for slot in session.slots.all())


def test_schedule_xml_is_valid_and_gives_each_listed_session_its_instants(client, programme):
    schema = etree.XMLSchema(etree.parse(SCHEMAS / "schedule.xml.xsd"))
    body = served(client, event_url(programme.event, "schedule.xml"), "application/xml")

    document = etree.fromstring(body)

    schema.assertValid(document)
    events = document.findall("day/room/event")
    assert sorted(event.get("guid") for event in events) == sorted(
        frab_guid(session) for session in programme.listed
    )
    by_guid = {event.get("guid"): event for event in events}
    for session in programme.listed:
        event = by_guid[frab_guid(session)]
        day = event.getparent().getparent()
        start = datetime.fromisoformat(event.findtext("date"))
        hours, minutes = map(int, event.findtext("duration").split(":"))
        end = start + timedelta(hours=hours, minutes=minutes)
        assert (start.astimezone(UTC), end.astimezone(UTC)) == utc_instants(session), session.slug
        assert day.get("date") == session.date.isoformat() == start.date().isoformat()
        assert event.findtext("start") == f"{session.start_time:%H:%M}" == f"{start:%H:%M}"
        assert event.findtext("title") == session.title
        assert event.findtext("room") == session.venue
        assert {p.text for p in event.iterfind("persons/person")} == {
            p.name for p in programme.people
        }
        assert all(slot.title in event.findtext("description") for slot in session.slots.all())


def test_schedule_json_and_xml_give_the_same_instants(client, programme):
    data = json.loads(
        served(client, event_url(programme.event, "schedule.json"), "application/json")
    )
    xml = etree.fromstring(
        served(client, event_url(programme.event, "schedule.xml"), "application/xml")
    )

    from_json = {
        entry["guid"]: datetime.fromisoformat(entry["date"]).astimezone(UTC)
        for _, entry in json_entries(data)
    }
    from_xml = {
        event.get("guid"): datetime.fromisoformat(event.findtext("date")).astimezone(UTC)
        for event in xml.iterfind("day/room/event")
    }

    assert from_json == from_xml
    assert len(from_json) == len(programme.listed)


def duration(session):
    # In UTC: Python subtracts two datetimes of one tzinfo as wall times, which
    # makes 00:30 GMT to 03:30 BST three hours instead of two.
    start, end = utc_instants(session)
    minutes = int((end - start).total_seconds()) // 60
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def test_cancelled_closed_and_undated_sessions_are_not_in_the_schedules(client, programme):
    left_out = [programme.sessions[key] for key in ("cancelled", "closed", "undated")]

    data = json.loads(
        served(client, event_url(programme.event, "schedule.json"), "application/json")
    )
    xml = etree.fromstring(
        served(client, event_url(programme.event, "schedule.xml"), "application/xml")
    )

    in_json = [(entry["guid"], entry["title"], entry["url"]) for _, entry in json_entries(data)]
    in_xml = [
        (event.get("guid"), event.findtext("title"), event.findtext("url"))
        for event in xml.iterfind("day/room/event")
    ]
    for session in left_out:
        for guid, title, url in [*in_json, *in_xml]:
            assert guid != frab_guid(session)
            assert title != session.title
            assert not url.endswith(session.get_absolute_url())


@reader
def test_session_to_be_confirmed_has_no_calendar_entry_anywhere(client, programme, read):
    undated = programme.sessions["undated"]

    own_file = client.get(ics_url(undated))
    files = calendar_files(client, programme)

    assert own_file.status_code == 404
    for name, body in files.items():
        for entry in read(body):
            assert entry.uid != uid(undated), name
            assert undated.title not in entry.summary, name
            assert undated.slug not in entry.description, name


# --- The Atom feed of changes -----------------------------------------------------


def read_feed(client, programme):
    body = served(client, event_url(programme.event, "changes.atom"), "application/atom+xml")
    feed = feedparser.parse(body)
    assert feed.bozo == 0, feed.get("bozo_exception")
    return feed


def test_atom_feed_parses_and_each_change_has_a_link_and_its_time(client, programme):
    public = [session for key, session in programme.sessions.items() if key != "closed"]
    changes = AgendaChange.objects.filter(session__in=public).select_related("session")

    feed = read_feed(client, programme)

    assert feed.version == "atom10"
    assert feed.feed.title == f"{EVENT_TITLE}: changes to the programme"
    # One entry per save: changes recorded together share a batch.
    saves = {}
    for change in changes:
        key = f"changes-{change.batch}" if change.batch else f"change-{change.pk}"
        saves.setdefault(key, []).append(change)
    assert len(feed.entries) == len(saves) > 0
    by_id = {entry.id: entry for entry in feed.entries}
    for key, together in saves.items():
        entry = by_id[f"tag:{settings.CALENDAR_UID_DOMAIN},2026:{key}"]
        session = together[0].session
        assert entry.link == f"{settings.SITE_URL}{session.get_absolute_url()}#changes"
        updated = datetime(*entry.updated_parsed[:6], tzinfo=UTC)
        latest = max(change.changed_at for change in together)
        assert updated == latest.astimezone(UTC).replace(microsecond=0)
        assert entry.title.startswith(f"{summary(session)}: ")
        # The entry's text is HTML: one sentence per line, each escaped.
        sentences = [html.unescape(line) for line in entry.summary.split("<br />")]
        assert sorted(sentences) == sorted(change.description for change in together)


def test_atom_feed_says_the_session_moved_and_was_cancelled(client, programme):
    moved = programme.sessions["london_hour_after_spring"]
    cancelled = programme.sessions["cancelled"]

    feed = read_feed(client, programme)

    titles = [entry.title for entry in feed.entries]
    assert f"{moved.title}: Moved 2 hours earlier: the meeting" in titles
    assert f"{cancelled.title}: {AgendaChange.Kind.CANCELLED.label}" in titles
    assert not [title for title in titles if programme.sessions["closed"].title in title]


def test_atom_feed_names_an_author(client, programme):
    """Atom (RFC 4287 4.1.1) requires an author on the feed or on every entry."""
    feed = read_feed(client, programme)

    assert feed.feed.get("author") or all(entry.get("author") for entry in feed.entries)
