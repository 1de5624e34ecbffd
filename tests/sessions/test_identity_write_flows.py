"""Branding an event and uploading photos as production runs it: no test
transaction around the requests (CI runs this on PostgreSQL too)."""

import json

import pytest
from django.urls import reverse

from sessions.backup.export import event_export
from sessions.models import Event, EventPartner, Session, SessionRole
from speakers.models import Speaker
from tests.factories import EventFactory, OrganiserFactory, SessionRoleFactory, SpeakerFactory
from tests.helpers import (
    dated_session,
    event_change_data,
    image_bytes,
    import_through_admin,
    management_form,
    upload,
)

# serialized_rollback: the groups that data migrations made come back after each flush.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_an_organiser_brands_an_event_and_the_history_names_them(client):
    organiser = OrganiserFactory(username="olga")
    event = EventFactory(title="Forum", slug="forum")
    client.force_login(organiser)

    response = client.post(
        reverse("admin:agenda_event_change", args=[event.pk]),
        event_change_data(
            event,
            colour="#1F4E79",
            logo=upload(image_bytes(300, 100, alpha=0)),
            logo_alt="Example Institute",
            partners=[{"role": "organiser", "order": 0, "name": "Example Institute"}],
        ),
    )

    assert response.status_code == 302
    event.refresh_from_db()
    assert event.colour == "#1f4e79"
    assert event.logo_variants["webp"]
    latest = event.history.latest()
    assert (latest.history_user, latest.colour) == (organiser, "#1f4e79")
    assert EventPartner.history.get().history_user == organiser


def test_one_hostile_file_in_the_form_saves_nothing_of_it(client):
    client.force_login(OrganiserFactory())
    event = EventFactory(title="Forum", slug="forum")

    response = client.post(
        reverse("admin:agenda_event_change", args=[event.pk]),
        event_change_data(
            event,
            title="Forum renamed",
            colour="#1f4e79",
            logo=upload(image_bytes(300, 100)),
            logo_alt="Example Institute",
            partners=[
                {"role": "partner", "order": 0, "name": "Evil", "logo": upload(b"MZ\x90\x00")}
            ],
        ),
    )

    assert response.status_code == 200
    assert "This file is not an image that can be read" in response.text
    event.refresh_from_db()
    assert (event.title, event.colour, bool(event.logo)) == ("Forum", "", False)
    assert not EventPartner.objects.exists()


def test_a_photo_uploaded_shows_on_the_public_page_at_once(client):
    session = dated_session()
    ada = SpeakerFactory(name="Ada Lovelace", slug="ada")
    SessionRoleFactory(session=session, speaker=ada, role="speaker")
    assert "portrait initials" in client.get(session.get_absolute_url()).text  # cached now
    organiser = OrganiserFactory()
    client.force_login(organiser)

    client.post(
        reverse("admin:speakers_speaker_change", args=[ada.pk]),
        {
            "name": "Ada Lovelace",
            "slug": "ada",
            "photo": upload(image_bytes(400, 400, kind="JPEG"), name="ada.jpg"),
            **management_form("affiliations", 0, 0),
        },
    )
    client.logout()

    page = client.get(session.get_absolute_url())
    assert 'class="portrait portrait-48"' in page.text
    assert "portrait initials" not in page.text


def test_an_event_with_its_look_moves_to_another_site_through_the_admin(client):
    session = dated_session()
    event = session.event
    event.colour = "#1f4e79"
    event.logo = upload(image_bytes(300, 100, alpha=0))
    event.logo_alt = "Example Institute"
    event.save()
    ada = SpeakerFactory(slug="ada")
    ada.photo = upload(image_bytes(300, 300))
    ada.save()
    SessionRoleFactory(session=session, speaker=ada, role="speaker")
    content = json.dumps(event_export(event=event)).encode()
    for model in (SessionRole, Session, Event, Speaker):
        model.objects.all().delete()
    client.force_login(OrganiserFactory())

    import_through_admin(client, content)

    event = Event.objects.get()
    assert (event.colour, event.logo_alt) == ("#1f4e79", "Example Institute")
    assert event.logo_variants["webp"]
    assert Speaker.objects.get().photo_variants["webp"]
