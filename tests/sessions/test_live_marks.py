"""Marking a meeting as it runs (sessions/live/marks.py): marks, undo, history, and
two staff at the same moment."""

import threading
from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from sessions.live.expected import Marked
from sessions.live.marks import mark, marks_from_text, marks_of, standing_marks_text, undo
from sessions.models import LiveMark, Session
from tests.factories import AgendaSlotFactory, EventStaffFactory, SessionFactory

pytestmark = pytest.mark.django_db

STARTED, ENDED, SKIPPED = LiveMark.Kind.STARTED, LiveMark.Kind.ENDED, LiveMark.Kind.SKIPPED


@pytest.fixture
def slot():
    session = SessionFactory(
        date=date.today(), time_zone="UTC", start_time=time(0), end_time=time(23)
    )
    return AgendaSlotFactory(session=session, start=time(0, 30), end=time(1))


def test_a_mark_is_kept_with_who_made_it_and_when(slot):
    staff = EventStaffFactory()
    typed = timezone.now() - timedelta(minutes=7)  # marked late, with the time typed

    made = mark(slot, STARTED, by=staff, at=typed)

    assert made.created
    stored = LiveMark.objects.get()
    assert (stored.slot, stored.kind, stored.at, stored.made_by) == (slot, STARTED, typed, staff)
    assert timezone.now() - stored.made_at < timedelta(minutes=1)
    assert marks_of(slot.session) == {slot.pk: Marked(started_at=typed)}


def test_marking_again_changes_nothing(slot):
    first = mark(slot, STARTED, by=EventStaffFactory())

    again = mark(slot, STARTED, by=EventStaffFactory(), at=timezone.now())

    assert not again.created
    assert again.mark == first.mark
    assert LiveMark.objects.count() == 1


def test_undo_takes_a_mark_back_and_keeps_it_in_the_history(slot):
    staff, other = EventStaffFactory(), EventStaffFactory()
    started = mark(slot, STARTED, by=staff).mark

    assert undo(started, by=other)
    assert not undo(started, by=other)  # already undone

    assert marks_of(slot.session) == {}
    history = LiveMark.objects.get()
    assert history.undone_by == other
    assert history.undone_at is not None
    # Marked again after the undo: a new mark, the old one still in the history.
    assert mark(slot, STARTED, by=staff).created
    assert LiveMark.objects.count() == 2


@pytest.mark.parametrize(
    ("first", "then", "message"),
    [
        (STARTED, SKIPPED, "already started"),
        (SKIPPED, STARTED, "marked skipped"),
        (SKIPPED, ENDED, "marked skipped"),
    ],
)
def test_marks_that_contradict_the_standing_ones_are_refused_with_the_reason(
    slot, first, then, message
):
    staff = EventStaffFactory()
    mark(slot, first, by=staff)

    with pytest.raises(ValidationError, match=message):
        mark(slot, then, by=staff)


def test_an_end_before_the_start_or_a_mark_in_the_future_is_refused(slot):
    staff = EventStaffFactory()
    now = timezone.now()
    mark(slot, STARTED, by=staff, at=now - timedelta(minutes=5))

    with pytest.raises(ValidationError, match="end cannot be before the start"):
        mark(slot, ENDED, by=staff, at=now - timedelta(minutes=10))
    with pytest.raises(ValidationError, match="cannot be in the future"):
        mark(slot, ENDED, by=staff, at=now + timedelta(minutes=10))
    assert LiveMark.objects.count() == 1


def test_marks_of_a_session_come_in_one_query(slot, django_assert_num_queries):
    other = AgendaSlotFactory(session=slot.session, start=time(1), end=time(2))
    staff = EventStaffFactory()
    started = datetime(2026, 1, 1, 10, tzinfo=UTC)
    LiveMark.objects.create(slot=slot, kind=STARTED, at=started, made_by=staff)
    LiveMark.objects.create(
        slot=slot, kind=ENDED, at=started + timedelta(minutes=30), made_by=staff
    )
    LiveMark.objects.create(slot=other, kind=SKIPPED, at=started, made_by=staff)

    with django_assert_num_queries(1):
        found = marks_of(slot.session)

    assert found == {
        slot.pk: Marked(started_at=started, ended_at=started + timedelta(minutes=30)),
        other.pk: Marked(skipped=True),
    }


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_staff_marking_at_the_same_moment_make_one_mark(slot):
    staff = [EventStaffFactory(), EventStaffFactory()]
    ready = threading.Barrier(2)
    results, errors = [], []

    def press(person):
        try:
            ready.wait(timeout=10)
            results.append(mark(slot, STARTED, by=person).created)
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=press, args=(person,)) for person in staff]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sorted(results) == [False, True]
    assert LiveMark.objects.standing().count() == 1


def test_the_marks_read_in_the_sessions_own_query_are_the_marks(slot):
    other = AgendaSlotFactory(session=slot.session, start=time(1), end=time(2))
    staff = EventStaffFactory()
    now = timezone.now()
    mark(slot, STARTED, by=staff, at=now - timedelta(minutes=40, microseconds=123))
    mark(slot, ENDED, by=staff, at=now - timedelta(minutes=5))
    undone = mark(other, STARTED, by=staff).mark
    undo(undone, by=staff)
    mark(other, SKIPPED, by=staff)

    session = Session.objects.annotate(live_marks=standing_marks_text()).get(pk=slot.session.pk)

    assert marks_from_text(session.live_marks) == marks_of(slot.session)
    assert marks_from_text(session.live_marks)[slot.pk].ended_at == now - timedelta(minutes=5)


def test_a_start_after_the_end_is_refused(slot):
    staff = EventStaffFactory()
    now = timezone.now()
    mark(slot, ENDED, by=staff, at=now - timedelta(minutes=10))

    with pytest.raises(ValidationError, match="start cannot be after the end"):
        mark(slot, STARTED, by=staff, at=now - timedelta(minutes=5))
