from datetime import UTC, date, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from sessions.core import rules
from sessions.core.agenda import _AgendaParts, _one_session_queries, build_agenda
from sessions.models import AgendaSlot, Session
from speakers.models import Speaker
from tests.factories import (
    AgendaSlotFactory,
    EventFactory,
    SessionFactory,
    SessionRoleFactory,
    SpeakerFactory,
)

pytestmark = pytest.mark.django_db


def test_slot_rejects_end_before_start_in_the_database():
    session = SessionFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        AgendaSlot.objects.create(session=session, start=time(12, 0), end=time(11, 0), title="x")


def test_slot_rejects_end_equal_to_start_with_a_clear_message():
    slot = AgendaSlotFactory.build(session=SessionFactory(), start=time(12, 0), end=time(12, 0))

    with pytest.raises(ValidationError) as error:
        slot.full_clean()

    assert "A slot must end after it starts." in error.value.messages


def test_milestone_slot_needs_no_end():
    slot = AgendaSlotFactory(start=time(11, 30), end=None)

    assert slot.is_milestone


def test_session_rejects_end_before_start_and_a_lone_time():
    with pytest.raises(ValidationError) as error:
        SessionFactory.build(
            event=EventFactory(), start_time=time(13, 0), end_time=time(11, 30)
        ).full_clean()
    assert "The session must end after it starts." in error.value.messages

    with pytest.raises(ValidationError) as error:
        SessionFactory.build(
            event=EventFactory(), start_time=time(13, 0), end_time=None
        ).full_clean()
    assert "Give both a start and an end time, or neither." in error.value.messages


def test_session_rejects_minimum_audience_above_maximum():
    session = SessionFactory.build(event=EventFactory(), capacity_min=30, capacity_max=25)

    with pytest.raises(ValidationError) as error:
        session.full_clean()

    assert "The minimum number of participants is above the maximum." in error.value.messages


def test_session_slug_is_unique_within_its_event_only():
    first = SessionFactory(slug="session-two")
    SessionFactory(slug="session-two")  # another event: fine

    duplicate = SessionFactory.build(event=first.event, slug="session-two")
    with pytest.raises(ValidationError) as error:
        duplicate.full_clean()
    assert "Another session of this event already uses this slug." in error.value.messages

    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


def test_session_rejects_unknown_time_zone():
    session = SessionFactory.build(event=EventFactory(), time_zone="Mars/Olympus_Mons")

    with pytest.raises(ValidationError) as error:
        session.full_clean()

    assert "time_zone" in error.value.message_dict


def test_session_rejects_a_time_skipped_by_the_clocks_going_forward():
    # In New York the clocks jumped from 02:00 to 03:00 on 8 March 2026.
    session = SessionFactory.build(
        event=EventFactory(),
        date=date(2026, 3, 8),
        time_zone="America/New_York",
        start_time=time(2, 30),
        end_time=time(4, 0),
    )

    with pytest.raises(ValidationError) as error:
        session.full_clean()

    assert "does not exist" in error.value.message_dict["start_time"][0]


def test_session_start_is_aware_in_its_own_zone_and_unknown_while_date_is_open():
    session = SessionFactory.build(
        date=date(2026, 6, 1), time_zone="Asia/Kolkata", start_time=time(11, 30)
    )
    assert session.starts_at.isoformat() == "2026-06-01T11:30:00+05:30"

    session.date = None
    assert session.starts_at is None


def test_speaker_in_a_session_cannot_be_deleted():
    role = SessionRoleFactory()

    with pytest.raises(ProtectedError):
        role.speaker.delete()


def test_speaker_slug_is_unique():
    SpeakerFactory(slug="ada")

    with pytest.raises(IntegrityError), transaction.atomic():
        SpeakerFactory(slug="ada")


def test_check_agenda_names_overlapping_slots():
    session = SessionFactory(start_time=time(11, 30), end_time=time(13, 0))
    AgendaSlotFactory(session=session, title="Welcome", start=time(11, 30), end=time(11, 45))
    AgendaSlotFactory(session=session, title="Panel", start=time(11, 40), end=time(12, 20))

    with pytest.raises(ValidationError) as error:
        session.check_agenda()

    assert error.value.messages == ["“Welcome” (11:30–11:45) overlaps “Panel” (11:40–12:20)."]


def test_check_agenda_names_a_slot_outside_the_session():
    session = SessionFactory(start_time=time(11, 30), end_time=time(13, 0))
    AgendaSlotFactory(session=session, title="Drinks", start=time(12, 50), end=time(13, 30))

    with pytest.raises(ValidationError) as error:
        session.check_agenda()

    assert error.value.messages == [
        "“Drinks” (12:50–13:30) lies outside the session, which runs 11:30–13:00."
    ]


def test_milestones_and_touching_slots_are_not_overlaps():
    slots = [
        rules.SlotTimes("Start of the meeting", time(11, 30), None),
        rules.SlotTimes("Welcome", time(11, 30), time(11, 45)),
        rules.SlotTimes("Panel", time(11, 45), time(12, 20)),
    ]

    assert rules.agenda_problems(slots, time(11, 30), time(13, 0)) == []


def test_overlap_is_found_between_slots_that_are_not_neighbours():
    long_slot = rules.SlotTimes("Long", time(9, 0), time(12, 0))
    slots = [
        long_slot,
        rules.SlotTimes("A", time(9, 30), time(10, 0)),
        rules.SlotTimes("B", time(11, 0), time(11, 30)),
    ]

    problems = rules.agenda_problems(slots)

    assert [tuple(s.title for s in p.slots) for p in problems] == [("Long", "A"), ("Long", "B")]


def test_publish_stamps_the_first_publication_only():
    session = SessionFactory()
    session.publish()
    first = session.published_at
    session.status = Session.Status.DRAFT
    session.publish()

    assert session.is_published
    assert session.published_at == first


def test_full_clean_names_an_unknown_time_zone_instead_of_crashing(db):
    session = SessionFactory.build(
        event=EventFactory(), date=date(2026, 3, 29), time_zone="Mars/Olympus"
    )

    with pytest.raises(ValidationError) as caught:
        session.full_clean()

    assert list(caught.value.message_dict) == ["time_zone"]


@pytest.mark.parametrize(
    ("day", "start", "end", "hours"),
    [
        (date(2027, 3, 28), time(0, 30), time(3, 30), 2),  # spring: an hour goes missing
        (date(2027, 10, 31), time(0, 30), time(3, 30), 4),  # autumn: an hour comes twice
        (date(2027, 6, 1), time(0, 30), time(3, 30), 3),
    ],
)
def test_lengths_on_the_night_the_clocks_change_are_the_time_that_passes(day, start, end, hours):
    session = SessionFactory(date=day, start_time=start, end_time=end, time_zone="Europe/London")
    AgendaSlotFactory(session=session, start=start, end=time(0, 45))
    AgendaSlotFactory(session=session, start=time(2, 30), end=end)

    agenda = build_agenda(session)

    assert agenda.total == timedelta(hours=hours)
    first, second = agenda.items
    assert first.duration + second.gap_before + second.duration == timedelta(hours=hours)
    # (Subtracting two datetimes in one zone would give wall-clock time: UTC first.)
    assert second.elapsed == second.starts_at.astimezone(UTC) - first.starts_at.astimezone(UTC)


def test_an_item_in_the_hour_the_clocks_skip_keeps_its_wall_clock_length():
    session = SessionFactory(
        date=date(2026, 3, 29),
        start_time=time(0, 0),
        end_time=time(4, 0),
        time_zone="Europe/London",
    )
    AgendaSlotFactory(session=session, start=time(0, 0), end=time(1, 45))
    AgendaSlotFactory(session=session, start=time(1, 45), end=time(2, 15))

    _, second = build_agenda(session).items

    assert second.duration == timedelta(minutes=30)
    assert second.elapsed >= timedelta(0)


def test_someone_deleted_while_a_page_reads_its_agenda_is_left_out_not_an_error():
    # The page's queries each see what was committed when they ran: the slots and
    # roles can name a person whom the people's query, a moment later, no longer finds.
    session = SessionFactory()
    stays, leaves = SpeakerFactory(name="Ada Stays"), SpeakerFactory(name="Bo Leaves")
    slot = AgendaSlotFactory(session=session, start=time(10), end=time(11))
    slot.speakers.add(stays, leaves)
    slot.moderators.add(leaves)
    SessionRoleFactory(session=session, speaker=leaves, role="speaker")
    slots, roles, people = _one_session_queries(False)
    read_slots, read_roles = slots(session=session.pk), roles(session=session.pk)

    leaves.session_roles.all().delete()  # a person with a role is protected: the role goes first
    leaves.delete()
    found = Speaker.objects.from_joined_rows(people(session=session.pk))
    agenda = _AgendaParts(read_slots, read_roles, found).shape(session)

    assert agenda.items[0].speakers == [stays]
    assert agenda.items[0].moderators == []
    assert agenda.speakers == []
