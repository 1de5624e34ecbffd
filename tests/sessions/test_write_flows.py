"""The organisers' writes as production runs them: no test transaction around them.

Each test here runs with `transaction=True`: every request commits or rolls back
on its own, as behind gunicorn, so `select_for_update()` outside a transaction,
or a write that leaves no history, fails here on PostgreSQL as it would for a
user (CI runs the suite on SQLite and on PostgreSQL). Every write an organiser
can make in the admin must leave a history record that names them.
"""

from datetime import date, time

import pytest
from django.urls import reverse

from sessions.models import AgendaSlot, Session, SessionRole
from tests.factories import AgendaSlotFactory, SessionFactory, SessionRoleFactory, SpeakerFactory
from tests.helpers import agenda_rows, change_form_data, change_url, confirm_tool

# serialized_rollback: the groups that data migrations made come back after each flush.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def tool_url(session, tool):
    return reverse(f"admin:agenda_session_{tool}", args=[session.pk])


@pytest.fixture
def session(db):
    session = SessionFactory(
        title="Session Two",
        start_time=time(11, 30),
        end_time=time(13, 0),
        status=Session.Status.DRAFT,
    )
    chair, panellist = SpeakerFactory(name="Joyce Hakmeh"), SpeakerFactory(name="John Brandolino")
    welcome = AgendaSlotFactory(
        session=session, title="Welcome", start=time(11, 30), end=time(11, 45)
    )
    panel = AgendaSlotFactory(session=session, title="Panel", start=time(11, 45), end=time(12, 20))
    welcome.speakers.set([chair])
    panel.moderators.set([chair])
    panel.speakers.set([panellist])
    SessionRoleFactory(session=session, speaker=panellist)
    return session


def latest_user(queryset):
    return queryset.latest("history_date").history_user


def test_saving_the_change_form_records_who_saved_the_session_and_its_slots(
    organiser_client, organiser, session
):
    rows = agenda_rows(session)
    rows[1]["title"] = "Panel discussion"

    response = organiser_client.post(change_url(session), change_form_data(session, slots=rows))

    assert response.status_code == 302
    panel = session.slots.get(title="Panel discussion")
    assert latest_user(session.history) == organiser
    assert latest_user(panel.history) == organiser


def test_reverting_from_the_history_saves_and_records_who_reverted(
    organiser_client, organiser, session
):
    data = change_form_data(session, slots=agenda_rows(session))
    data["venue"] = "Vienna International Centre"
    organiser_client.post(change_url(session), data)
    before = session.history.filter(venue="").latest("history_date")
    url = reverse("admin:agenda_session_simple_history", args=[session.pk, before.history_id])
    form = organiser_client.get(url).context["adminform"].form

    data["venue"] = form.initial["venue"]
    data["opened_version"] = form.initial["opened_version"]
    response = organiser_client.post(url, data)

    assert response.status_code == 302
    session.refresh_from_db()
    assert session.venue == ""
    assert latest_user(session.history) == organiser


@pytest.mark.parametrize(("action", "status"), [("publish", "draft"), ("unpublish", "published")])
def test_publish_and_unpublish_actions_record_who_did_it(
    organiser_client, organiser, session, action, status
):
    Session.objects.filter(pk=session.pk).update(status=status)

    response = organiser_client.post(
        reverse("admin:agenda_session_changelist"),
        {"action": action, "_selected_action": [session.pk]},
    )

    assert response.status_code == 302
    session.refresh_from_db()
    assert session.status != status
    record = session.history.latest("history_date")
    assert (record.history_user, record.status) == (organiser, session.status)


@pytest.mark.parametrize("how", ["action", "tool"])
def test_duplicate_records_who_made_the_copy_its_slots_and_roles(
    organiser_client, organiser, session, how
):
    if how == "action":
        organiser_client.post(
            reverse("admin:agenda_session_changelist"),
            {"action": "duplicate", "_selected_action": [session.pk]},
        )
    else:
        organiser_client.post(tool_url(session, "duplicate"))

    copy = Session.objects.exclude(pk=session.pk).get()
    assert latest_user(copy.history) == organiser
    for slot in copy.slots.all():
        assert latest_user(slot.history) == organiser
    for role in copy.roles.all():
        assert latest_user(SessionRole.history.filter(id=role.pk)) == organiser


def test_a_slot_of_a_duplicated_session_deleted_by_mistake_comes_back_with_its_people(
    organiser_client, organiser, session
):
    organiser_client.post(tool_url(session, "duplicate"))
    copy = Session.objects.exclude(pk=session.pk).get()
    panel = copy.slots.get(title="Panel")
    rows = agenda_rows(copy)
    rows[1]["DELETE"] = "on"
    organiser_client.post(change_url(copy), change_form_data(copy, slots=rows))
    assert not copy.slots.filter(title="Panel").exists()
    record = AgendaSlot.history.get(id=panel.pk, history_type="-")

    response = organiser_client.post(
        tool_url(copy, "deleted_slots"), {"history_id": record.history_id}
    )

    assert response.status_code == 302
    restored = copy.slots.get(title="Panel")
    assert [p.name for p in restored.moderators.all()] == ["Joyce Hakmeh"]
    assert [p.name for p in restored.speakers.all()] == ["John Brandolino"]
    assert latest_user(restored.history) == organiser


def test_shift_records_who_moved_each_slot(organiser_client, organiser, session):
    response = confirm_tool(organiser_client, tool_url(session, "shift_agenda"), {"minutes": 10})

    assert response.status_code == 302
    for slot in session.slots.all():
        assert slot.start.minute in (40, 55)
        assert latest_user(slot.history) == organiser
    assert latest_user(session.history) == organiser


def test_paste_records_who_added_each_slot(organiser_client, organiser, session):
    text = "12:20-12:50 Q&A\n12:50-13:00 Closing remarks"

    response = confirm_tool(
        organiser_client, tool_url(session, "paste_agenda"), {"text": text, "mode": "add"}
    )

    assert response.status_code == 302
    for title in ("Q&A", "Closing remarks"):
        assert latest_user(session.slots.get(title=title).history) == organiser


def test_paste_links_matched_people_and_records_them_in_each_slots_history(
    organiser_client, organiser, session
):
    text = (
        "12:20-12:50 Q&A with JOHN BRANDOLINO (UNODC) and Ann Other (ACME)\n"
        "12:50-13:00 Closing remarks. Chair: Dr Joyce Hakmeh"
    )

    response = confirm_tool(
        organiser_client, tool_url(session, "paste_agenda"), {"text": text, "mode": "add"}
    )

    assert response.status_code == 302
    qa = session.slots.get(start=time(12, 20))
    closing = session.slots.get(start=time(12, 50))
    assert (qa.title, qa.kind) == ("Q&A with Ann Other (ACME)", "qa")
    assert [p.name for p in qa.speakers.all()] == ["John Brandolino"]
    assert (closing.title, closing.kind) == ("Closing remarks", "closing")
    assert [p.name for p in closing.moderators.all()] == ["Joyce Hakmeh"]
    # The newest history record of each slot holds its people and names the organiser.
    for slot, relation in ((qa, "speakers"), (closing, "moderators")):
        record = slot.history.latest("history_date")
        assert record.history_user == organiser
        linked = [link.speaker.name for link in getattr(record, relation).all()]
        assert linked == [p.name for p in getattr(slot, relation).all()]


def test_an_admin_save_that_moves_and_renames_commits_one_change_and_a_lasting_old_address(
    organiser_client, session, client
):
    session.date = date(2027, 6, 1)
    session.time_zone = "Europe/London"
    session.publish()
    session.save()
    old_address = session.get_absolute_url()
    rows = agenda_rows(session)
    for row, (start, end) in zip(rows, [("12:00", "12:15"), ("12:15", "12:50")], strict=True):
        row["start"], row["end"] = start, end
    session.start_time, session.end_time = time(12, 0), time(13, 30)
    data = change_form_data(session, slots=rows) | {"slug": "session-two-renamed"}

    response = organiser_client.post(change_url(session), data)

    assert response.status_code == 302, response.content
    assert session.changes.count() == 3
    assert len({change.batch for change in session.changes.all()}) == 1
    client.logout()
    moved = client.get(old_address)
    assert moved.status_code == 301
    assert moved["Location"] == f"/events/{session.event.slug}/session-two-renamed/"
    page = client.get(moved["Location"]).text
    assert "Moved 30 minutes later: the meeting and its 2 agenda items." in page
