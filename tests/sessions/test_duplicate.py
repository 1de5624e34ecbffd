from datetime import date, time

import pytest
from django.urls import reverse
from django.utils import timezone

from sessions.models import Session
from sessions.tools import duplicate
from tests.factories import (
    AgendaSlotFactory,
    OrganisationFactory,
    SessionFactory,
    SessionRoleFactory,
    SpeakerFactory,
)

pytestmark = pytest.mark.django_db

# Savepoint, the session, the slugs taken, the copy and its history record; slots
# and their two kinds of people read, then written; roles read, then written; the
# history of the slots, of their two kinds of people and of the roles; release.
QUERIES_TO_DUPLICATE = 18


@pytest.fixture
def session():
    session = SessionFactory(
        slug="session-two",
        title="Session Two",
        date=date(2026, 5, 12),
        start_time=time(11, 30),
        end_time=time(13, 0),
        status=Session.Status.PUBLISHED,
        published_at=timezone.now(),
        outline="The outline.",
    )
    moderator, panellist = SpeakerFactory(name="Joyce"), SpeakerFactory(name="John")
    AgendaSlotFactory(session=session, start=time(11, 30), end=None, title="Start")
    panel = AgendaSlotFactory(
        session=session,
        start=time(11, 45),
        end=time(12, 20),
        title="Panel",
        cue="Lights down",
    )
    panel.moderators.set([moderator])
    panel.speakers.set([panellist])
    SessionRoleFactory(
        session=session,
        speaker=panellist,
        shown_as=OrganisationFactory(name="UNODC"),
        contribution="will provide an overview.",
    )
    return session


def test_duplicate_copies_slots_with_their_people_and_roles(session):
    copy = duplicate.session_duplicate(session=session)

    panel = copy.slots.get(title="Panel")
    assert [(s.start, s.end, s.title) for s in copy.slots.all()] == [
        (time(11, 30), None, "Start"),
        (time(11, 45), time(12, 20), "Panel"),
    ]
    assert [p.name for p in panel.moderators.all()] == ["Joyce"]
    assert [p.name for p in panel.speakers.all()] == ["John"]
    assert panel.cue == "Lights down"
    assert [(r.speaker.name, r.shown_as.name, r.contribution) for r in copy.roles.all()] == [
        ("John", "UNODC", "will provide an overview.")
    ]
    assert session.slots.count() == 2  # the original keeps its own


def test_duplicate_is_a_draft_with_a_new_slug_and_no_date(session):
    copy = duplicate.session_duplicate(session=session)

    assert copy.pk != session.pk
    assert copy.slug == "session-two-copy"
    assert copy.status == Session.Status.DRAFT
    assert copy.published_at is None
    assert copy.date is None
    assert (copy.title, copy.outline, copy.start_time) == (
        "Session Two",
        "The outline.",
        time(11, 30),
    )


def test_each_further_duplicate_gets_the_next_free_slug(session):
    slugs = [duplicate.session_duplicate(session=session).slug for _ in range(2)]
    copy_of_copy = duplicate.session_duplicate(session=Session.objects.get(slug="session-two-copy"))

    assert slugs == ["session-two-copy", "session-two-copy-2"]
    assert copy_of_copy.slug == "session-two-copy-3"


def test_duplicate_keeps_a_long_slug_within_its_limit(session):
    session.slug = "x" * 100
    session.save()

    copy = duplicate.session_duplicate(session=session)

    assert copy.slug == "x" * 95 + "-copy"


def test_change_page_links_to_duplicate(organiser_client, session):
    response = organiser_client.get(reverse("admin:agenda_session_change", args=[session.pk]))

    assert reverse("admin:agenda_session_duplicate", args=[session.pk]) in response.text
    assert "Duplicate as draft" in response.text


def test_duplicate_button_asks_then_opens_the_copy_for_editing(organiser_client, session):
    url = reverse("admin:agenda_session_duplicate", args=[session.pk])

    page = organiser_client.get(url)
    response = organiser_client.post(url)

    copy = Session.objects.get(slug="session-two-copy")
    assert "A draft copy of “Session Two” will be made" in page.text
    assert Session.objects.count() == 2
    assert response.status_code == 302
    assert response.url == reverse("admin:agenda_session_change", args=[copy.pk])


def test_duplicate_action_on_one_session_opens_the_copy(organiser_client, session):
    changelist = reverse("admin:agenda_session_changelist")

    response = organiser_client.post(
        changelist, {"action": "duplicate", "_selected_action": [session.pk]}
    )

    copy = Session.objects.get(slug="session-two-copy")
    assert response.status_code == 302
    assert response.url == reverse("admin:agenda_session_change", args=[copy.pk])
    assert copy.slots.count() == 2


def test_duplicate_action_on_several_sessions_lists_the_copies(organiser_client, session):
    other = SessionFactory(slug="session-three", event=session.event)
    changelist = reverse("admin:agenda_session_changelist")

    response = organiser_client.post(
        changelist,
        {"action": "duplicate", "_selected_action": [session.pk, other.pk]},
        follow=True,
    )

    assert set(Session.objects.filter(slug__endswith="-copy").values_list("slug", flat=True)) == {
        "session-two-copy",
        "session-three-copy",
    }
    assert "2 draft copies made:" in response.text
    assert "session-three-copy</a>" in response.text


def test_staff_without_add_permission_cannot_duplicate(viewer_client, session):
    url = reverse("admin:agenda_session_duplicate", args=[session.pk])

    assert viewer_client.get(url).status_code == 403
    assert viewer_client.post(url).status_code == 403
    assert Session.objects.count() == 1


@pytest.mark.parametrize("slot_count", [1, 5])
def test_duplicate_takes_the_same_queries_however_long_the_agenda(
    django_assert_num_queries, slot_count
):
    session = SessionFactory(start_time=time(9, 0), end_time=time(17, 0))
    speaker = SpeakerFactory()
    for hour in range(9, 9 + slot_count):
        slot = AgendaSlotFactory(session=session, start=time(hour, 0), end=time(hour, 30))
        slot.speakers.set([speaker])
        slot.moderators.set([speaker])
    SessionRoleFactory(session=session, speaker=speaker)

    with django_assert_num_queries(QUERIES_TO_DUPLICATE):
        duplicate.session_duplicate(session=session)
