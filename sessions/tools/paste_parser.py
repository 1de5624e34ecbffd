"""Read an agenda pasted as text, as it comes from an email, a web page or a spreadsheet.

Pure functions, no models: `parse(text)` says, line by line, what it understood.

What a line can be:
- a slot with its time first (after any bullet, number or letter, "from",
  "between", or leftover bold markers): `11:30-11:45 Welcome` a span,
  `11:30 Start of the meeting` a moment (a start only). Ranges are written with a
  dash, "to", "until" or "till"; times with a colon, a dot, an "h" or packed
  (`1130`), with seconds (`08:30:00`) and with am/pm;
- a row of cells (tabs or `|` between them, as copied from a spreadsheet or a
  web page's table): the cells that are times give the start and the end, in
  whatever order they come; the other cells the title; empty cells are dropped;
- a slot with its time after the title (`Lunch 12:30-13:30`, `Keynote (10:00)`):
  read as such when the whole text is written that way; among lines that give
  the time first, it is marked "please check" with the reading it suggests;
- text: lines without a time that follow a slot are its description, one
  paragraph per line. A line that is only punctuation (a stray `- .`, a table's
  `|---|`) is ignored. A line that holds a clock time elsewhere is never taken
  as text: it is marked "please check".

The parser asks rather than guesses: a line it cannot read for sure is marked
"please check" with the reason, and nothing is created until the text is fixed.
It asks about
- a bare number on its own (`1145`): a time, or a figure?
- times without minutes (`12-1`, `9 Registration`);
- a 12-hour time without am/pm for hours 1 to 7 (`1.30`): 01:30 or 13:30? Hours
  from 8 on are read as written, on the 24-hour clock (`9:00`, `13:00`);
- a span that ends before it starts, or ends when it starts;
- a clock time that does not exist (`11:60`), a title too long for a slot.

Besides times, the parser asks paste_words what the text says about people
("moderated by A and B", "Chair: A", "Speakers: A, B", "with A (Org)"), as
written (matching them with people in the database is the paste service's job),
and each slot's kind from its words ("Coffee break": a break).
"""

import enum
import re
from dataclasses import dataclass, field, replace
from datetime import time

from django.core.exceptions import ValidationError

from common.formatting import span
from common.validators import validate_single_line

from .paste_words import (
    BOLD,
    DASHES,
    ITALIC,
    Kind,
    PeoplePhrase,
    find_people,
    kind_for,
    people_in_cells,
    people_line,
    tidy_title,
)

TITLE_MAX_LENGTH = 200  # AgendaSlot.title; repeated so the parser needs no models

_DASH_CLASS = re.escape(DASHES)  # for use inside [...] in a pattern
_BULLET = re.compile(rf"^(?:(?:[{_DASH_CLASS}*•·▪◦‣>]|#+(?=\s))\s*)+")
# "1.", "2)", "a)", "(b)", "iv." before a time: a numbered or lettered list.
_ENUMERATOR = re.compile(
    r"^\(?(?:\d{1,2}|[a-z]|[ivx]{1,4})[.)]\s+(?=\(?\d|(?:from|between|at)\s+\d)", re.IGNORECASE
)
_LIST_NUMBER_CELL = re.compile(r"^\(?(?:\d{1,2}|[a-z]|[ivx]{1,4})[.)]$", re.IGNORECASE)
# Before a title: "1.", "2)", "a)", "(b)" (not "A." nor "i.", which start names and words).
_LIST_NUMBER = re.compile(r"^(?:\d{1,2}[.)]|\(?[a-z]\))\s+", re.IGNORECASE)
_LEAD_WORD = re.compile(r"^(?:from|between|at)\s+(?=\d)", re.IGNORECASE)

# Invisible characters that copying from web pages and documents leaves behind.
_INVISIBLE = dict.fromkeys(map(ord, "\ufeff\u200b\u2060\u00ad\u200e\u200f"))
_SPACES = dict.fromkeys(map(ord, "\u00a0\u202f\u2007\u2009\u200a\u3000"), " ")
# Zero-width (non-)joiners mean something between letters of some scripts and in
# emoji (👩🏽‍💻): removed only next to plain ASCII text, a space or a line's end.
_STRAY_JOINER = re.compile(r"(?<![^\x00-\x7f\s])[\u200c\u200d]|[\u200c\u200d](?![^\x00-\x7f\s])")


def _time_pattern(name):
    return rf"""
        (?P<{name}_hour>\d{{1,2}})
        (?:
            (?P<{name}_sep>[:.h])(?P<{name}_minute>\d{{2}})   # 11:30, 11.30, 11h30
            (?::(?P<{name}_second>\d{{2}}))?                  # 08:30:00
          | (?P<{name}_packed>\d{{2}})                        # 1130
        )?
        (?:\s*(?P<{name}_meridiem>[ap])\.?\s?m\b\.?)?         # 1.30pm, 9 a.m., 9:00 AM
    """


_RANGE_SEP = rf"\s*(?P<range_sep>[{_DASH_CLASS}]|to\b|until\b|till\b|and\b)\s*"
_TIME_END = rf"(?=$|[\s,;:|)\]*{_DASH_CLASS}]|to\b|until\b|till\b|and\b)"

_TIMED_LINE = re.compile(
    rf"""
    ^{_time_pattern("start")}{_TIME_END}
    # Two times with only a space between them are a span too (a table copied
    # with spaces): "08:30 09:00 Coffee".
    (?:(?:{_RANGE_SEP}|\s+(?=\d{{1,2}}[:.h]\d{{2}}{_TIME_END})){_time_pattern("end")}{_TIME_END})?
    (?P<rest>.*)$
    """,
    re.VERBOSE | re.IGNORECASE,
)
_TIME_CELL = re.compile(
    rf"""
    ^(?:(?:from|between)\s+)?{_time_pattern("start")}
    (?:{_RANGE_SEP}{_time_pattern("end")})?$
    """,
    re.VERBOSE | re.IGNORECASE,
)
# The time after the title: "Lunch 12:30-13:30", "Keynote (10:00)", "Coffee, 10:30".
_TRAILING_TIME = re.compile(
    rf"""
    ^(?P<rest>.*?[^\W\d_].*?)
    [\s,(\[@{_DASH_CLASS}]*
    (?:\b(?:at|from|between)\s+)?
    (?<![\w.:]){_time_pattern("start")}
    (?:{_RANGE_SEP}{_time_pattern("end")})?
    \s*[)\]]?\s*$
    """,
    re.VERBOSE | re.IGNORECASE,
)
# A clock time anywhere in a line, written so that it cannot be a figure.
_CLOCK_ANYWHERE = re.compile(
    r"(?<![\d:.])(?:[01]?\d|2[0-3])(?::|h(?=\d))[0-5]\d(?::[0-5]\d)?(?![\d:])"
    r"|(?<![\d:.])(?:1[0-2]|0?[1-9])(?:[:.][0-5]\d)?\s?[ap]\.?m\b",
    re.IGNORECASE,
)
# "11:00 Keynote until 11:30": a start, a title, then its end.
_END_AFTER_TITLE = re.compile(
    rf"\s*(?:[{_DASH_CLASS}]|\b(?:to|until|till)\b)\s*"
    r"(?P<end>(?:[01]?\d|2[0-3])[:.h][0-5]\d(?:\s*[ap]\.?m\b\.?)?)\s*\)?$",
    re.IGNORECASE,
)


class Status(enum.StrEnum):
    SLOT = "slot"
    TITLE = "title"  # the title of a slot whose line gave only its time
    DESCRIPTION = "description"
    IGNORED = "ignored"
    CHECK = "check"  # please check: not read for sure, nothing is created from it


@dataclass
class PastedLine:
    number: int  # 1-based, as an editor counts lines
    text: str
    status: Status
    start: time | None = None
    end: time | None = None
    title: str = ""
    reasons: list[str] = field(default_factory=list)
    owner: "PastedLine | None" = None  # for a title or description: its slot's line
    form: str = ""  # how the time was written: "first", "after" (the title), "cells"
    cells: list[str] = field(default_factory=list)  # a row's cells that are not times

    @property
    def trailing(self):
        return self.form == "after"

    @property
    def is_milestone(self):
        return self.status == Status.SLOT and self.end is None


@dataclass(frozen=True)
class PastedSlot:
    start: time
    end: time | None
    title: str
    description: str
    line: int
    kind: Kind = Kind.OTHER
    people: tuple[PeoplePhrase, ...] = ()  # phrases of the title
    # Paragraphs of the description that only name people ("Chair: Joyce Hakmeh"):
    # (the paragraph's index, its phrase).
    description_people: tuple[tuple[int, PeoplePhrase], ...] = ()


@dataclass(frozen=True)
class Parsed:
    lines: list[PastedLine]  # every line that is not blank, in order
    slots: list[PastedSlot]  # what would be created, in the order of the text

    @property
    def to_check(self):
        return [line for line in self.lines if line.status == Status.CHECK]

    @property
    def open_ended(self):
        """Slots given only a start that another pasted item follows: where do they end?"""
        return open_ended(self.slots)


class _NotATime(Exception):
    """The digits at the start of the line are not a time: the line is text."""


def clean_line(raw):
    """The line without invisible characters, with plain spaces, stripped."""
    text = _STRAY_JOINER.sub("", raw.translate(_INVISIBLE)).translate(_SPACES)
    return text.strip()


def parse(text):
    lines = []
    for number, raw in enumerate(text.splitlines(), start=1):
        stripped = clean_line(raw)
        if not stripped:
            continue
        if not any(char.isalnum() for char in stripped):
            lines.append(PastedLine(number, stripped, Status.IGNORED, reasons=["only punctuation"]))
            continue
        line = _read_timed_line(number, stripped)
        if line is None:
            line = PastedLine(number, stripped, Status.DESCRIPTION)  # for now: text
            clock = _CLOCK_ANYWHERE.search(stripped)
            if clock is not None:
                _flag(
                    line,
                    f"the line holds a time (“{clock.group()}”) but does not start or "
                    "end with it: put the time first if it is an item of the agenda",
                )
        lines.append(line)

    # Times after the title are the text's way of writing them only when no line
    # gives its time first; among lines that do, they are asked about.
    times_first = any(line.form in ("first", "cells") for line in lines)
    for line in lines:
        if line.trailing and line.status == Status.SLOT and times_first:
            reading = span(line.start, line.end)
            _flag(
                line,
                f"the time comes after the title: read as {reading} “{line.title}”? "
                "Put the time first to confirm",
            )

    owner = None  # the latest slot (or line to check) that text lines belong to
    descriptions = {}
    for line in lines:
        if line.status in (Status.SLOT, Status.CHECK):
            owner = line
            descriptions[line.number] = []
        elif line.status != Status.DESCRIPTION:
            continue
        elif owner is None:
            line.status = Status.IGNORED
            line.reasons.append("no time, and no slot above it to describe")
        elif owner.status == Status.SLOT and not owner.title and not owner.trailing:
            owner.title = tidy_title(line.text)
            _check_title(owner)
            line.status, line.owner = Status.TITLE, owner
        else:
            descriptions[owner.number].append(line.text)
            line.owner = owner

    for line in lines:
        if line.status == Status.SLOT and not line.title:
            _flag(line, "no title after the time")
    slots = [
        PastedSlot(
            start=line.start,
            end=line.end,
            title=line.title,
            description="\n\n".join(descriptions[line.number]),
            line=line.number,
            kind=kind_for(line.title),
            people=tuple(find_people(line.title) + people_in_cells(line)),
            description_people=tuple(
                (index, phrase)
                for index, paragraph in enumerate(descriptions[line.number])
                if (phrase := people_line(paragraph)) is not None
            ),
        )
        for line in lines
        if line.status == Status.SLOT
    ]
    return Parsed(lines=lines, slots=slots)


def _flag(line, reason):
    line.status = Status.CHECK
    line.start = line.end = None
    line.reasons.append(reason)


def _check_title(line):
    try:
        validate_single_line(line.title)
    except ValidationError as error:
        _flag(line, f"the title holds {error.params['found']}")
    if len(line.title) > TITLE_MAX_LENGTH:
        _flag(
            line,
            f"the title has {len(line.title)} characters; "
            f"a slot's title has at most {TITLE_MAX_LENGTH}",
        )


def _lead(text):
    """The line without what may stand before its time: bullets, bold, a list's number."""
    text = BOLD.sub("", _BULLET.sub("", BOLD.sub("", text).strip())).strip()
    text = _ENUMERATOR.sub("", text)
    return _LEAD_WORD.sub("", text).lstrip("(")


def _read_timed_line(number, stripped):
    """A PastedLine for a line with its time(s) first, last or in cells; None for text."""
    if "\t" in stripped or "|" in stripped:
        line = _read_cells(number, stripped)
        if line is not None:
            return line
        stripped = " – ".join(cell for cell in re.split(r"\s*[\t|]\s*", stripped) if cell)
    match = _TIMED_LINE.match(_lead(stripped))
    trailing = False
    if match is None:
        unmarked = _BULLET.sub("", ITALIC.sub("", BOLD.sub("", stripped))).strip()
        match = _TRAILING_TIME.match(_LIST_NUMBER.sub("", unmarked))
        trailing = match is not None and _trailing_time_is_a_time(match)
        if not trailing:
            return None
    try:
        start, end, reasons = _read_span(match.groupdict(), alone=True)
    except _NotATime:
        return None
    line = PastedLine(number, stripped, Status.SLOT, start, end, tidy_title(match["rest"]))
    line.form = "after" if trailing else "first"
    late_end = _END_AFTER_TITLE.search(line.title) if end is None and not trailing else None
    if late_end and not reasons:
        reasons.append(
            f"the end (“{late_end['end']}”) comes after the title: write "
            f"“{span(start, None)}–{late_end['end']} {line.title[: late_end.start()]}” "
            "for a span, or leave it out for a moment"
        )
    return _checked(line, reasons)


def _trailing_time_is_a_time(match):
    """A time after the title has minutes or am/pm; `Room 12` or `since 2019` is text."""
    parts = match.groupdict()
    if parts["start_meridiem"] or parts["start_sep"]:
        return True
    return bool(parts["start_packed"] and parts["end_hour"])  # "Lunch 1230 – 1330"


def _read_cells(number, stripped):
    """A row of cells, with the start, the end and the title in any order; None if no
    cell is a time."""
    cells = [cell.strip() for cell in re.split(r"[\t|]", stripped)]
    cells = [
        cell
        for cell in cells
        if any(char.isalnum() for char in cell) and not _LIST_NUMBER_CELL.match(cell)
    ]
    times, texts = [], []
    for cell in cells:
        match = _TIME_CELL.match(_lead(cell).rstrip(" *"))
        (times if match else texts).append(match or cell)
    if not times:
        return None
    given = [(m, "start") for m in times] + [(m, "end") for m in times if m["end_hour"]]
    texts = [_LIST_NUMBER.sub("", _BULLET.sub("", BOLD.sub("", text)).strip()) for text in texts]
    title = tidy_title(" – ".join(texts))
    cells = [tidy_title(text) for text in texts]
    line = PastedLine(number, stripped, Status.SLOT, title=title, form="cells", cells=cells)
    if len(given) > 2:
        _flag(line, f"the row has {len(given)} times; a slot has a start and an end")
        return line
    parts = _time_parts(*given[0], "start")
    parts |= _time_parts(*given[1], "end") if len(given) == 2 else _time_parts(None, "", "end")
    try:
        line.start, line.end, reasons = _read_span(parts, alone=False)
    except _NotATime:
        return None
    return _checked(line, reasons)


def _time_parts(match, which, name):
    """One time's groups of a match (its `which` time), renamed for `name`."""
    keys = ("hour", "sep", "minute", "second", "packed", "meridiem")
    return {f"{name}_{key}": match[f"{which}_{key}"] if match else None for key in keys}


def _checked(line, reasons):
    if not reasons and line.end is not None and line.end <= line.start:
        pasted = span(line.start, line.end)
        reasons.append(
            f"{pasted} ends before it starts"
            if line.end < line.start
            else f"{pasted} ends when it starts: leave out the end for a moment in the agenda"
        )
    for reason in reasons:
        _flag(line, reason)
    if line.status == Status.SLOT and line.title:
        _check_title(line)
    return line


def _read_span(parts, *, alone):
    """(start, end or None, reasons to check) from a match's groups.

    An am/pm written once applies to both times: "11:00-12:30 pm" is 11:00-12:30,
    "1:00-2:00 PM" 13:00-14:00, "9am-10:30" 09:00-10:30.
    """
    if parts.get("end_hour") is None:
        start, reasons = _read_time(parts, "start", alone=alone)
        return start, None, reasons
    start_meridiem = (parts["start_meridiem"] or "").lower()
    end_meridiem = (parts["end_meridiem"] or "").lower()
    if end_meridiem and not start_meridiem and int(parts["start_hour"]) <= 12:
        start, reasons = _read_time(parts, "start", alone=False, meridiem=end_meridiem)
        end, end_reasons = _read_time(parts, "end", alone=False)
        if start and end and start > end and end_meridiem == "p":
            start, reasons = _read_time(parts, "start", alone=False, meridiem="a")
        return start, end, reasons + end_reasons
    start, reasons = _read_time(parts, "start", alone=False)
    if start_meridiem and not end_meridiem and int(parts["end_hour"]) <= 12:
        end, end_reasons = _read_time(parts, "end", alone=False, meridiem=start_meridiem)
        if start and end and end <= start and start_meridiem == "a":
            end, end_reasons = _read_time(parts, "end", alone=False, meridiem="p")
    else:
        end, end_reasons = _read_time(parts, "end", alone=False)
    return start, end, reasons + end_reasons


def _read_time(parts, name, *, alone, meridiem=None):
    """(time or None, reasons to check) for one time of the line.

    Raises _NotATime when the digits cannot be a clock time and were not written
    like one (`25-30 participants`, `2019 review` is asked about below).
    """
    hour_text = parts[f"{name}_hour"]
    hour = int(hour_text)
    minute_text = parts[f"{name}_minute"] or parts[f"{name}_packed"]
    minute = int(minute_text) if minute_text else 0
    second_text = parts.get(f"{name}_second")
    if meridiem is None:
        meridiem = (parts[f"{name}_meridiem"] or "").lower()
    written = hour_text + (parts[f"{name}_sep"] or "") + (minute_text or "")
    if second_text:
        written += f":{second_text}"
        if int(second_text) != 0:
            return None, [f"“{written}” has seconds: a slot starts and ends on a minute"]
    if meridiem:
        written += f"{meridiem}m"
        if not 1 <= hour <= 12 or minute > 59:
            return None, [f"“{written}” is not a clock time"]
        hour = hour % 12 + (12 if meridiem == "p" else 0)
        return time(hour, minute), []
    if hour > 23 or minute > 59:
        if parts[f"{name}_sep"] == ":":
            return None, [f"“{written}” is not a clock time"]
        raise _NotATime
    if minute_text is None:
        return None, [
            f"“{written}” has no minutes: write {hour:02d}:00 (or {hour}am/{hour}pm) "
            "if it is a time"
        ]
    if parts[f"{name}_packed"] and alone:
        return None, [
            f"“{written}” on its own could be a time or a number: "
            f"write {hour:02d}:{minute:02d} if it is a time"
        ]
    if 1 <= hour <= 7 and len(hour_text) == 1:
        return None, [
            f"“{written}” could be {hour:02d}:{minute:02d} or {hour + 12}:{minute:02d}: "
            f"write it on the 24-hour clock or add am/pm"
        ]
    return time(hour, minute), []


# Start-only programmes: where does each item end?


class OpenEnds(enum.StrEnum):
    MOMENTS = "moments"  # leave each as a moment
    NEXT = "next"  # each ends where the next begins; the last stays a moment
    NEXT_AND_SESSION_END = "next-session-end"  # ... and the last ends with the session


def open_ended(slots):
    """Slots with only a start, no other pasted item at the same minute, and a later
    pasted item: a programme that gives no ends. (A moment at the start of an item,
    such as the seed's "11:30 Start of the meeting" before "11:30-11:45 Welcome", is
    not one.)"""
    starts = sorted({slot.start for slot in slots})
    shared = {s.start for s in slots if sum(other.start == s.start for other in slots) > 1}
    return [
        slot
        for slot in slots
        if slot.end is None and slot.start not in shared and slot.start != starts[-1]
    ]


def with_ends(slots, choice, session_end=None):
    """The slots with the ends the organiser chose for a start-only programme."""
    if choice == OpenEnds.MOMENTS or not open_ended(slots):
        return list(slots)
    starts = sorted({slot.start for slot in slots})
    shared = {s.start for s in slots if sum(other.start == s.start for other in slots) > 1}
    ended = []
    for slot in slots:
        if slot.end is None and slot.start not in shared:
            later = [start for start in starts if start > slot.start]
            if later:
                slot = replace(slot, end=later[0])
            elif (
                choice == OpenEnds.NEXT_AND_SESSION_END
                and session_end is not None
                and session_end > slot.start
            ):
                slot = replace(slot, end=session_end)
        ended.append(slot)
    return ended
