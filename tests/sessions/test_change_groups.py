"""One save, one change: what one save did to a session is told once, on the page and in the feed."""

from datetime import date, datetime, time, timedelta

import pytest
from django.core.cache import cache
from lxml import etree

from sessions.core.changes import one_change
from sessions.models import AgendaChange
from tests.factories import AgendaSlotFactory
from tests.helpers import change_form_data, change_url, dated_session

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def published_session(**fields):
    return dated_session(
        **(
            {
                "start_time": time(10, 0),
                "end_time": time(12, 0),
                "time_zone": "Europe/London",
                "venue": "",
            }
            | fields
        )
    )


def at(minutes_after_ten):
    return (datetime(2026, 6, 1, 10) + timedelta(minutes=minutes_after_ten)).time()


def with_five_items(session):
    for index in range(5):
        AgendaSlotFactory(
            session=session,
            start=at(index * 20),
            end=at(index * 20 + 15),
            title=f"Item {index + 1}",
        )
    session.changes.all().delete()
    return session


def atom_entries(client, session):
    feed = etree.fromstring(client.get(f"/events/{session.event.slug}/changes.atom").content)
    return feed.findall(f"{ATOM}entry")


def moved_half_an_hour_later(session):
    later = timedelta(minutes=30)

    def clock(value):
        return (datetime.combine(date.min, value) + later).strftime("%H:%M")

    slots = [
        {"start": clock(slot.start), "end": clock(slot.end), "title": slot.title}
        for slot in session.slots.order_by("start")
    ]
    session.start_time, session.end_time = time(10, 30), time(12, 30)
    return change_form_data(session, slots=slots)


def test_an_admin_save_that_moves_the_meeting_and_its_items_is_one_entry_and_one_line(
    organiser_client, client
):
    session = with_five_items(published_session())

    response = organiser_client.post(change_url(session), moved_half_an_hour_later(session))

    assert response.status_code == 302, response.content
    assert session.changes.count() == 6
    (entry,) = atom_entries(client, session)
    title = entry.find(f"{ATOM}title").text
    assert title.endswith("Moved 30 minutes later: the meeting and its 5 agenda items")
    text = entry.find(f"{ATOM}summary").text
    assert "The meeting moved from Monday 1 June 2026, 10:00–12:00" in text
    assert "“Item 5” moved from 11:20–11:35 to 11:50–12:05." in text
    page = client.get(session.get_absolute_url()).text
    changes = page[page.index('id="changes"') :]
    assert changes.count("<li>") == 1
    assert "Moved 30 minutes later: the meeting and its 5 agenda items." in changes


def test_saves_made_one_after_the_other_stay_separate_entries(client):
    session = published_session()

    with one_change():
        session.start_time, session.end_time = time(11, 0), time(13, 0)
        session.save()
    with one_change():
        session.venue = "Chatham House"
        session.save()

    assert len(atom_entries(client, session)) == 2


def test_changes_that_did_not_all_move_alike_are_listed_under_their_kinds(client):
    session = with_five_items(published_session())
    first, second = session.slots.order_by("start")[:2]

    with one_change():
        first.start, first.end = time(9, 50), time(10, 15)
        first.save()
        second.title = "Opening panel"
        second.save()

    (entry,) = atom_entries(client, session)
    assert entry.find(f"{ATOM}title").text.endswith("Agenda item moved; Agenda item renamed")


def test_items_moved_earlier_alone_are_counted(client):
    session = with_five_items(published_session())

    with one_change():
        for slot in session.slots.all()[:2]:
            slot.start = slot.start.replace(minute=slot.start.minute + 3)
            slot.end = slot.end.replace(minute=slot.end.minute + 3)
            slot.save()

    (entry,) = atom_entries(client, session)
    assert entry.find(f"{ATOM}title").text.endswith("Moved 3 minutes later: 2 agenda items")


def test_a_meeting_moved_to_the_next_day_says_a_day(client):
    session = published_session()

    session.date = date(2026, 6, 2)
    session.save()

    change = session.changes.get()
    assert change.kind == AgendaChange.Kind.WHEN
    (entry,) = atom_entries(client, session)
    assert entry.find(f"{ATOM}title").text.endswith("Moved 1 day later: the meeting")


def test_a_change_recorded_alone_keeps_the_identifier_its_entry_always_had(client, settings):
    session = published_session()
    session.venue = "Chatham House"
    session.save()
    change = session.changes.get()

    (entry,) = atom_entries(client, session)

    assert entry.find(f"{ATOM}id").text == (
        f"tag:{settings.CALENDAR_UID_DOMAIN},2026:change-{change.pk}"
    )


@pytest.mark.parametrize(
    ("before", "after", "sentence"),
    [
        ({}, {"venue": "Chatham House"}, "The place is confirmed: Chatham House."),
        (
            {"venue": "Chatham House"},
            {"venue": ""},
            "The place is to be confirmed again (it was Chatham House).",
        ),
        (
            {"venue": "Chatham House"},
            {"venue": "Europa Building", "city": "Brussels"},
            "The place changed from Chatham House to Europa Building, Brussels.",
        ),
        ({}, {"online_url": "https://meet.example.org/x"}, "The place is confirmed: online."),
        (
            {"venue": "Chatham House"},
            {"venue": "Chatham House", "street_address": "10 St James's Square"},
            "The place changed from Chatham House to Chatham House, 10 St James's Square.",
        ),
    ],
)
def test_a_change_of_place_reads_well_whatever_was_known(before, after, sentence):
    session = published_session(**before)

    for name, value in after.items():
        setattr(session, name, value)
    session.save()

    assert session.changes.get().description == sentence


def test_a_corrected_position_alone_tells_calendars_but_records_no_sentence():
    session = published_session(venue="Chatham House")
    sequence = session.sequence

    session.latitude, session.longitude = 51.507431, -0.135120
    session.save()

    session.refresh_from_db()
    assert session.sequence == sequence + 1
    assert not session.changes.exists()


@pytest.mark.parametrize(
    ("organiser", "author"), [("Chatham House", "Chatham House"), ("", "Events Office")]
)
def test_the_feed_names_its_author_the_organiser_or_else_the_site(
    client, settings, organiser, author
):
    settings.SITE_NAME = "Events Office"
    session = published_session()
    session.event.organiser = organiser
    session.event.save()

    feed = etree.fromstring(client.get(f"/events/{session.event.slug}/changes.atom").content)

    assert feed.find(f"{ATOM}author/{ATOM}name").text == author


def test_what_one_save_changed_outside_a_request_is_still_one_entry(client):
    session = published_session()

    session.start_time, session.end_time = time(11, 0), time(13, 0)
    session.venue = "Chatham House"
    session.save()

    (entry,) = atom_entries(client, session)
    assert entry.find(f"{ATOM}title").text.endswith("Date or time changed; Place changed")


def test_a_feed_with_no_entry_yet_is_dated_by_the_event_and_the_same_on_every_fetch(client):
    session = published_session()
    url = f"/events/{session.event.slug}/changes.atom"

    first = client.get(url).content
    cache.clear()
    again = client.get(url).content

    feed = etree.fromstring(first)
    assert feed.findall(f"{ATOM}entry") == []
    updated = datetime.fromisoformat(feed.find(f"{ATOM}updated").text)
    assert updated == session.event.updated_at
    assert first == again


def test_one_request_that_changes_two_sessions_makes_an_entry_for_each_with_its_own_id(client):
    first = published_session()
    second = published_session(event=first.event)

    with one_change():
        for session in (first, second):
            session.venue = "Chatham House"
            session.save()

    feed = etree.fromstring(client.get(f"/events/{first.event.slug}/changes.atom").content)
    ids = [entry.find(f"{ATOM}id").text for entry in feed.findall(f"{ATOM}entry")]
    assert len(ids) == len(set(ids)) == 2


def test_one_save_of_an_item_that_moved_and_was_renamed_outside_a_request_is_one_entry(client):
    session = with_five_items(published_session())
    item = session.slots.order_by("start").first()

    item.start, item.end = at(5), at(20)
    item.title = "Opening words"
    item.save()

    (entry,) = atom_entries(client, session)
    assert entry.find(f"{ATOM}title").text.endswith("Agenda item moved; Agenda item renamed")
