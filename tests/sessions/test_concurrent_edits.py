"""Two organisers editing the same session: the second save is refused, not lost."""

import contextlib
import threading
from datetime import time

import pytest
from django.db import connection
from django.test import Client

from sessions import admin_forms
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
    assert "changed: venue name (was “Room A”, now “Room B”)" in message
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


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_saves_at_the_same_moment_one_is_refused(monkeypatch):
    """Two organisers press Save together on forms opened at the same version.

    Each request runs in its own thread with its own database connection, as two
    gunicorn workers would. The first to check the version holds the session's row
    (SELECT ... FOR UPDATE on PostgreSQL, the write lock of an IMMEDIATE transaction
    on SQLite) until it commits, so the second checks after that and is refused;
    without the lock both would pass the check and the second would overwrite the
    first. A pause after the check keeps the window open long enough to matter.
    """
    session = SessionFactory(start_time=time(11, 30), end_time=time(13, 0), venue="Room A")
    AgendaSlotFactory(session=session, title="Welcome", start=time(11, 30), end=time(11, 45))
    alice, bob = organiser_browser("alice"), organiser_browser("bob")
    forms = {}
    for name, venue in (("alice", "Room B"), ("bob", "Room C")):
        forms[name] = change_form_data(session, slots=rows(session))
        forms[name]["venue"] = venue

    checked = threading.Barrier(2, timeout=10)
    check = admin_forms.session_edit_conflict

    def slow_check(**kwargs):
        verdict = check(**kwargs)
        with contextlib.suppress(threading.BrokenBarrierError):
            checked.wait(timeout=1)  # reached by both only if nothing serialises them
        return verdict

    monkeypatch.setattr(admin_forms, "session_edit_conflict", slow_check)
    responses = {}

    def save(name, browser):
        try:
            responses[name] = browser.post(url(session), forms[name])
        finally:
            connection.close()  # this thread's own connection

    threads = [
        threading.Thread(target=save, args=("alice", alice)),
        threading.Thread(target=save, args=("bob", bob)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    codes = sorted(response.status_code for response in responses.values())
    assert codes == [200, 302]
    refused = next(r for r in responses.values() if r.status_code == 200)
    assert "while you were editing it" in refused.context["adminform"].form.non_field_errors()[0]
    winner = next(name for name, r in responses.items() if r.status_code == 302)
    session.refresh_from_db()
    assert session.venue == forms[winner]["venue"]
