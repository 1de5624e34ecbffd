"""The JSON import as production runs it: no test transaction around the requests.

As in test_write_flows.py: each request commits or rolls back on its own, as
behind gunicorn, so the preview's rollback, the confirmation's one transaction
and the history's record of who imported are tested as users meet them (CI runs
this on PostgreSQL too).
"""

import json
from datetime import time

import pytest
from django.apps import apps

from sessions.backup.export import event_export
from sessions.models import AgendaSlot, Event, Session, SessionRole
from speakers.models import Affiliation, Organisation, Speaker
from tests.factories import (
    AffiliationFactory,
    AgendaSlotFactory,
    EventFactory,
    OrganisationFactory,
    SessionFactory,
    SessionRoleFactory,
    SpeakerFactory,
    UserFactory,
)
from tests.helpers import import_confirm, import_preview, import_through_admin

# serialized_rollback: the groups that data migrations made come back after each flush.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def every_row():
    """Rows of every model of the two apps an import writes, history included."""
    return {
        model._meta.label: model._base_manager.count()
        for label in ("agenda", "speakers")
        for model in apps.get_app_config(label).get_models()
    }


@pytest.fixture
def backup(db):
    """An event's backup (bytes), the event then deleted from this site."""
    organisation = OrganisationFactory(name="UN Office on Drugs and Crime", short_name="UNODC")
    speaker = SpeakerFactory(slug="joyce", name="Joyce Hakmeh", bio="Deputy director.")
    AffiliationFactory(speaker=speaker, organisation=organisation, position="Chief")
    event = EventFactory(slug="cybercrime", title="Civil society and cybercrime")
    session = SessionFactory(
        event=event, slug="two", title="Session Two", start_time=time(11, 30), end_time=time(13, 0)
    )
    session.publish()
    session.save()
    slot = AgendaSlotFactory(
        session=session, title="Panel", start=time(11, 45), end=time(12, 20), cue="Lights"
    )
    slot.moderators.set([speaker])
    SessionRoleFactory(session=session, speaker=speaker, shown_as=organisation)
    content = json.dumps(event_export(event=event)).encode()
    for model in (SessionRole, AgendaSlot, Session, Event, Affiliation, Speaker, Organisation):
        model.objects.all().delete()
    for model in apps.get_app_config("agenda").get_models():
        model._base_manager.all().delete()  # history and changes too: a fresh site
    for model in apps.get_app_config("speakers").get_models():
        model._base_manager.all().delete()
    return content


def test_import_through_the_admin_creates_the_rows_and_history_naming_the_user(
    organiser_client, organiser, backup
):
    page = import_preview(organiser_client, backup)
    assert page.status_code == 200
    assert every_row() == {label: 0 for label in every_row()}

    response = import_confirm(organiser_client, page)

    assert response.status_code == 302
    session = Session.objects.get()
    assert (Event.objects.get().title, session.status) == ("Civil society and cybercrime", "draft")
    slot = session.slots.get()
    assert (slot.title, slot.cue, [p.name for p in slot.moderators.all()]) == (
        "Panel",
        "Lights",
        ["Joyce Hakmeh"],
    )
    for model in (Event, Session, AgendaSlot, SessionRole, Speaker, Affiliation, Organisation):
        records = model.history.all()
        assert records.exists(), model
        assert {record.history_user for record in records} == {organiser}, model


def test_updating_through_the_admin_records_who_changed_the_event_and_the_person(
    organiser_client, organiser, backup
):
    import_through_admin(organiser_client, backup, publish=True)
    data = json.loads(backup)
    data["event"]["title"] = "Renamed series"
    data["speakers"][0]["bio"] = "Director."
    other = UserFactory(is_staff=True, is_superuser=True)
    organiser_client.force_login(other)

    response = import_through_admin(
        organiser_client, json.dumps(data).encode(), update_existing=True
    )

    assert response.status_code == 302
    assert Event.objects.get().title == "Renamed series"
    assert Speaker.objects.get().bio == "Director."
    assert Session.objects.get().is_published  # kept: not published or unpublished by the file
    assert Event.history.latest("history_date").history_user == other
    assert Speaker.history.latest("history_date").history_user == other


@pytest.mark.parametrize("why", ["bad-file", "no-permission", "event-exists", "stale"])
def test_a_refused_import_writes_nothing(organiser_client, client, backup, why):
    import_through_admin(organiser_client, backup)
    data = json.loads(backup)
    data["event"]["title"] = "Overwritten"
    options = {"update_existing": True}
    if why == "bad-file":
        data["sessions"][0]["slots"][0]["title"] = "Panel\nand more"
    elif why == "no-permission":
        organiser_client.force_login(UserFactory(is_staff=True))
    elif why == "event-exists":
        options = {}
    before = every_row()

    if why == "stale":
        page = import_preview(organiser_client, json.dumps(data).encode(), **options)
        Speaker.objects.update(bio="Changed meanwhile")
        before = every_row()
        response = import_confirm(organiser_client, page, **options)
    else:
        response = import_through_admin(organiser_client, json.dumps(data).encode(), **options)

    assert response.status_code == (403 if why == "no-permission" else 200)
    assert every_row() == before
    assert Event.objects.get().title == "Civil society and cybercrime"
