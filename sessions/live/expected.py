"""When each item of a running meeting is now expected: one function, used by the
control page, the stage timer, the public "now and next" and the as-run report.

The rules, in running order, item by item:

1. Before the first mark, nothing is expected but the plan: a meeting staff do not
   mark is never shown as running late.
2. An item marked skipped takes no time and moves nothing; so does an item left
   unmarked before one that staff have marked (passed over: staff moved on).
3. An item marked started started then. Otherwise it is expected at the later of
   its planned start and the expected end of the items before it (the latest of
   their ends): a delay carries forward until a gap in the plan absorbs it, and
   an item that ended early pulls nothing earlier. Once the meeting has begun, an
   item not yet started cannot start before now.
4. An item marked ended ended then. Otherwise it keeps its planned length from its
   expected start, and a started item that runs over ends no earlier than now. A
   break absorbs delay: it ends when planned, shortened if it starts late (to
   nothing, never before it starts), and runs over only while staff have not
   marked it ended. A milestone is a moment: it ends as it starts, and is done
   once marked.
5. An item still running when another starts after it is taken to have ended
   then (staff often start the next item without ending the last); an item marked
   ended but not started started no later than its end.
6. The meeting is expected to end at the latest expected end of its items, and runs
   late (or early) by the difference from the latest planned end of its items.

Times are aware instants, compared and added in UTC, so the night the clocks
change counts the time that passes; lengths come from the agenda (build_agenda
measures them between instants). A session whose date or zone is still to be
confirmed has no instants and no live run.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from ..core.agenda import Agenda, Item
from ..core.slot import AgendaSlot


@dataclass(frozen=True)
class Marked:
    """What the marks say of one item (sessions/live/marks.py reads them)."""

    started_at: datetime | None = None
    ended_at: datetime | None = None
    skipped: bool = False


UNMARKED = Marked()


@dataclass(frozen=True)
class Expected:
    item: Item
    planned_start: datetime
    planned_end: datetime  # a milestone's is its start
    start: datetime | None  # None when skipped
    end: datetime | None
    marked: Marked
    passed: bool = False
    # When it is due to end from its (expected or actual) start, before any overrun:
    # what the stage timer counts down to. None for a milestone or an item not run.
    due: datetime | None = None

    @property
    def state(self):
        """One of "skipped", "passed" (left unmarked before a marked item), "done",
        "running" or "upcoming"."""
        if self.marked.skipped:
            return "skipped"
        if self.passed:
            return "passed"
        if self.marked.ended_at is not None:
            return "done"
        if self.marked.started_at is not None:
            return "done" if self.item.is_milestone else "running"
        return "upcoming"

    @property
    def delay(self) -> timedelta | None:
        """How much later than planned it starts (or started); negative when early."""
        return None if self.start is None else self.start - self.planned_start


@dataclass(frozen=True)
class LiveRun:
    items: list[Expected]
    begun: bool  # any mark made
    planned_end: datetime
    expected_end: datetime

    @property
    def late_by(self) -> timedelta:
        """How much later than planned the meeting is expected to end; negative when early."""
        return self.expected_end - self.planned_end

    @property
    def current(self) -> Expected | None:
        """The item on now: the one started last and not ended."""
        running = [entry for entry in self.items if entry.state == "running"]
        return max(running, key=lambda entry: entry.marked.started_at, default=None)

    @property
    def next(self) -> Expected | None:
        """The first item not yet started after the current one (or after the last
        one done, between items)."""
        current = self.current
        after = self.items.index(current) + 1 if current else self._after_last_done()
        return next((entry for entry in self.items[after:] if entry.state == "upcoming"), None)

    @property
    def finished(self) -> bool:
        return self.begun and all(
            entry.state in ("done", "skipped", "passed") for entry in self.items
        )

    def _after_last_done(self):
        done = [index for index, entry in enumerate(self.items) if entry.state == "done"]
        return done[-1] + 1 if done else 0


def expected_times(agenda: Agenda, marks: dict, now: datetime) -> LiveRun | None:
    """The live run of `agenda` given `marks` ({slot pk: Marked}) at the instant `now`;
    None when the session has no instants (date or zone to be confirmed) or no items."""
    if not agenda.items or any(item.starts_at is None for item in agenda.items):
        return None
    now = now.astimezone(UTC)
    marks = _closed_by_later_starts(marks)
    marked_at = [
        i for i, item in enumerate(agenda.items) if marks.get(item.slot.pk, UNMARKED) != UNMARKED
    ]
    begun = bool(marked_at)
    last_marked = marked_at[-1] if begun else -1
    entries = []
    latest_end = None  # the latest expected end of the items so far
    for index, item in enumerate(agenda.items):
        marked = marks.get(item.slot.pk, UNMARKED)
        planned_start = item.starts_at.astimezone(UTC)
        length = item.duration or timedelta(0)
        planned_end = planned_start + length
        passed = marked == UNMARKED and index < last_marked
        if marked.skipped or passed:
            entries.append(Expected(item, planned_start, planned_end, None, None, marked, passed))
            continue
        start = _start(marked, planned_start, latest_end, now if begun else None)
        end = _end(item, marked, start, length, planned_end, now if begun else None)
        due = None if item.is_milestone else _due(item, start, length, planned_end)
        entries.append(Expected(item, planned_start, planned_end, start, end, marked, due=due))
        latest_end = end if latest_end is None else max(latest_end, end)
    # The plan's end is its items' (a session may end after its last item: that time
    # is not lateness absorbed), compared like with like.
    planned_end = max(entry.planned_end for entry in entries)
    expected_end = max((entry.end for entry in entries if entry.end is not None), default=None)
    return LiveRun(entries, begun, planned_end, expected_end or planned_end)


def _closed_by_later_starts(marks):
    """Staff often start the next item without ending the one before: an item still
    running when another starts after it is taken to have ended then."""
    starts = sorted(
        marked.started_at
        for marked in marks.values()
        if marked.started_at is not None and not marked.skipped
    )
    closed = dict(marks)
    for pk, marked in marks.items():
        if marked.started_at is None or marked.ended_at is not None or marked.skipped:
            continue
        later = [start for start in starts if start > marked.started_at]
        if later:
            closed[pk] = Marked(marked.started_at, later[0], False)
    return closed


def _start(marked, planned_start, latest_end, now):
    if marked.started_at is not None:
        return marked.started_at.astimezone(UTC)
    start = planned_start if latest_end is None else max(planned_start, latest_end)
    if marked.ended_at is not None:
        return min(start, marked.ended_at.astimezone(UTC))  # ended: it started by then
    if now is not None and marked.ended_at is None:
        start = max(start, now)  # not started yet: not before now
    return start


def _due(item, start, length, planned_end):
    """When the item is due to end from its start, whatever the clock says now: a
    break ends as planned, shortened (to nothing) if it starts late; any other item
    keeps its planned length. The stage timer counts down to this."""
    if item.slot.kind == AgendaSlot.Kind.BREAK:
        return max(planned_end, start)
    return start + length


def _end(item, marked, start, length, planned_end, now):
    if marked.ended_at is not None:
        return marked.ended_at.astimezone(UTC)
    if item.is_milestone:
        return start
    end = _due(item, start, length, planned_end)
    if now is not None and marked.started_at is not None:
        end = max(end, now)  # running over: it ends no earlier than now
    return end
