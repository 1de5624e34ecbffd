"""The session page's tags that remember what they wrote (sessions/templatetags/agenda.py)."""

from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.urls import set_script_prefix

from common.reversing import reverse_remembered
from sessions.templatetags.agenda import clock, clock_span
from tests.factories import SpeakerFactory

# One instant, the same wall clock, a day apart: Kiritimati (UTC+14) and Honolulu (UTC-10).
KIRITIMATI = datetime(2027, 6, 2, 10, 0, tzinfo=ZoneInfo("Pacific/Kiritimati"))
HONOLULU = datetime(2027, 6, 1, 10, 0, tzinfo=ZoneInfo("Pacific/Honolulu"))


def test_one_instant_in_two_zones_is_written_with_each_zones_date_and_offset():
    assert KIRITIMATI == HONOLULU  # aware datetimes of one instant compare equal

    assert clock(time(10), KIRITIMATI) == '<time datetime="2027-06-02T10:00+14:00">10:00</time>'
    assert clock(time(10), HONOLULU) == '<time datetime="2027-06-01T10:00-10:00">10:00</time>'
    later = {zone: when.replace(hour=11) for zone, when in (("k", KIRITIMATI), ("h", HONOLULU))}
    assert "2027-06-01T11:00-10:00" in clock_span(time(10), time(11), HONOLULU, later["h"])
    assert "2027-06-02T11:00+14:00" in clock_span(time(10), time(11), KIRITIMATI, later["k"])


@pytest.fixture
def script_prefix():
    yield set_script_prefix
    set_script_prefix("/")


def test_remembered_addresses_follow_the_script_prefix(script_prefix):
    assert reverse_remembered("speaker", slug="jane-doe") == "/speakers/jane-doe/"

    script_prefix("/agenda/")

    assert reverse_remembered("speaker", slug="jane-doe") == "/agenda/speakers/jane-doe/"


def test_linked_names_are_escaped(db):
    person = SpeakerFactory(name="<b>Jane</b> & Co", honorific="Dr")
    rendered = Template("{% load agenda %}{% people_links people %}").render(
        Context({"people": [person]})
    )

    assert "&lt;b&gt;Jane&lt;/b&gt; &amp; Co" in rendered
    assert "<b>" not in rendered
