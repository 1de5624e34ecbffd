"""One way to write a time, a span and a duration, for every page, export and message."""

from datetime import time, timedelta
from types import SimpleNamespace

import pytest

from common.formatting import (
    and_join,
    clock,
    duration,
    duration_in_words,
    full_name,
    names,
    names_already_said,
    span,
)
from sessions.core.rules import SlotTimes
from sessions.core.text import agenda_lines


def test_span_joins_start_and_end_with_an_en_dash():
    assert span(time(11, 30), time(11, 45)) == "11:30–11:45"


def test_span_of_a_milestone_is_its_start_alone():
    assert span(time(11, 30), None) == "11:30"


def test_span_without_a_start_says_what_the_caller_asks():
    assert span(None, None, unknown="time to be confirmed") == "time to be confirmed"


def test_clock_is_to_the_minute_even_with_seconds():
    assert clock(time(8, 0, 59)) == "08:00"
    assert clock(None) == ""


@pytest.mark.parametrize(
    ("minutes", "text"),
    [(35, "35 min"), (60, "1 h"), (65, "1 h 05 min"), (0, "0 min")],
)
def test_duration_in_hours_and_minutes(minutes, text):
    assert duration(timedelta(minutes=minutes)) == text


@pytest.mark.parametrize(
    ("minutes", "text"),
    [
        (60, "1 hour"),
        (120, "2 hours"),
        (30, "30 minutes"),
        (1, "1 minute"),
        (90, "1 hour 30 minutes"),
        (0, "a minute"),
        (24 * 60, "1 day"),
        (2 * 24 * 60 + 30, "2 days 30 minutes"),
        (-30, "30 minutes"),
    ],
)
def test_duration_in_words_for_a_sentence(minutes, text):
    assert duration_in_words(timedelta(minutes=minutes)) == text
    assert duration_in_words(None) == ""


def test_and_join_lists_people_as_a_sentence():
    assert and_join(["Joyce Hakmeh", "Dr Patryk Pawlak"]) == "Joyce Hakmeh and Dr Patryk Pawlak"
    assert and_join(["a", "b", "c"]) == "a, b and c"


def test_rule_messages_and_exports_write_a_span_alike():
    times = SlotTimes(title="Panel", start=time(11, 45), end=time(12, 20))
    item = SimpleNamespace(start=times.start, end=times.end, slot=SimpleNamespace(title="Panel"))

    assert times.describe() == "“Panel” (11:45–12:20)"
    assert agenda_lines(SimpleNamespace(items=[item])) == ["11:45–12:20 Panel"]


def person(honorific="", name="Jane Doe", post_nominals=""):
    return SimpleNamespace(honorific=honorific, name=name, post_nominals=post_nominals)


def test_full_name_puts_the_honorific_before_and_the_post_nominals_after_the_name():
    assert full_name(person("Dr", "Patryk Pawlak")) == "Dr Patryk Pawlak"
    assert full_name(person("Sir", "John Smith", "KCMG")) == "Sir John Smith KCMG"
    assert full_name(person(name="Ian Tennant")) == "Ian Tennant"


@pytest.mark.parametrize(
    ("honorific", "expected"),
    [
        ("The Rt Hon", "the Rt Hon Jane Doe MP"),
        ("The Hon.", "the Hon. Jane Doe MP"),
        ("Dr", "Dr Jane Doe MP"),
        ("Theodora", "Theodora Jane Doe MP"),  # a word that merely begins with "The"
        ("", "Jane Doe MP"),
    ],
)
def test_a_leading_the_is_lower_case_mid_sentence(honorific, expected):
    assert full_name(person(honorific, post_nominals="MP"), mid_sentence=True) == expected


def test_names_are_joined_mid_sentence_with_each_leading_the_lower_case():
    people = [person("The Rt Hon", "Jane Doe"), person("The Lord", "Smith", "KC")]

    assert names(people, mid_sentence=True) == "the Rt Hon Jane Doe and the Lord Smith KC"
    assert names(people) == "The Rt Hon Jane Doe and The Lord Smith KC"


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("Panel, moderated by Joyce Hakmeh and Patryk Pawlak", True),
        ("Panel, moderated by JOYCE  HAKMEH and patryk pawlak", True),
        ("Panel, moderated by Joyce Hakmeh", False),
        ("Panel with Joyce Hakmehova and Patryk Pawlak", False),  # not a whole name
    ],
)
def test_names_already_said_matches_whole_names_whatever_their_case(text, said):
    people = [person("Dr", "Joyce Hakmeh"), person("", "Patryk Pawlak", "CMG")]

    assert names_already_said(people, text) is said
