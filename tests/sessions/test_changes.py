import re
from datetime import date, time

import pytest
from django.core.management import call_command
from icalendar import Calendar
from lxml import etree

from sessions.models import AgendaChange, Session
from tests.factories import AgendaSlotFactory, SessionFactory
from tests.helpers import change_form_data, change_url, json_ld

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def published_session(**fields):
    defaults = {
        "date": date(2026, 6, 1),
        "start_time": time(11, 30),
        "end_time": time(13, 0),
        "time_zone": "Europe/Vienna",
        "venue": "Vienna International Centre",
    }
    session = SessionFactory(**(defaults | fields))
    session.publish()
    session.save()
    return session


def descriptions(session):
    return list(session.changes.order_by("changed_at", "pk").values_list("kind", "description"))


def test_edits_before_the_first_publication_are_not_recorded():
    session = SessionFactory(date=date(2026, 6, 1))
    slot = AgendaSlotFactory(session=session, start=time(9, 0), end=time(10, 0))

    session.date = date(2026, 6, 2)
    session.save()
    slot.start = time(9, 30)
    slot.save()
    slot.delete()

    assert not AgendaChange.objects.exists()


def test_moving_a_published_session_is_recorded_and_shown_with_its_time(client):
    session = published_session()

    session.date = date(2026, 6, 2)
    session.start_time = time(12, 0)
    session.save()
    page = client.get(session.get_absolute_url())

    change = session.changes.get()
    assert change.kind == AgendaChange.Kind.WHEN
    assert change.description == (
        "The meeting moved from Monday 1 June 2026, 11:30–13:00 (Europe/Vienna) "
        "to Tuesday 2 June 2026, 12:00–13:00 (Europe/Vienna)."
    )
    assert "Changes since publication" in page.text
    assert change.description in page.text
    local = change.changed_at.astimezone(session.zone)
    # To the minute, as shown: HTML allows at most three digits of a second.
    machine = local.isoformat(timespec="minutes")
    assert f'<time datetime="{machine}">{local:%-d %B %Y, %H:%M}</time>' in page.text
    assert "Times of the changes are in Europe/Vienna." in page.text


def test_setting_a_date_that_was_to_be_confirmed_is_not_a_reschedule(client):
    session = published_session(date=None)

    session.date = date(2026, 6, 1)
    session.save()
    data = json_ld(client.get(session.get_absolute_url()))

    assert session.changes.get().previous_start is None
    assert data["eventStatus"] == "https://schema.org/EventScheduled"
    assert "previousStartDate" not in data


def test_a_moved_start_makes_the_event_rescheduled_with_its_previous_start(
    client, django_capture_on_commit_callbacks
):
    session = published_session()
    untouched = json_ld(client.get(session.get_absolute_url()))

    with django_capture_on_commit_callbacks(execute=True):  # the page cache hears of it
        session.start_time = time(14, 0)
        session.end_time = time(15, 0)
        session.save()
    data = json_ld(client.get(session.get_absolute_url()))

    assert untouched["eventStatus"] == "https://schema.org/EventScheduled"
    assert data["eventStatus"] == "https://schema.org/EventRescheduled"
    assert data["previousStartDate"] == ["2026-06-01T11:30:00+02:00"]
    assert data["startDate"] == "2026-06-01T14:00:00+02:00"


def test_a_new_venue_is_recorded(client):
    session = published_session()

    session.venue = "Palais des Nations"
    session.save()

    assert descriptions(session) == [
        (
            "place",
            "The place changed from Vienna International Centre to Palais des Nations.",
        )
    ]


def test_cancelling_is_recorded_and_told_to_calendars_and_search_engines(client):
    session = published_session()
    sequence = session.sequence

    session.cancelled = True
    session.save()
    page = client.get(session.get_absolute_url())
    ics = Calendar.from_ical(client.get(f"{session.get_absolute_url()[:-1]}.ics").content)
    feed = Calendar.from_ical(client.get(f"/events/{session.event.slug}/calendar.ics").content)

    assert descriptions(session) == [("cancelled", "The meeting will not take place.")]
    assert "Cancelled: this meeting will not take place." in re.sub(r"<[^>]+>", "", page.text)
    assert json_ld(page)["eventStatus"] == "https://schema.org/EventCancelled"
    assert ics.events[0]["STATUS"] == "CANCELLED"
    assert ics.events[0]["SEQUENCE"] == sequence + 1
    assert feed.events[0]["STATUS"] == "CANCELLED"


def test_slots_added_moved_renamed_and_removed_are_recorded():
    session = published_session()

    slot = AgendaSlotFactory(session=session, start=time(11, 30), end=time(11, 45), title="Q&A")
    slot.start, slot.end = time(12, 20), time(12, 50)
    slot.save()
    slot.title = "Questions and answers"
    slot.save()
    slot.description = "Public text only."
    slot.save()
    slot.delete()

    assert descriptions(session) == [
        ("slot_added", "Added to the agenda: “Q&A” (11:30–11:45)."),
        ("slot_moved", "“Q&A” moved from 11:30–11:45 to 12:20–12:50."),
        ("slot_renamed", "“Q&A” (12:20–12:50) is now called “Questions and answers”."),
        ("slot_removed", "Removed from the agenda: “Questions and answers” (12:20–12:50)."),
    ]


def test_changes_made_in_the_admin_form_and_its_slot_inline_are_recorded(organiser_client):
    session = published_session(start_time=time(11, 30), end_time=time(13, 0))
    AgendaSlotFactory(session=session, start=time(11, 30), end=time(11, 45), title="Welcome")
    AgendaSlotFactory(session=session, start=time(11, 45), end=time(12, 20), title="Panel")
    session.changes.all().delete()
    sequence = session.sequence
    session.end_time = time(13, 30)
    data = change_form_data(
        session,
        slots=[
            {"start": "11:30", "end": "11:40", "title": "Welcome"},
            {"start": "11:45", "end": "12:20", "title": "Panel", "DELETE": "on"},
            {"start": "12:50", "end": "13:00", "title": "Closing remarks"},
        ],
    )

    response = organiser_client.post(change_url(session), data)

    assert response.status_code == 302, response.content
    session.refresh_from_db()
    assert session.sequence == sequence + 1
    assert sorted(kind for kind, _ in descriptions(session)) == [
        "slot_added",
        "slot_moved",
        "slot_removed",
        "when",
    ]


def test_deleting_a_session_records_nothing_and_leaves_no_change_behind():
    session = published_session()
    AgendaSlotFactory(session=session, start=time(11, 30), end=time(11, 45))

    session.delete()

    assert not AgendaChange.objects.exists()


def test_reloading_the_demo_records_no_change():
    call_command("load_demo", verbosity=0)

    call_command("load_demo", verbosity=0)

    assert not AgendaChange.objects.exists()
    assert Session.objects.get().slots.count() == 5


def test_atom_feed_lists_the_changes_of_listed_sessions(client):
    session = published_session(title="Open session")
    closed = published_session(event=session.event, title="Closed", allow_indexing=False)
    session.venue = "Palais des Nations"
    session.save()
    closed.venue = "Secret place"
    closed.save()

    response = client.get(f"/events/{session.event.slug}/changes.atom")
    feed = etree.fromstring(response.content)
    (entry,) = feed.findall(f"{ATOM}entry")

    assert response["Content-Type"].startswith("application/atom+xml")
    assert feed.findtext(f"{ATOM}title") == f"{session.event.title}: changes to the programme"
    assert entry.findtext(f"{ATOM}title") == "Open session: Place changed"
    assert entry.findtext(f"{ATOM}summary") == (
        "The place changed from Vienna International Centre to Palais des Nations."
    )
    assert entry.find(f"{ATOM}link").get("href").endswith(f"{session.get_absolute_url()}#changes")
    assert entry.findtext(f"{ATOM}updated")
    assert b"Secret place" not in response.content


def test_atom_feed_escapes_titles_that_look_like_html(client):
    session = published_session()

    AgendaSlotFactory(session=session, start=time(11, 30), end=None, title="<script>x</script>")
    response = client.get(f"/events/{session.event.slug}/changes.atom")

    assert b"<script>" not in response.content
    summary = etree.fromstring(response.content).findtext(f"{ATOM}entry/{ATOM}summary")
    assert summary == "Added to the agenda: “&lt;script&gt;x&lt;/script&gt;” (11:30)."


def test_shifting_a_published_agenda_is_recorded_and_raises_the_calendar_sequence():
    from sessions.tools.shift import agenda_shift

    session = published_session()
    AgendaSlotFactory(session=session, start=time(11, 30), end=time(11, 45), title="Welcome")
    session.changes.all().delete()
    sequence = Session.objects.get(pk=session.pk).sequence

    agenda_shift(session=session, minutes=15, move_session=True)

    kinds = [kind for kind, _ in descriptions(session)]
    assert "when" in kinds
    assert ("slot_moved", "“Welcome” moved from 11:30–11:45 to 11:45–12:00.") in descriptions(
        session
    )
    assert Session.objects.get(pk=session.pk).sequence > sequence


def test_pasting_over_the_agenda_records_what_was_added_and_removed():
    from sessions.tools.paste import agenda_paste

    session = published_session()
    AgendaSlotFactory(session=session, start=time(11, 30), end=time(11, 45), title="Old item")
    session.changes.all().delete()

    agenda_paste(session=session, text="11:30-11:45 New item", replace=True)

    assert descriptions(session) == [
        ("slot_removed", "Removed from the agenda: “Old item” (11:30–11:45)."),
        ("slot_added", "Added to the agenda: “New item” (11:30–11:45)."),
    ]
