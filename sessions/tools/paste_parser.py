"""Read an agenda pasted as text, as it comes from an email or a document.

Pure functions, no models: `parse(text)` says, line by line, what it understood.

A line that starts with a time (after any bullet or leftover bold markers) is a
slot: `11:30-11:45 Welcome` a span, `11:30 Start of the meeting` a milestone.
Lines without a time that follow a slot are its description, one paragraph per
line. A line that is only punctuation (a stray `- .`) is ignored.

The parser asks rather than guesses: a line it cannot read for sure is marked
"please check" with the reason, and nothing is created until the text is fixed.
It asks about
- a bare number on its own (`1145`): a time, or a figure?
- times without minutes (`12-1`, `9 Registration`);
- a 12-hour time without am/pm for hours 1 to 7 (`1.30`): 01:30 or 13:30? Hours
  from 8 on are read as written, on the 24-hour clock (`9:00`, `13:00`);
- a span that ends before it starts, or ends when it starts;
- a clock time that does not exist (`11:60`), a title too long for a slot.
"""

import enum
import re
from dataclasses import dataclass, field
from datetime import time

from django.core.exceptions import ValidationError

from common.formatting import span
from common.validators import validate_single_line

TITLE_MAX_LENGTH = 200  # AgendaSlot.title; repeated so the parser needs no models

# Hyphen, non-breaking hyphen, figure dash, en dash, em dash, minus sign.
_DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2212"
_DASH_CLASS = re.escape(_DASHES)  # for use inside [...] in a pattern
_BULLET = re.compile(rf"^(?:[{_DASH_CLASS}*•·▪◦‣>]\s*)+")
_BOLD = re.compile(r"\*\*|__")


def _time_pattern(name):
    return rf"""
        (?P<{name}_hour>\d{{1,2}})
        (?:
            (?P<{name}_sep>[:.h])(?P<{name}_minute>\d{{2}})  # 11:30, 11.30, 11h30
          | (?P<{name}_packed>\d{{2}})                      # 1130
        )?
        (?:\s*(?P<{name}_meridiem>[ap])\.?m\b\.?)?          # 1.30pm, 9 a.m.
        (?=$|[\s,;:|)*{_DASH_CLASS}]|to\b)                      # the time ends here
    """


_TIMED_LINE = re.compile(
    rf"""
    ^{_time_pattern("start")}
    (?:\s*(?:[{_DASH_CLASS}]|to\b)\s*{_time_pattern("end")})?
    (?P<rest>.*)$
    """,
    re.VERBOSE | re.IGNORECASE,
)
_TITLE_LEAD = f" \t:|,.{_DASHES}"


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


@dataclass(frozen=True)
class Parsed:
    lines: list[PastedLine]  # every line that is not blank, in order
    slots: list[PastedSlot]  # what would be created, in the order of the text

    @property
    def to_check(self):
        return [line for line in self.lines if line.status == Status.CHECK]


class _NotATime(Exception):
    """The digits at the start of the line are not a time: the line is text."""


def parse(text):
    lines = []
    owner = None  # the latest slot (or line to check) that text lines belong to
    descriptions = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        stripped = raw.strip()
        if not stripped:
            continue
        if not any(char.isalnum() for char in stripped):
            lines.append(PastedLine(number, stripped, Status.IGNORED, reasons=["only punctuation"]))
            continue
        line = _read_timed_line(number, stripped)
        if line is not None:
            lines.append(line)
            owner = line
            descriptions[number] = []
            continue
        if owner is None:
            lines.append(
                PastedLine(
                    number,
                    stripped,
                    Status.IGNORED,
                    reasons=["no time, and no slot above it to describe"],
                )
            )
        elif owner.status == Status.SLOT and not owner.title:
            owner.title = _one_line(_clean(stripped))
            _check_title(owner)
            lines.append(PastedLine(number, stripped, Status.TITLE, owner=owner))
        else:
            descriptions[owner.number].append(stripped)
            lines.append(PastedLine(number, stripped, Status.DESCRIPTION, owner=owner))

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
        )
        for line in lines
        if line.status == Status.SLOT
    ]
    return Parsed(lines=lines, slots=slots)


def _clean(text):
    return _BOLD.sub("", text).strip()


def _one_line(text):
    """Tabs, non-breaking and repeated spaces as one space: a title is one line."""
    return " ".join(text.split())


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


def _read_timed_line(number, stripped):
    """A PastedLine for a line that starts with a time, or None for a line of text."""
    cleaned = _clean(_BULLET.sub("", _clean(stripped)))
    match = _TIMED_LINE.match(cleaned)
    if match is None:
        return None
    parts = match.groupdict()
    is_range = parts["end_hour"] is not None
    try:
        start, start_reasons = _read_time(parts, "start", alone=not is_range)
        end, end_reasons = _read_time(parts, "end", alone=False) if is_range else (None, [])
    except _NotATime:
        return None
    title = _one_line(parts["rest"].lstrip(_TITLE_LEAD))
    line = PastedLine(number, stripped, Status.SLOT, start=start, end=end, title=title)
    reasons = start_reasons + end_reasons
    if not reasons and end is not None and end <= start:
        pasted = span(start, end)
        reasons.append(
            f"{pasted} ends before it starts"
            if end < start
            else f"{pasted} ends when it starts: leave out the end for a moment in the agenda"
        )
    for reason in reasons:
        _flag(line, reason)
    if line.status == Status.SLOT:
        _check_title(line)
    return line


def _read_time(parts, name, *, alone):
    """(time or None, reasons to check) for one time of the line.

    Raises _NotATime when the digits cannot be a clock time and were not written
    like one (`25-30 participants`, `2019 review` is asked about below).
    """
    hour_text = parts[f"{name}_hour"]
    hour = int(hour_text)
    minute_text = parts[f"{name}_minute"] or parts[f"{name}_packed"]
    minute = int(minute_text) if minute_text else 0
    meridiem = (parts[f"{name}_meridiem"] or "").lower()
    written = hour_text + (parts[f"{name}_sep"] or "") + (minute_text or "")
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
