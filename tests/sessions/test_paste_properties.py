"""Property-based tests of the paste tool (hypothesis): what holds for any text.

- Agendas written in any of the shapes organisers paste are read back with the
  times and the titles they were written with.
- For any text, no slot's title holds the clock time that was read as its time,
  and no line that holds a clock time is silently dropped or taken as text.
- Pasting the same text twice in "Add" mode creates nothing the second time.

Kept fast: a modest number of examples each, no deadline (the machine is shared).
"""

import re
from datetime import time

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sessions.tools import paste, paste_parser
from sessions.tools.paste_parser import Status
from tests.factories import SessionFactory, SpeakerFactory

FAST = settings(max_examples=60, deadline=None, database=None)

WORDS = ["Welcome", "Keynote", "Panel", "Coffee", "break", "Q&A", "on", "cyber", "Closing"]
BULLETS = ["", "- ", "* ", "• ", "**", "\ufeff", "\u200b", "1. ", "a) "]


def clock(minutes):
    return time(minutes // 60, minutes % 60)


def written(moment, style):
    """A time as organisers write it."""
    hour, minute = moment.hour, moment.minute
    if style == "colon":
        return f"{hour:02d}:{minute:02d}"
    if style == "dot":
        return f"{hour:02d}.{minute:02d}"
    if style == "h":
        return f"{hour:02d}h{minute:02d}"
    if style == "seconds":
        return f"{hour:02d}:{minute:02d}:00"
    half = "AM" if hour < 12 else "PM"
    return f"{(hour % 12) or 12}:{minute:02d} {half}"


# How one line gives its start, its end (or none) and its title.
SHAPES = {
    "dash": lambda s, e, t: f"{s} – {e} {t}" if e else f"{s} {t}",
    "until": lambda s, e, t: f"{s} until {e} {t}" if e else f"{s} {t}",
    "from-to": lambda s, e, t: f"from {s} to {e} {t}" if e else f"{s}: {t}",
    "tabs": lambda s, e, t: f"{s}\t{e}\t{t}" if e else f"{s}\t{t}\t",
    "title-first-tabs": lambda s, e, t: f"{t}\t{s}\t{e}" if e else f"{t}\t{s}",
    "table": lambda s, e, t: f"| {s} | {e} | {t} | |" if e else f"| {s} | | {t} |",
    "after-the-title": lambda s, e, t: f"{t} {s}–{e}" if e else f"{t} ({s})",
}


@st.composite
def agendas(draw):
    """(text, [(start, end, title)]): items in time order, one shape for the text."""
    count = draw(st.integers(min_value=1, max_value=6))
    starts = sorted(draw(st.sets(st.integers(8 * 60, 21 * 60), min_size=count, max_size=count)))
    shape = draw(st.sampled_from(sorted(SHAPES)))
    style = draw(st.sampled_from(["colon", "dot", "h", "seconds", "ampm"]))
    if shape in ("tabs", "title-first-tabs", "table") and style == "h":
        style = "colon"
    lines, expected = [], []
    for index, start in enumerate(starts):
        following = starts[index + 1] if index + 1 < len(starts) else 22 * 60
        ends = draw(st.none() | st.integers(start + 1, following))
        title = " ".join(draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=4)))
        if title[0].islower():
            title = title.capitalize()
        end = clock(ends) if ends is not None else None
        line = SHAPES[shape](
            written(clock(start), style), written(end, style) if end else "", title
        )
        lead = draw(st.sampled_from(BULLETS))
        if lead == "**" and not line[0].isdigit():
            lead = ""  # bold markers around a title stay in pairs, see below
        lines.append(lead + line)
        expected.append((clock(start), end, title))
        if draw(st.booleans()):
            lines.append(draw(st.sampled_from(["", "A few words about it.", "- ."])))
    return "\n".join(lines), expected


@FAST
@given(agendas())
def test_agendas_in_any_shape_are_read_back_as_written(agenda):
    text, expected = agenda

    parsed = paste_parser.parse(text)

    assert parsed.to_check == [], [line.reasons for line in parsed.to_check]
    assert [(s.start, s.end, s.title) for s in parsed.slots] == expected


# Any text: characters that agendas are made of, in any order.
SNIPPETS = ["to ", "AM", "Lunch", "with ", "Q&A", "until ", "\ufeff", "\u200b", "\u00a0"]
AGENDA_CHARACTERS = st.sampled_from([*"0123456789:.h-–|\t *_()apm \n", *SNIPPETS])
ANY_TEXT = st.lists(AGENDA_CHARACTERS, max_size=60).map("".join) | st.text(max_size=60)

CLOCK = re.compile(r"(?<![\d:.])(?:[01]?\d|2[0-3]):[0-5]\d(?::[0-5]\d)?(?![\d:])")


def ways_of_writing(moment):
    hour, minute = moment.hour, moment.minute
    return {
        f"{hour:02d}:{minute:02d}",
        f"{hour}:{minute:02d}",
        f"{hour:02d}.{minute:02d}",
        f"{hour:02d}{minute:02d}",
    }


@FAST
@given(ANY_TEXT)
def test_no_title_holds_the_time_read_as_its_slots_time(text):
    parsed = paste_parser.parse(text)

    lines = {line.number: line for line in parsed.lines}
    for slot in parsed.slots:
        source = lines[slot.line].text
        for moment in filter(None, (slot.start, slot.end)):
            for way in ways_of_writing(moment):
                # Written once on its line and read as the time: it is not the title's too.
                if source.count(way) == 1:
                    assert way not in slot.title, (source, slot)


@FAST
@given(ANY_TEXT)
def test_no_line_with_a_time_is_dropped_or_taken_as_text(text):
    parsed = paste_parser.parse(text)

    for line in parsed.lines:
        if CLOCK.search(line.text):
            assert line.status in (Status.SLOT, Status.CHECK), (line.text, line.status)


@settings(FAST, max_examples=30, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(agendas(), st.sampled_from(["", " with Jane Doe", ", moderated by Dr Jane Doe"]))
@pytest.mark.django_db
def test_pasting_the_same_text_twice_in_add_mode_creates_nothing_the_second_time(agenda, people):
    text, _ = agenda
    text = "\n".join(f"{line}{people}" if line[:1].isdigit() else line for line in text.split("\n"))
    with transaction.atomic():  # each example on its own, rolled back at its end
        session = SessionFactory(start_time=time(8, 0), end_time=time(22, 0))
        SpeakerFactory(name="Jane Doe")
        try:
            first = paste.agenda_paste(session=session, text=text, open_ends="next")
        except ValidationError:
            first = []
        count = session.slots.count()

        try:
            second = paste.agenda_paste(session=session, text=text, open_ends="next")
        except ValidationError:
            second = []

        assert count == len(first)
        assert second == []
        assert session.slots.count() == count
        transaction.set_rollback(True)
