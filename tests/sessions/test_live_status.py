"""live.json: the live run for the pages that follow a meeting (sessions/live/status.py)."""

from datetime import time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from sessions.live.marks import mark
from sessions.models import LiveMark, Session
from tests.factories import AgendaSlotFactory, EventStaffFactory, SessionFactory, SpeakerFactory

pytestmark = pytest.mark.django_db

ZONE = ZoneInfo("Europe/Vienna")


@pytest.fixture
def meeting():
    """Published, yesterday: "Opening" then "Panel", all long before now."""
    yesterday = timezone.now().astimezone(ZONE).date() - timedelta(days=1)
    session = SessionFactory(
        date=yesterday,
        time_zone="Europe/Vienna",
        start_time=time(10),
        end_time=time(11),
        status=Session.Status.PUBLISHED,
    )
    opening = AgendaSlotFactory(
        session=session, start=time(10), end=time(10, 30), title="Opening", cue="Secret cue"
    )
    opening.speakers.add(SpeakerFactory(name="Ada Lovelace", honorific="Dr"))
    AgendaSlotFactory(session=session, start=time(10, 30), end=time(11), title="Panel")
    return session, opening


def url(session):
    return reverse("agenda:live_status", args=[session.event.slug, session.slug])


def test_before_any_mark_the_plan_and_the_first_item_next(client, meeting):
    session, _ = meeting

    document = client.get(url(session)).json()

    assert document["state"] == "not_begun"
    assert document["current"] is None
    assert document["next"]["title"] == "Opening"
    assert document["next"]["people"] == ["Dr Ada Lovelace"]
    assert document["late_by_minutes"] == 0
    assert [item["title"] for item in document["items"]] == ["Opening", "Panel"]


def test_a_mark_shows_at_once_and_nothing_for_staff_only_is_sent(
    client, meeting, django_capture_on_commit_callbacks
):
    session, opening = meeting
    client.get(url(session))  # stored for this minute

    with django_capture_on_commit_callbacks(execute=True):
        mark(opening, LiveMark.Kind.STARTED, by=EventStaffFactory())
    response = client.get(url(session))

    document = response.json()
    assert document["state"] == "running"
    assert document["current"]["title"] == "Opening"
    assert document["next"]["title"] == "Panel"
    assert document["late_by_minutes"] > 0  # started a day late, and running
    assert "Secret cue" not in response.text


def test_a_poll_with_a_current_copy_gets_304_without_a_body(client, meeting):
    session, _ = meeting
    first = client.get(url(session))

    again = client.get(url(session), HTTP_IF_NONE_MATCH=first["ETag"])

    assert first.status_code == 200
    assert "no-cache" in first["Cache-Control"]
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == first["ETag"]


def test_polls_within_a_minute_are_answered_from_the_cache(
    client, meeting, django_assert_num_queries
):
    session, _ = meeting
    client.get(url(session))

    with django_assert_num_queries(0):
        assert client.get(url(session)).status_code == 200


def test_drafts_and_sessions_without_a_date_have_no_live_status(client, meeting):
    session, _ = meeting
    undated = SessionFactory(date=None, status=Session.Status.PUBLISHED)
    AgendaSlotFactory(session=undated)
    session.status = Session.Status.DRAFT
    session.save()

    assert client.get(url(session)).status_code == 404
    assert client.get(url(undated)).status_code == 404
