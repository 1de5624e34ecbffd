"""Times, spans, durations and lists as people read them, written once.

Every page, export, message and form formats a wall-clock time, a span or a
duration through these functions, so the page, the printout, the calendar and the
admin's messages agree character for character: times to the minute, an en dash
between the ends of a span, no spaces around it.
"""

import functools
import re
from datetime import date, time, timedelta

SPAN_DASH = "–"  # en dash, as typographers write a range


def clock(wall_time: time | None) -> str:
    """11:30; an empty string for no time."""
    # Not f"{wall_time:%H:%M}": strftime() costs ten times as much, on every row.
    return f"{wall_time.hour:02}:{wall_time.minute:02}" if wall_time is not None else ""


def span(start: time | None, end: time | None, *, unknown: str = "") -> str:
    """Start and end joined by SPAN_DASH; the start alone for a milestone (no end);
    `unknown` when there is no start."""
    if start is None:
        return unknown
    return clock(start) if end is None else f"{clock(start)}{SPAN_DASH}{clock(end)}"


def date_range(first: date | None, last: date | None) -> str:
    """One day, or the first and last with what they share said once, joined by an
    en dash: "29 March 2026", "29 to 31 March 2026" (with the dash); "" with no date."""
    if first is None:
        return ""
    last = last or first
    if first == last:
        return f"{first.day} {first:%B %Y}"
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day}–{last.day} {last:%B %Y}"
    if first.year == last.year:
        return f"{first.day} {first:%B} – {last.day} {last:%B %Y}"
    return f"{first.day} {first:%B %Y} – {last.day} {last:%B %Y}"


def duration(delta: timedelta | None) -> str:
    """35 min, 1 h, 1 h 05 min; an empty string for none."""
    if delta is None:
        return ""
    minutes = int(delta.total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    if not hours:
        return f"{minutes} min"
    return f"{hours} h" if not minutes else f"{hours} h {minutes:02d} min"


def duration_in_words(delta: timedelta | None) -> str:
    """1 hour, 2 hours, 30 minutes, 1 hour 30 minutes, 1 day: for a sentence ("try
    again in 1 hour"); an empty string for none. The length of a negative delta."""
    if delta is None:
        return ""
    hours, minutes = divmod(int(abs(delta).total_seconds() // 60), 60)
    days, hours = divmod(hours, 24)
    words = [
        f"{n} {unit}{'' if n == 1 else 's'}"
        for n, unit in ((days, "day"), (hours, "hour"), (minutes, "minute"))
        if n
    ]
    return " ".join(words) or "a minute"


def iso_duration(delta: timedelta | None) -> str:
    """The same span as an ISO 8601 duration (PT1H05M), for <time datetime>."""
    minutes = int(delta.total_seconds() // 60) if delta else 0
    return f"PT{minutes // 60}H{minutes % 60}M"


def utc_offset(aware) -> str:
    """UTC+01:00 for an aware datetime; UTC for no offset; empty for none."""
    if aware is None:
        return ""
    minutes = int(aware.utcoffset().total_seconds() // 60)
    if not minutes:
        return "UTC"
    sign = "+" if minutes > 0 else "-"
    hours, minutes = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{minutes:02d}"


def and_join(items) -> str:
    """a, b and c."""
    items = [str(item) for item in items]
    if len(items) < 2:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


def and_join_oxford(items) -> str:
    """a, b, and c: as the seed page lists fields of expertise."""
    items = [str(item) for item in items]
    if len(items) < 3:
        return " and ".join(items)
    return f"{', '.join(items[:-1])}, and {items[-1]}"


def shorten(value, length=60) -> str:
    """The value as text, cut to `length` characters with an ellipsis."""
    text = "" if value is None else str(value)
    return text if len(text) <= length else text[: length - 1] + "…"


# A leading "The" of an honorific ("The Rt Hon", "The Lord") is written lower
# case inside a sentence: "moderated by the Rt Hon Jane Doe".
_LEADING_THE = re.compile(r"^The(?=\s)")


def full_name(person, *, mid_sentence=False) -> str:
    """Honorific, name and post-nominals: "The Rt Hon Jane Doe MP".

    `person` is anything with `honorific`, `name` and `post_nominals` (a speaker).
    Mid-sentence, a leading "The" of the honorific is lower case. Every page,
    export and message that names a person in full goes through here.
    """
    honorific = person.honorific
    if mid_sentence:
        honorific = _LEADING_THE.sub("the", honorific)
    parts = (honorific, person.name, getattr(person, "post_nominals", ""))
    return " ".join(part.strip() for part in parts if part and part.strip())


def names(people, *, mid_sentence=False) -> str:
    """Full names joined with commas and a final "and"."""
    return and_join(full_name(person, mid_sentence=mid_sentence) for person in people)


@functools.lru_cache(maxsize=4096)
def _words(text) -> str:
    # Remembered: an agenda item's text is searched for its moderators, then its speakers.
    return " ".join(str(text).casefold().split())


def names_already_said(people, text) -> bool:
    """Whether every person's name (without honorific or post-nominals) is already
    in `text` as whole words, whatever the case and spacing: a slot titled
    "Panel, moderated by Joyce Hakmeh" need not list Joyce Hakmeh again."""
    haystack = _words(text)
    # The plain substring test first: most names are not in the text, and it is cheap.
    return all(
        _words(person.name) in haystack and _name_pattern(person.name).search(haystack)
        for person in people
    )


@functools.lru_cache(maxsize=1024)
def _name_pattern(name):
    """A name as whole words, whatever the case and spacing (names_already_said())."""
    return re.compile(rf"(?<!\w){re.escape(_words(name))}(?!\w)")
