"""The as-run report: what was planned beside what happened, item by item.

One list of rows (as_run()) makes the printed page and the CSV, so they agree to
the minute. Times are the session's wall clock; a difference is said in words
("5 min late", "3 min shorter": no leading sign for a spreadsheet to read as a
formula); an item without marks says so rather than guessing.
"""

from dataclasses import dataclass
from datetime import timedelta

from common.formatting import and_join, clock, duration

from . import marks
from .expected import expected_times

COLUMNS = [
    "Item",
    "Planned start",
    "Planned end",
    "Planned length",
    "Actual start",
    "Actual end",
    "Actual length",
    "Start difference",
    "Length difference",
    "On stage",
    "Note",
]


def _minus(later, earlier):
    """`later - earlier`; None when either is unknown (not marked)."""
    return None if later is None or earlier is None else later - earlier


@dataclass(frozen=True)
class Row:
    entry: object  # expected.Expected
    actual_start: object
    actual_end: object

    @property
    def item(self):
        return self.entry.item

    @property
    def planned_length(self):
        return self.item.duration

    @property
    def actual_length(self):
        return _minus(self.actual_end, self.actual_start)

    @property
    def start_difference(self):
        return _minus(self.actual_start, self.entry.planned_start)

    @property
    def length_difference(self):
        return _minus(self.actual_length, self.planned_length)

    @property
    def note(self):
        if self.entry.state == "skipped":
            return "Skipped"
        if self.actual_start is None:
            return "Not marked"
        if self.actual_end is None and not self.item.is_milestone:
            return "No end marked"
        return ""


@dataclass(frozen=True)
class Report:
    rows: list
    planned_start: object
    planned_end: object
    actual_start: object  # the first start marked
    actual_end: object  # the last end marked

    @property
    def planned_length(self):
        return self.planned_end - self.planned_start

    @property
    def actual_length(self):
        return _minus(self.actual_end, self.actual_start)

    @property
    def start_difference(self):
        return _minus(self.actual_start, self.planned_start)

    @property
    def end_difference(self):
        return _minus(self.actual_end, self.planned_end)

    @property
    def length_difference(self):
        return _minus(self.actual_length, self.planned_length)


def as_run(agenda, now):
    """The report of `agenda`'s meeting from its marks; None without instants."""
    run = expected_times(agenda, marks.marks_of(agenda.session), now)
    if run is None:
        return None
    rows = [Row(e, e.marked.started_at, e.marked.ended_at) for e in run.items]
    starts = [row.actual_start for row in rows if row.actual_start is not None]
    ends = [row.actual_end for row in rows if row.actual_end is not None]
    first = min((e.planned_start for e in run.items), default=None)
    session = agenda.session
    planned_start = session.starts_at or first
    return Report(
        rows, planned_start, run.planned_end, min(starts, default=None), max(ends, default=None)
    )


def signed(delta: timedelta | None, more="late", less="early", same="on time") -> str:
    """ "5 min late", "3 min early", "on time"; empty for unknown."""
    if delta is None:
        return ""
    if abs(delta) < timedelta(minutes=1):
        return same
    return f"{duration(abs(delta))} {more if delta > timedelta(0) else less}"


def longer(delta):
    return signed(delta, "longer", "shorter", "as planned")


def local_clock(instant, zone):
    return "" if instant is None else clock(instant.astimezone(zone))


def csv_rows(report, zone):
    for row in report.rows:
        yield [
            row.item.slot.title,
            clock(row.item.start),
            clock(row.item.end),
            "Milestone" if row.item.is_milestone else duration(row.planned_length),
            local_clock(row.actual_start, zone),
            local_clock(row.actual_end, zone),
            duration(row.actual_length),
            signed(row.start_difference),
            longer(row.length_difference),
            and_join(row.item.on_stage),
            row.note,
        ]
    yield [
        "Whole meeting",
        local_clock(report.planned_start, zone),
        local_clock(report.planned_end, zone),
        duration(report.planned_length),
        local_clock(report.actual_start, zone),
        local_clock(report.actual_end, zone),
        duration(report.actual_length),
        signed(report.start_difference),
        longer(report.length_difference),
        "",
        f"Ended {signed(report.end_difference)}" if report.actual_end else "",
    ]
