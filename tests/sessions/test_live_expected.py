"""The rules of expected times in a running meeting (sessions/live/expected.py)."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from sessions.core.agenda import build_agenda
from sessions.live.expected import Marked, expected_times
from sessions.models import AgendaSlot
from tests.factories import AgendaSlotFactory, SessionFactory

pytestmark = pytest.mark.django_db

VIENNA = ZoneInfo("Europe/Vienna")
LONDON = ZoneInfo("Europe/London")
DAY = date(2027, 6, 1)


def at(hour, minute=0, day=DAY, zone=VIENNA):
    return datetime.combine(day, time(hour, minute), tzinfo=zone)


def agenda_of(*slots, day=DAY, zone="Europe/Vienna", start=time(10), end=time(12)):
    """A session on `day` with slots given as (start, end, title[, kind])."""
    session = SessionFactory(date=day, time_zone=zone, start_time=start, end_time=end)
    made = {}
    for start_at, end_at, title, *kind in slots:
        made[title] = AgendaSlotFactory(
            session=session,
            start=start_at,
            end=end_at,
            title=title,
            kind=kind[0] if kind else "other",
        )
    return build_agenda(session), made


@pytest.fixture
def morning():
    """10:00 Opening, 10:30 Panel, a 15-minute gap, 11:15 Discussion to 12:00, the end."""
    return agenda_of(
        (time(10), time(10, 30), "Opening"),
        (time(10, 30), time(11), "Panel"),
        (time(11, 15), time(12), "Discussion"),
        (time(12), None, "End of the meeting"),
    )


def by_title(run):
    return {entry.item.slot.title: entry for entry in run.items}


def local(instant):
    return instant.astimezone(VIENNA).strftime("%H:%M") if instant else None


def times(run):
    return {title: (local(e.start), local(e.end)) for title, e in by_title(run).items()}


def test_before_the_first_mark_the_plan_is_all_that_is_expected(morning):
    agenda, _ = morning

    # Long after the planned start, and still no mark: never shown as running late.
    run = expected_times(agenda, {}, now=at(11, 40))

    assert not run.begun
    assert times(run) == {
        "Opening": ("10:00", "10:30"),
        "Panel": ("10:30", "11:00"),
        "Discussion": ("11:15", "12:00"),
        "End of the meeting": ("12:00", "12:00"),
    }
    assert run.late_by == timedelta(0)
    assert run.current is None
    assert run.next.item.slot.title == "Opening"


def test_a_late_start_carries_forward_until_a_gap_absorbs_it(morning):
    agenda, slots = morning
    marks = {slots["Opening"].pk: Marked(started_at=at(10, 10))}

    run = expected_times(agenda, marks, now=at(10, 12))

    assert times(run) == {
        "Opening": ("10:10", "10:40"),
        "Panel": ("10:40", "11:10"),
        "Discussion": ("11:15", "12:00"),  # the 15-minute gap took the 10 minutes
        "End of the meeting": ("12:00", "12:00"),
    }
    assert by_title(run)["Panel"].delay == timedelta(minutes=10)
    assert run.late_by == timedelta(0)
    assert run.current.item.slot.title == "Opening"
    assert run.next.item.slot.title == "Panel"


def test_an_overrun_ends_no_earlier_than_now_and_pushes_what_follows(morning):
    agenda, slots = morning
    marks = {
        slots["Opening"].pk: Marked(started_at=at(10), ended_at=at(10, 30)),
        slots["Panel"].pk: Marked(started_at=at(10, 30)),
    }

    run = expected_times(agenda, marks, now=at(11, 25))  # the panel still going

    assert times(run)["Panel"] == ("10:30", "11:25")
    assert times(run)["Discussion"] == ("11:25", "12:10")  # keeps its 45 minutes
    assert times(run)["End of the meeting"] == ("12:10", "12:10")
    assert run.late_by == timedelta(minutes=10)


def test_an_item_ended_early_pulls_nothing_earlier(morning):
    agenda, slots = morning
    marks = {slots["Opening"].pk: Marked(started_at=at(10), ended_at=at(10, 20))}

    run = expected_times(agenda, marks, now=at(10, 21))

    assert times(run)["Panel"] == ("10:30", "11:00")
    assert run.current is None  # between items
    assert run.next.item.slot.title == "Panel"


def test_an_item_not_yet_started_cannot_start_before_now(morning):
    agenda, slots = morning
    marks = {slots["Opening"].pk: Marked(started_at=at(10), ended_at=at(10, 30))}

    run = expected_times(agenda, marks, now=at(10, 35))

    assert times(run)["Panel"] == ("10:35", "11:05")


def test_a_skipped_item_takes_no_time_and_moves_nothing(morning):
    agenda, slots = morning
    marks = {
        slots["Opening"].pk: Marked(started_at=at(10, 20), ended_at=at(10, 50)),
        slots["Panel"].pk: Marked(skipped=True),
    }

    run = expected_times(agenda, marks, now=at(10, 51))

    assert by_title(run)["Panel"].state == "skipped"
    assert times(run)["Panel"] == (None, None)
    assert times(run)["Discussion"] == ("11:15", "12:00")
    assert run.next.item.slot.title == "Discussion"


def test_a_break_absorbs_delay_by_ending_as_planned():
    agenda, slots = agenda_of(
        (time(10), time(10, 30), "Talk"),
        (time(10, 30), time(10, 45), "Coffee", AgendaSlot.Kind.BREAK),
        (time(10, 45), time(11, 30), "Panel"),
    )
    run = expected_times(agenda, {slots["Talk"].pk: Marked(started_at=at(10, 10))}, now=at(10, 11))
    assert times(run)["Coffee"] == ("10:40", "10:45")  # five minutes of coffee, not fifteen
    assert times(run)["Panel"] == ("10:45", "11:30")

    late = {slots["Talk"].pk: Marked(started_at=at(10, 20))}
    run = expected_times(agenda, late, now=at(10, 21))
    assert times(run)["Coffee"] == ("10:50", "10:50")  # no coffee left
    assert times(run)["Panel"] == ("10:50", "11:35")


def test_a_milestone_follows_the_delay_and_is_done_once_marked(morning):
    agenda, slots = morning
    marks = {
        slots["Discussion"].pk: Marked(started_at=at(11, 30), ended_at=at(12, 20)),
        slots["End of the meeting"].pk: Marked(started_at=at(12, 20)),
    }

    run = expected_times(agenda, marks, now=at(12, 21))

    assert by_title(run)["End of the meeting"].state == "done"
    # Left unmarked before marked items: passed over, taking no time.
    assert by_title(run)["Opening"].state == "passed"
    assert times(run)["Panel"] == (None, None)
    assert run.expected_end.astimezone(VIENNA) == at(12, 20)
    assert run.late_by == timedelta(minutes=20)


def test_a_meeting_with_everything_marked_is_finished(morning):
    agenda, slots = morning
    marks = {slot.pk: Marked(started_at=at(10), ended_at=at(10)) for slot in slots.values()}

    run = expected_times(agenda, marks, now=at(13))

    assert run.finished
    assert run.current is None
    assert run.next is None


def test_on_the_autumn_night_an_item_keeps_the_time_that_passes():
    # London, 25 October 2026: at 02:00 BST the clocks go back to 01:00 GMT, so the
    # item planned 01:00 to 02:00 lasts two hours.
    night = date(2026, 10, 25)
    agenda, slots = agenda_of(
        (time(0, 30), time(1), "First"),
        (time(1), time(2), "Long hour"),
        day=night,
        zone="Europe/London",
        start=time(0, 30),
        end=time(2),
    )
    started = datetime(2026, 10, 24, 23, 40, tzinfo=UTC)  # 00:40 BST: ten minutes late

    run = expected_times(agenda, {slots["First"].pk: Marked(started_at=started)}, now=started)

    long_hour = by_title(run)["Long hour"]
    assert long_hour.end - long_hour.start == timedelta(hours=2)
    assert long_hour.start == datetime(2026, 10, 25, 0, 10, tzinfo=UTC)  # 01:10 BST
    assert long_hour.end.astimezone(LONDON).strftime("%H:%M %Z") == "02:10 GMT"
    assert run.late_by == timedelta(minutes=10)


def test_on_the_spring_night_lateness_is_the_time_that_passes():
    # London, 28 March 2027: at 01:00 GMT the clocks go forward to 02:00 BST.
    night = date(2027, 3, 28)
    agenda, slots = agenda_of(
        (time(0, 30), time(3), "Across the change"),
        day=night,
        zone="Europe/London",
        start=time(0, 30),
        end=time(3),
    )
    item = agenda.items[0]
    assert item.duration == timedelta(hours=1, minutes=30)
    started = datetime(2027, 3, 28, 0, 45, tzinfo=UTC)  # 00:45 GMT, fifteen minutes late

    run = expected_times(
        agenda, {slots["Across the change"].pk: Marked(started_at=started)}, now=started
    )

    assert run.items[0].end.astimezone(LONDON).strftime("%H:%M %Z") == "03:15 BST"
    assert run.late_by == timedelta(minutes=15)


def test_a_session_without_a_date_or_zone_has_no_live_run():
    session = SessionFactory(date=None)
    AgendaSlotFactory(session=session)

    assert expected_times(build_agenda(session), {}, now=datetime.now(UTC)) is None


def test_starting_an_item_ends_the_one_still_running_before_it(morning):
    agenda, slots = morning
    marks = {
        slots["Opening"].pk: Marked(started_at=at(10)),  # never marked ended
        slots["Panel"].pk: Marked(started_at=at(10, 35)),
    }

    run = expected_times(agenda, marks, now=at(10, 50))

    assert by_title(run)["Opening"].state == "done"
    assert times(run)["Opening"] == ("10:00", "10:35")
    assert run.current.item.slot.title == "Panel"
    assert times(run)["Panel"] == ("10:35", "11:05")


def test_the_item_started_last_is_current_whatever_their_order(morning):
    agenda, slots = morning
    # Discussion brought forward and started, then the panel started after it.
    marks = {
        slots["Opening"].pk: Marked(started_at=at(10), ended_at=at(10, 30)),
        slots["Discussion"].pk: Marked(started_at=at(10, 31), ended_at=at(10, 39)),
        slots["Panel"].pk: Marked(started_at=at(10, 40)),
    }

    run = expected_times(agenda, marks, now=at(10, 45))

    assert run.current.item.slot.title == "Panel"


def test_lateness_counts_against_the_items_not_the_sessions_end():
    # The session ends at 12:00, its last item at 11:45: finishing that item on time
    # is on time, not fifteen minutes early.
    agenda, slots = agenda_of((time(10), time(11, 45), "All of it"), start=time(10), end=time(12))

    run = expected_times(
        agenda, {slots["All of it"].pk: Marked(started_at=at(10), ended_at=at(11, 45))}, at(12)
    )

    assert run.late_by == timedelta(0)


def test_an_item_marked_ended_without_a_start_started_by_its_end(morning):
    agenda, slots = morning
    marks = {
        slots["Opening"].pk: Marked(started_at=at(10)),  # running over
        slots["Panel"].pk: Marked(ended_at=at(10, 35)),
    }

    run = expected_times(agenda, marks, now=at(10, 40))

    panel = by_title(run)["Panel"]
    assert panel.start <= panel.end
