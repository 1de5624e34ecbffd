import json
import re
from datetime import UTC, date, datetime, time, timedelta
from unittest import mock

import jsonschema
import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone
from django.utils.http import http_date
from lxml import etree

from sessions.models import AgendaChange, AgendaSlot, Event, Session
from tests.factories import (
    AffiliationFactory,
    AgendaSlotFactory,
    EventFactory,
    SessionFactory,
    SessionRoleFactory,
    fill_agenda,
)
from tests.helpers import SCHEMAS, dated_session, event_url, ics_url, parse_ics

pytestmark = pytest.mark.django_db


def only_event(calendar):
    (event,) = calendar.events
    return event


def test_session_ics_has_one_event_in_its_own_zone_with_the_agenda(client):
    session = dated_session()
    AgendaSlotFactory(session=session, start=time(11, 30), end=None, title="Start of the meeting")
    AgendaSlotFactory(
        session=session, start=time(11, 30), end=time(11, 45), title="Welcome and opening remarks"
    )

    calendar = parse_ics(client.get(ics_url(session)))
    event = only_event(calendar)

    assert event["DTSTART"].params["TZID"] == "Europe/Vienna"
    assert event.start == datetime(2026, 6, 1, 11, 30, tzinfo=session.zone)
    assert event.end == datetime(2026, 6, 1, 13, 0, tzinfo=session.zone)
    assert [tz.tz_name for tz in calendar.timezones] == ["Europe/Vienna"]
    assert event["UID"] == f"session-{session.pk}@{settings.CALENDAR_UID_DOMAIN}"
    assert event["SUMMARY"] == "Session Two: International Cooperation against cybercrime"
    assert event["LOCATION"] == "Vienna International Centre"
    assert event["URL"] == f"{settings.SITE_URL}{session.get_absolute_url()}"
    assert event.DTSTAMP is not None
    assert event["STATUS"] == "CONFIRMED"
    description = str(event["DESCRIPTION"])
    assert "Agenda (times in Europe/Vienna):" in description
    assert "11:30 Start of the meeting\n11:30–11:45 Welcome and opening remarks" in description
    assert session.slug in client.get(ics_url(session))["Content-Disposition"]


def test_uid_stays_and_sequence_rises_when_the_time_or_slug_changes(client):
    session = dated_session()
    before = only_event(parse_ics(client.get(ics_url(session))))

    session.start_time = time(12, 0)
    session.slug = "renamed"
    session.save()
    after = only_event(parse_ics(client.get(ics_url(session))))

    assert after["UID"] == before["UID"]
    assert after["SEQUENCE"] > before["SEQUENCE"]
    assert after.start.time() == time(12, 0)


def test_editing_the_outline_keeps_the_sequence(client):
    session = dated_session()
    first = session.sequence

    session.outline = "New words."
    session.save()

    assert session.sequence == first


@pytest.mark.parametrize(
    ("zone", "day", "start", "end", "utc_start", "utc_end"),
    [
        # The clocks go forward at 02:00 that night: 01:30 is EST, 03:30 is EDT,
        # so the two-hour span on the wall clock lasts one hour.
        (
            "America/New_York",
            date(2026, 3, 8),
            time(1, 30),
            time(3, 30),
            datetime(2026, 3, 8, 6, 30, tzinfo=UTC),
            datetime(2026, 3, 8, 7, 30, tzinfo=UTC),
        ),
        (
            "Asia/Kolkata",
            date(2026, 6, 1),
            time(11, 30),
            time(13, 0),
            datetime(2026, 6, 1, 6, 0, tzinfo=UTC),
            datetime(2026, 6, 1, 7, 30, tzinfo=UTC),
        ),
    ],
)
def test_calendar_and_schedule_give_the_right_utc_instants(
    client, zone, day, start, end, utc_start, utc_end
):
    session = dated_session(time_zone=zone, date=day, start_time=start, end_time=end)

    event = only_event(parse_ics(client.get(ics_url(session))))
    feed_event = only_event(parse_ics(client.get(event_url(session.event, "calendar.ics"))))
    schedule = client.get(event_url(session.event, "schedule.json")).json()
    (entry,) = schedule["schedule"]["conference"]["days"][0]["rooms"]["Vienna International Centre"]

    assert event["DTSTART"].params["TZID"] == zone
    assert event.start.astimezone(UTC) == utc_start
    assert event.end.astimezone(UTC) == utc_end
    assert feed_event.start.astimezone(UTC) == utc_start
    assert datetime.fromisoformat(entry["date"]).astimezone(UTC) == utc_start
    assert datetime.fromisoformat(entry["end"]).astimezone(UTC) == utc_end
    minutes = int((utc_end - utc_start).total_seconds() // 60)
    assert entry["duration"] == f"{minutes // 60:02d}:{minutes % 60:02d}"


def test_calendar_file_puts_the_spring_change_at_the_local_time_before_it(client):
    # RFC 5545 3.6.5: DTSTART is read in TZOFFSETFROM; London's clocks go forward
    # at 01:00 GMT, so 01:30 UTC on that day is 02:30 BST.
    session = dated_session(time_zone="Europe/London", date=date(2026, 3, 29))

    response = client.get(ics_url(session))
    (zone,) = parse_ics(response).timezones

    assert "BEGIN:DAYLIGHT\r\nDTSTART:20260329T010000\r\n" in response.text
    assert zone.to_tz().utcoffset(datetime(2026, 3, 29, 2, 30)) == timedelta(hours=1)
    # Only the days of the file, and one either side.
    onsets = [o["DTSTART"].dt for o in zone.walk() if o is not zone]
    assert min(onsets) == datetime(2026, 3, 28, 0, 0)
    assert max(onsets) < datetime(2026, 3, 31)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"date": None}, "The date is not confirmed yet, so there is no calendar file."),
        (
            {"time_zone": ""},
            "The time or time zone is not confirmed yet, so there is no calendar file.",
        ),
        (
            {"start_time": None, "end_time": None},
            "The time or time zone is not confirmed yet, so there is no calendar file.",
        ),
    ],
)
def test_session_to_be_confirmed_has_no_calendar_file_and_the_page_says_why(
    client, fields, message
):
    session = dated_session(**fields)

    page = client.get(session.get_absolute_url())

    assert client.get(ics_url(session)).status_code == 404
    assert message in page.text
    assert "Add to calendar" not in page.text


def test_session_page_links_its_calendar_file(client):
    session = dated_session()

    page = client.get(session.get_absolute_url())

    assert f'<a href="{ics_url(session)}">Add to calendar</a>' in page.text


def test_event_page_offers_subscription_download_schedules_and_changes(client):
    session = dated_session()
    event = session.event

    page = client.get(event.get_absolute_url()).text

    site = settings.SITE_URL  # the site's own address, not the request's
    assert f'href="webcal://{site.split("://")[1]}/events/{event.slug}/calendar.ics"' in page
    assert f'href="{site}/events/{event.slug}/calendar.ics"' in page
    assert f'href="/events/{event.slug}/schedule.json"' in page
    assert f'href="/events/{event.slug}/schedule.xml"' in page
    assert f'href="/events/{event.slug}/changes.atom"' in page


def test_event_feed_lists_dated_sessions_and_asks_to_be_refreshed_hourly(client):
    session = dated_session()
    dated_session(event=session.event, date=None, slug="later", title="Date to come")

    response = client.get(event_url(session.event, "calendar.ics"))
    calendar = parse_ics(response)
    event = only_event(calendar)

    assert calendar["NAME"] == session.event.title
    assert calendar["X-WR-CALNAME"] == session.event.title
    assert b"REFRESH-INTERVAL;VALUE=DURATION:PT1H" in response.content
    assert b"X-PUBLISHED-TTL:PT1H" in response.content
    assert event["SUMMARY"] == str(session)
    assert event["LAST-MODIFIED"].dt == session.updated_at.replace(microsecond=0)


@pytest.mark.parametrize(
    "fields",
    [{"date": None}, {"time_zone": ""}, {"start_time": None, "end_time": None}],
)
def test_event_feed_with_nothing_dated_yet_is_still_a_valid_calendar(client, fields):
    # RFC 5545 3.6: a calendar holds at least one component.
    session = dated_session(**fields)

    response = client.get(event_url(session.event, "calendar.ics"))
    calendar = parse_ics(response)

    assert calendar.subcomponents
    assert calendar.events == []
    assert [zone.tz_name for zone in calendar.timezones] == ["UTC"]
    assert re.search(r"\r\nEND:VTIMEZONE\r\nEND:VCALENDAR\r\n$", response.text)
    assert calendar["NAME"] == session.event.title


def export_urls(event):
    return [event_url(event, name) for name in ("calendar.ics", "schedule.json", "schedule.xml")]


def test_drafts_never_appear_in_any_export(client):
    session = dated_session()
    draft = dated_session(event=session.event, published=False, slug="secret", title="Secret draft")

    bodies = [client.get(url).content for url in export_urls(session.event)]

    assert client.get(ics_url(draft)).status_code == 404
    for body in bodies:
        assert b"Secret draft" not in body
        assert str(session.title).encode() in body


def test_event_with_only_drafts_has_no_exports(client):
    draft = dated_session(published=False)

    for url in [*export_urls(draft.event), event_url(draft.event, "changes.atom")]:
        assert client.get(url).status_code == 404


def test_closed_meeting_keeps_its_calendar_file_but_stays_out_of_feeds(client):
    session = dated_session()
    closed = dated_session(
        event=session.event, allow_indexing=False, slug="closed", title="Closed meeting"
    )
    closed.start_time = time(12, 0)
    closed.save()  # a change, which the Atom feed must not show either

    bodies = [client.get(url).content for url in export_urls(session.event)]
    atom = client.get(event_url(session.event, "changes.atom")).content

    assert only_event(parse_ics(client.get(ics_url(closed))))["SUMMARY"].endswith("Closed meeting")
    for body in [*bodies, atom]:
        assert b"Closed meeting" not in body


def test_schedule_xml_is_valid_frab_and_holds_the_session(client):
    session = dated_session()
    speaker = AffiliationFactory(speaker__name="Joyce Hakmeh").speaker
    SessionRoleFactory(session=session, speaker=speaker, role="co_chair")
    schema = etree.XMLSchema(etree.parse(SCHEMAS / "schedule.xml.xsd"))

    response = client.get(event_url(session.event, "schedule.xml"))
    document = etree.fromstring(response.content)

    schema.assertValid(document)
    assert response["Content-Type"] == "application/xml; charset=utf-8"
    (event,) = document.iterfind("day/room/event")
    assert event.findtext("title") == session.title
    assert event.findtext("subtitle") == "Session Two"
    assert event.findtext("date") == "2026-06-01T11:30:00+02:00"
    assert event.findtext("start") == "11:30"
    assert event.findtext("duration") == "01:30"
    assert event.findtext("room") == "Vienna International Centre"
    assert [p.text for p in event.iterfind("persons/person")] == ["Joyce Hakmeh"]
    assert document.findtext("conference/time_zone_name") == "Europe/Vienna"


def test_schedule_json_is_valid_against_the_schema(client):
    session = dated_session()
    dated_session(event=session.event, date=date(2026, 6, 2), slug="day-two", title="Day two")
    SessionRoleFactory(session=session, speaker=AffiliationFactory().speaker)
    schema = json.loads((SCHEMAS / "schedule.schema.json").read_text())

    data = json.loads(client.get(event_url(session.event, "schedule.json")).content)

    jsonschema.validate(data, schema, cls=jsonschema.Draft6Validator)
    days = data["schedule"]["conference"]["days"]
    assert [(day["index"], day["date"]) for day in days] == [(1, "2026-06-01"), (2, "2026-06-02")]
    assert data["schedule"]["conference"]["daysCount"] == 2


def test_schedule_leaves_out_sessions_whose_date_is_to_be_confirmed(client):
    session = dated_session()
    dated_session(event=session.event, date=None, slug="tbc", title="Date to come")

    data = client.get(event_url(session.event, "schedule.json")).json()
    xml = client.get(event_url(session.event, "schedule.xml")).content

    titles = [
        entry["title"]
        for day in data["schedule"]["conference"]["days"]
        for entries in day["rooms"].values()
        for entry in entries
    ]
    assert titles == [session.title]
    assert b"Date to come" not in xml


def test_schedule_of_an_event_without_any_confirmed_date_is_not_invented(client):
    session = dated_session(date=None)

    assert client.get(event_url(session.event, "schedule.json")).status_code == 404
    assert client.get(event_url(session.event, "schedule.xml")).status_code == 404
    assert not parse_ics(client.get(event_url(session.event, "calendar.ics"))).events


def test_staff_only_slot_fields_never_appear_in_exports(client):
    session = dated_session()
    AgendaSlotFactory(
        session=session,
        start=time(11, 30),
        end=time(12, 0),
        cue="CUE-SECRET",
        tech_notes="TECH-SECRET",
        responsible="RESPONSIBLE-SECRET",
    )

    bodies = [client.get(url).content for url in [*export_urls(session.event), ics_url(session)]]

    for body in bodies:
        assert b"SECRET" not in body


@pytest.mark.parametrize("name", ["calendar.ics", "schedule.json", "schedule.xml", "changes.atom"])
def test_repeat_request_gets_304_without_a_body(client, django_assert_num_queries, name):
    session = dated_session()
    url = event_url(session.event, name)
    # Last-Modified only once the latest change is a minute old (conditional.py).
    later = timezone.now() + timedelta(minutes=5)
    with mock.patch("django.utils.timezone.now", return_value=later):
        first = client.get(url)

        with django_assert_num_queries(0):  # the page cache holds the export and its ETag
            by_etag = client.get(url, headers={"if-none-match": first["ETag"]})
        by_date = client.get(url, headers={"if-modified-since": first["Last-Modified"]})

    assert first.status_code == 200
    assert (by_etag.status_code, by_etag.content) == (304, b"")
    assert (by_date.status_code, by_date.content) == (304, b"")


def test_session_ics_answers_304_and_changes_its_etag_after_an_edit(
    client, django_capture_on_commit_callbacks
):
    session = dated_session()
    first = client.get(ics_url(session))

    repeat = client.get(ics_url(session), headers={"if-none-match": first["ETag"]})
    with django_capture_on_commit_callbacks(execute=True):
        session.venue = "Elsewhere"
        session.save()
    after_edit = client.get(ics_url(session), headers={"if-none-match": first["ETag"]})

    assert repeat.status_code == 304
    assert after_edit.status_code == 200
    assert b"LOCATION:Elsewhere" in after_edit.content


def test_removing_a_slot_changes_the_event_etag(client, django_capture_on_commit_callbacks):
    session = dated_session()
    slot = AgendaSlotFactory(session=session, start=time(11, 30), end=time(12, 0))
    url = event_url(session.event, "schedule.json")
    first = client.get(url)

    with django_capture_on_commit_callbacks(execute=True):
        slot.delete()
    later = client.get(url, headers={"if-none-match": first["ETag"]})

    assert later.status_code == 200
    assert later["ETag"] != first["ETag"]


def test_stale_if_modified_since_gets_the_full_export(client):
    session = dated_session()
    url = event_url(session.event, "calendar.ics")

    response = client.get(
        url,
        headers={
            "if-modified-since": http_date((session.updated_at - timedelta(hours=1)).timestamp())
        },
    )

    assert response.status_code == 200


def test_a_session_may_not_take_the_calendar_feeds_name():
    session = SessionFactory.build(event=EventFactory(), slug="calendar")

    with pytest.raises(ValidationError, match="calendar feed"):
        session.full_clean()


def build_event(slot_count, sessions=3):
    event = EventFactory()
    speakers = [AffiliationFactory().speaker for _ in range(3)]
    for number in range(sessions):
        session = dated_session(
            event=event,
            slug=f"session-{number}",
            date=date(2026, 6, 1 + number),
            start_time=time(0, 0),
            end_time=time(23, 59),
        )
        fill_agenda(session, slot_count, people=speakers)
        for order, speaker in enumerate(speakers):
            SessionRoleFactory(session=session, speaker=speaker, order=order)
        session.changes.create(kind="when", description="Moved.")
    return event, session


# The fingerprint; the session and its event; its slots; roles; the slot-moderator
# and slot-speaker links; the people; their affiliations.
SESSION_ICS_QUERIES = 5
# The fingerprint; the event; its sessions; then as above, for all sessions at once.
EVENT_EXPORT_QUERIES = 6
# The fingerprint; the event; the changes with their sessions and event.
ATOM_QUERIES = 3


@pytest.mark.parametrize("slot_count", [4, 50])
def test_export_query_counts_do_not_grow_with_the_agenda(
    client, django_assert_num_queries, slot_count
):
    event, session = build_event(slot_count)

    with django_assert_num_queries(SESSION_ICS_QUERIES):
        ics = client.get(ics_url(session))
    responses = {}
    for name in ("calendar.ics", "schedule.json", "schedule.xml"):
        with django_assert_num_queries(EVENT_EXPORT_QUERIES):
            responses[name] = client.get(event_url(event, name))
    with django_assert_num_queries(ATOM_QUERIES):
        atom = client.get(event_url(event, "changes.atom"))

    description = str(only_event(parse_ics(ics))["DESCRIPTION"])
    assert len(re.findall(r"^\d\d:\d\d–", description, re.MULTILINE)) == slot_count
    assert len(parse_ics(responses["calendar.ics"]).events) == 3
    assert len(etree.fromstring(responses["schedule.xml"].content).findall("day")) == 3
    assert responses["schedule.json"].json()["schedule"]["conference"]["daysCount"] == 3
    entries = etree.fromstring(atom.content).findall("{http://www.w3.org/2005/Atom}entry")
    assert len(entries) == min(3 * (slot_count + 1), 50)  # the feed shows the latest 50


# Text that a validator now refuses may already be stored (an older import, the
# shell, a migration): the exports never answer 500 on it.
# Stored text, and how a one-line property says it: a line break becomes a space,
# another control character is dropped.
ODD_TEXT = {
    "line-break": ("Civil society\nand cybercrime", "Civil society and cybercrime"),
    "crlf": ("Civil society\r\nand cybercrime", "Civil society and cybercrime"),
    "vertical-tab": ("Civil society\x0band cybercrime", "Civil society and cybercrime"),
    "null": ("Civil society \x00and cybercrime", "Civil society and cybercrime"),
    "unit-separator": ("Civil\x1f society and cybercrime", "Civil society and cybercrime"),
    "line-separator": ("Civil society\u2028and cybercrime", "Civil society and cybercrime"),
}


# PostgreSQL refuses a null character in text, so no export there can meet one.
STORABLE_ODD_TEXT = {
    name: case
    for name, case in ODD_TEXT.items()
    if not ("\x00" in case[0] and connection.vendor == "postgresql")
}


@pytest.fixture(params=STORABLE_ODD_TEXT.values(), ids=STORABLE_ODD_TEXT.keys())
def odd_session(request, db):
    """A published, dated session with a change on record, whose stored texts
    (bypassing validation) hold line breaks or control characters."""
    odd, _ = request.param
    session = dated_session()
    session.start_time = time(12, 0)
    session.save()  # a change after publication: the Atom feed has an entry
    AgendaSlotFactory(session=session, start=time(12, 0), end=time(12, 30), title="Slot")
    Event.objects.filter(pk=session.event_id).update(title=odd, description=odd)
    Session.objects.filter(pk=session.pk).update(title=odd, label=odd, venue=odd, outline=odd)
    AgendaSlot.objects.filter(session=session).update(title=odd)
    AgendaChange.objects.filter(session=session).update(description=odd)
    return session


def test_exports_never_fail_on_line_breaks_or_control_characters(client, odd_session):
    event = odd_session.event

    ics = [client.get(ics_url(odd_session)), client.get(event_url(event, "calendar.ics"))]
    xml = [client.get(event_url(event, name)) for name in ("schedule.xml", "changes.atom")]
    data = client.get(event_url(event, "schedule.json"))

    for response in [*ics, *xml, data]:
        assert response.status_code == 200
    calendar = parse_ics(ics[1])
    assert calendar["NAME"] == "Civil society and cybercrime"
    assert only_event(calendar)["SUMMARY"] == (
        "Civil society and cybercrime: Civil society and cybercrime"
    )
    assert only_event(parse_ics(ics[0]))["LOCATION"] == "Civil society and cybercrime"
    for response in xml:
        etree.fromstring(response.content)  # well-formed XML 1.0
        assert b"\x0b" not in response.content
        assert b"\x00" not in response.content
        assert b"\x1f" not in response.content
    schedule = etree.fromstring(xml[0].content)
    assert schedule.findtext("conference/title") == "Civil society and cybercrime"
    assert schedule.findtext("day/room/event/title") == "Civil society and cybercrime"
    feed = etree.fromstring(xml[1].content)
    atom = "{http://www.w3.org/2005/Atom}"
    assert feed.findtext(f"{atom}title") == "Civil society and cybercrime: changes to the programme"
    conference = json.loads(data.content)["schedule"]["conference"]
    assert conference["title"] == "Civil society and cybercrime"
    assert conference["days"][0]["rooms"]
