"""Permanent links: after a slug changes, every old address leads to the new one, for good."""

from datetime import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sessions.models import Event
from tests.factories import EventFactory
from tests.helpers import change_form_data, change_url, dated_session

pytestmark = pytest.mark.django_db


def published(**fields):
    return dated_session(**({"start_time": time(10, 0), "end_time": time(12, 0)} | fields))


def addresses(event_slug, session_slug):
    base = f"/events/{event_slug}/"
    return {
        "event page": base,
        "session page": f"{base}{session_slug}/",
        "session calendar": f"{base}{session_slug}.ics",
        "event calendar": f"{base}calendar.ics",
        "schedule.json": f"{base}schedule.json",
        "schedule.xml": f"{base}schedule.xml",
        "changes feed": f"{base}changes.atom",
    }


def test_after_renaming_the_event_and_the_session_every_old_address_answers_301_to_the_new(
    client,
):
    session = published(slug="opening")
    event = session.event
    old = addresses(event.slug, "opening")

    event.slug = "cybercrime-2026"
    event.save()
    session.slug = "opening-session"
    session.save()

    new = addresses("cybercrime-2026", "opening-session")
    for name, address in old.items():
        response = client.get(address)
        assert response.status_code == 301, name
        assert response["Location"] == new[name], name
        assert client.get(new[name]).status_code == 200, name


def test_a_chain_of_renames_leads_straight_to_the_latest_and_keeps_the_query(client):
    session = published(slug="first")
    event = session.event
    for slug in ("second", "third"):
        session.slug = slug
        session.save()

    response = client.get(f"/events/{event.slug}/first/?utm_source=mail")

    assert response.status_code == 301
    assert response["Location"] == f"/events/{event.slug}/third/?utm_source=mail"


def test_a_renamed_session_through_the_admin_keeps_its_old_address(organiser_client, client):
    session = published(slug="old-name")
    data = change_form_data(session)
    data["slug"] = "new-name"

    assert organiser_client.post(change_url(session), data).status_code == 302

    response = client.get(f"/events/{session.event.slug}/old-name.ics")
    assert response.status_code == 301
    assert response["Location"] == f"/events/{session.event.slug}/new-name.ics"


def test_a_session_moved_to_another_event_is_found_from_its_old_event(client):
    session = published(slug="panel")
    old_event = session.event
    session.event = EventFactory(slug="second-event")
    session.save()

    response = client.get(f"/events/{old_event.slug}/panel/")

    assert response.status_code == 301
    assert response["Location"] == "/events/second-event/panel/"


def test_the_current_slug_wins_over_a_former_one(client):
    session = published()
    renamed = session.event
    old_slug = renamed.slug
    renamed.slug = "renamed"
    renamed.save()
    newcomer = published(event=EventFactory(slug=old_slug)).event

    response = client.get(f"/events/{old_slug}/")

    assert response.status_code == 200
    assert response.context["event"] == newcomer


def test_an_old_address_does_not_reveal_where_a_draft_went(client):
    session = published(slug="secret-old")
    session.status = session.Status.DRAFT
    session.slug = "secret-new"
    session.save()

    response = client.get(f"/events/{session.event.slug}/secret-old/")

    assert response.status_code == 404
    assert "secret-new" not in response.text


def test_an_address_that_never_existed_is_still_404(client):
    session = published()

    assert client.get(f"/events/{session.event.slug}/no-such-session/").status_code == 404
    assert client.get("/events/no-such-event/").status_code == 404


def test_a_slug_given_up_twice_leads_to_the_event_that_gave_it_up_last(client):
    first, second = published().event, published().event
    first.slug, second.slug = "shared", "second"
    first.save()
    second.save()
    first.slug = "first-renamed"
    first.save()
    second.slug = "shared"
    second.save()
    second.slug = "second-renamed"
    second.save()

    response = client.get("/events/shared/")

    assert response.status_code == 301
    assert response["Location"] == "/events/second-renamed/"
    assert Event.objects.count() == 2


def test_a_session_moved_out_of_an_event_that_is_then_deleted_keeps_its_old_address(client):
    session = published(slug="panel")
    old_event = session.event
    old_address = f"/events/{old_event.slug}/panel/"
    session.event = EventFactory(slug="new-home")
    session.save()

    old_event.delete()

    response = client.get(old_address)
    assert response.status_code == 301
    assert response["Location"] == "/events/new-home/panel/"


def test_a_session_renamed_before_its_event_was_renamed_is_found_under_either_old_name(client):
    session = published(slug="first-name")
    event = session.event
    old_event_slug = event.slug
    session.slug = "second-name"
    session.save()
    event.slug = "renamed-event"
    event.save()

    for address in (f"/events/{old_event_slug}/first-name/", "/events/renamed-event/first-name/"):
        response = client.get(address)
        assert response.status_code == 301, address
        assert response["Location"] == "/events/renamed-event/second-name/", address


def test_a_session_save_reads_its_stored_row_once_for_its_changes_and_its_old_address():
    session = published(slug="before")
    session.slug, session.venue = "after", "Chatham House"

    with CaptureQueriesContext(connection) as queries:
        session.save()

    reads = [
        q["sql"]
        for q in queries
        if q["sql"].startswith("SELECT") and 'FROM "agenda_session"' in q["sql"]
    ]
    assert len(reads) == 1
    assert session.former_slugs.get().slug == "before"
    assert session.changes.get().kind == "place"
