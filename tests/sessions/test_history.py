from datetime import time

import pytest

from sessions.models import AgendaSlot
from tests.helpers import agenda_rows, change_form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_with_history(demo):
    """The demo session with a history record for each slot."""
    for slot in demo.slots.all():
        slot.save()  # the loader writes in bulk; a first edit starts each slot's history
    return demo


def admin_url(session, tool=""):
    return f"/admin/agenda/session/{session.pk}/{tool}"


def test_slot_deleted_by_mistake_is_restored_whole(organiser_client, demo_with_history):
    rows = agenda_rows(demo_with_history)
    conversation = demo_with_history.slots.get(title="In-conversation between speakers")
    rows[2]["DELETE"] = "on"  # the organiser ticks "Delete" on the wrong row
    organiser_client.post(
        admin_url(demo_with_history, "change/"), change_form_data(demo_with_history, slots=rows)
    )
    assert not demo_with_history.slots.filter(pk=conversation.pk).exists()

    listing = organiser_client.get(admin_url(demo_with_history, "deleted-slots/"))
    record = listing.context["deleted"][0]
    restored = organiser_client.post(
        admin_url(demo_with_history, "deleted-slots/"),
        {"history_id": record.history_id},
        follow=True,
    )

    slot = AgendaSlot.objects.get(pk=conversation.pk)
    assert "“In-conversation between speakers” is back on the agenda." in restored.text
    assert (slot.start, slot.end) == (time(11, 45), time(12, 20))
    assert slot.description.startswith("Panellists will provide insights")
    assert [str(p) for p in slot.moderators.all()] == ["Joyce Hakmeh", "Dr Patryk Pawlak"]
    assert slot.speakers.count() == 4
    assert (
        "Restore" not in organiser_client.get(admin_url(demo_with_history, "deleted-slots/")).text
    )


def test_restoring_a_slot_whose_time_is_now_taken_is_refused(organiser_client, demo_with_history):
    qa = demo_with_history.slots.get(title="Q&A session")
    qa.delete()
    demo_with_history.slots.create(title="Longer debate", start=time(12, 20), end=time(12, 50))
    record = AgendaSlot.history.get(title="Q&A session", history_type="-")

    response = organiser_client.post(
        admin_url(demo_with_history, "deleted-slots/"),
        {"history_id": record.history_id},
        follow=True,
    )

    assert "The slot was not restored" in response.text
    assert "overlaps" in response.text
    assert not demo_with_history.slots.filter(title="Q&A session").exists()


def test_session_history_shows_who_changed_what_and_can_revert(
    organiser_client, organiser, demo_with_history
):
    data = change_form_data(demo_with_history, slots=agenda_rows(demo_with_history))
    data["venue"] = "Vienna International Centre"
    organiser_client.post(admin_url(demo_with_history, "change/"), data)

    history = organiser_client.get(admin_url(demo_with_history, "history/"))
    latest = demo_with_history.history.latest()

    assert latest.history_user == organiser
    assert latest.venue == "Vienna International Centre"
    assert latest.prev_record.venue == ""
    assert organiser.username in history.text
    revert_page = organiser_client.get(
        admin_url(demo_with_history, f"history/{latest.prev_record.history_id}/")
    )
    assert "Revert" in revert_page.text

    form = revert_page.context["adminform"].form
    data["venue"] = form.initial["venue"]
    data["opened_version"] = form.initial["opened_version"]
    organiser_client.post(
        admin_url(demo_with_history, f"history/{latest.prev_record.history_id}/"), data
    )

    demo_with_history.refresh_from_db()
    assert demo_with_history.venue == ""
