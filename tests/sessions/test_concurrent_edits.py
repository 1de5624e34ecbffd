"""Two organisers editing the same session: the second save is refused, not lost."""

from datetime import time

import pytest
from django.test import Client

from tests.factories import AgendaSlotFactory, OrganiserFactory, SessionFactory
from tests.helpers import change_form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(db):
    session = SessionFactory(start_time=time(11, 30), end_time=time(13, 0), venue="Room A")
    AgendaSlotFactory(session=session, title="Welcome", start=time(11, 30), end=time(11, 45))
    return session


def organiser_browser(username):
    client = Client()
    client.force_login(OrganiserFactory(username=username))
    return client


def rows(session):
    return [
        {"start": f"{s.start:%H:%M}", "end": f"{s.end:%H:%M}", "title": s.title}
        for s in session.slots.all()
    ]


def url(session):
    return f"/admin/agenda/session/{session.pk}/change/"


def test_second_save_is_refused_and_says_who_changed_what(session):
    alice, bob = organiser_browser("alice"), organiser_browser("bob")
    alice_form = change_form_data(session, slots=rows(session))  # Alice opens the page
    bobs = change_form_data(session, slots=rows(session))  # so does Bob
    bobs["venue"] = "Room B"
    assert bob.post(url(session), bobs).status_code == 302  # Bob saves first

    alice_form["title"] = "Alice's better title"
    response = alice.post(url(session), alice_form)

    assert response.status_code == 200
    message = response.context["adminform"].form.non_field_errors()[0]
    assert message.startswith("bob saved this session at ")
    assert "changed: venue (was “Room A”, now “Room B”)" in message
    assert "Your changes have not been saved" in message
    session.refresh_from_db()
    assert session.venue == "Room B"  # Bob's change stands
    assert session.title != "Alice's better title"
    # Alice's typing is still in the form she is looking at.
    assert response.context["adminform"].form["title"].value() == "Alice's better title"


def test_a_changed_agenda_is_named_in_the_refusal(session):
    alice, bob = organiser_browser("alice"), organiser_browser("bob")
    alice_form = change_form_data(session, slots=rows(session))
    bobs_rows = rows(session)
    bobs_rows[0]["title"] = "Welcome and opening remarks"
    assert bob.post(url(session), change_form_data(session, slots=bobs_rows)).status_code == 302

    response = alice.post(url(session), alice_form)

    message = response.context["adminform"].form.non_field_errors()[0]
    assert "the agenda slots “Welcome and opening remarks”" in message
    assert session.slots.get().title == "Welcome and opening remarks"


def test_saving_again_after_reopening_works(session):
    alice, bob = organiser_browser("alice"), organiser_browser("bob")
    stale = change_form_data(session, slots=rows(session))
    bobs = change_form_data(session, slots=rows(session))
    bobs["venue"] = "Room B"
    bob.post(url(session), bobs)
    alice.post(url(session), stale)

    session.refresh_from_db()  # Alice opens the session again
    fresh = change_form_data(session, slots=rows(session))
    fresh["title"] = "Alice's better title"
    response = alice.post(url(session), fresh)

    assert response.status_code == 302
    session.refresh_from_db()
    assert (session.title, session.venue) == ("Alice's better title", "Room B")


def test_form_without_its_version_is_refused(organiser_client, session):
    data = change_form_data(session, slots=rows(session))
    del data["opened_version"]

    response = organiser_client.post(url(session), data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["opened_version"] == [
        "This field is required."
    ]


def test_a_change_form_opened_before_a_shift_cannot_write_the_old_times_back(session):
    from sessions.tools.shift import agenda_shift

    alice = organiser_browser("alice")
    alice_form = change_form_data(session, slots=rows(session))  # opened at 11:30-11:45
    agenda_shift(session=session, minutes=15)  # Bob shifts the agenda

    alice_form["outline"] = "A typo fixed."
    response = alice.post(url(session), alice_form)

    assert response.status_code == 200
    message = response.context["adminform"].form.non_field_errors()[0]
    assert "the agenda slots “Welcome”" in message
    slot = session.slots.get()
    assert (slot.start, slot.end) == (time(11, 45), time(12, 0))
