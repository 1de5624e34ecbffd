""" "Happening now" on the public session page: before, during and after a meeting,
and the published schedule left as it is."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from common import caching
from sessions.live.marks import mark
from sessions.models import AgendaChange, LiveMark
from tests.factories import EventStaffFactory
from tests.helpers import past_meeting

pytestmark = pytest.mark.django_db

STARTED, ENDED, SKIPPED = LiveMark.Kind.STARTED, LiveMark.Kind.ENDED, LiveMark.Kind.SKIPPED


@pytest.fixture
def meeting():
    return past_meeting()


def page(client, session):
    response = client.get(session.get_absolute_url())
    assert response.status_code == 200
    return response.text


def test_before_the_meeting_the_page_has_no_live_box(client, meeting):
    session, _ = meeting

    assert "Happening now" not in page(client, session)


def test_during_the_meeting_now_next_and_expected_times_marked_as_such(client, meeting):
    session, slots = meeting
    staff = EventStaffFactory()
    at = timezone.now() - timedelta(minutes=10)
    mark(slots["Opening"], STARTED, by=staff, at=at)
    mark(slots["Panel"], SKIPPED, by=staff)

    with CaptureQueriesContext(connection) as queries:
        text = page(client, session)

    assert len(queries) == 5  # the marks come with the session's own query
    assert "Happening now" in text
    assert 'data-live="now">Opening</span>' in text
    assert 'data-live="next">Closing, expected at' in text
    assert "late: expected times are shown beside" in text
    assert "Started at" in text
    assert "Skipped." in text
    assert "Expected at" in text  # Closing, beside its planned 11:00
    assert "live-now-next.js" in text


def test_after_the_meeting_the_box_goes(client, meeting):
    session, slots = meeting
    staff = EventStaffFactory()
    start = timezone.now() - timedelta(hours=2)
    for number, slot in enumerate(slots.values()):
        mark(slot, STARTED, by=staff, at=start + timedelta(minutes=30 * number))
        mark(slot, ENDED, by=staff, at=start + timedelta(minutes=30 * number + 29))

    text = page(client, session)

    assert "Happening now" not in text
    assert "Expected at" not in text


def test_marks_leave_the_published_schedule_alone(client, meeting):
    session, slots = meeting
    sequence = session.sequence
    changes = AgendaChange.objects.count()

    mark(slots["Opening"], STARTED, by=EventStaffFactory(), at=timezone.now())

    session.refresh_from_db()
    assert session.sequence == sequence
    assert AgendaChange.objects.count() == changes
    assert "SEQUENCE:" + str(sequence) in client.get(session.get_absolute_url()[:-1] + ".ics").text


class RecordingCache:
    """The page cache's backend, with the timeout of each page it stores noted."""

    def __init__(self, backend):
        self.backend, self.timeouts = backend, []

    def set(self, key, value, timeout=None, **kwargs):
        if key.startswith("public-page:"):
            self.timeouts.append(timeout)
        return self.backend.set(key, value, timeout, **kwargs)

    def __getattr__(self, name):
        return getattr(self.backend, name)


def test_while_the_meeting_runs_a_cached_copy_lasts_the_minute_only(
    client, meeting, settings, tmp_path, monkeypatch, django_capture_on_commit_callbacks
):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "cache"),
        }
    }
    recording = RecordingCache(caching.cache)
    monkeypatch.setattr(caching, "cache", recording)
    session, slots = meeting
    page(client, session)  # before: kept as any page
    with django_capture_on_commit_callbacks(execute=True):
        mark(slots["Opening"], STARTED, by=EventStaffFactory(), at=timezone.now())

    assert "Happening now" in page(client, session)  # the mark replaced the version

    assert recording.timeouts[0] == caching.PAGE_TIMEOUT
    assert 1 <= recording.timeouts[1] <= 60


def test_no_worker_keeps_a_live_page_in_its_memory(
    client, meeting, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "cache"),
        }
    }
    session, slots = meeting
    with django_capture_on_commit_callbacks(execute=True):
        mark(slots["Opening"], STARTED, by=EventStaffFactory(), at=timezone.now())
    caching.recent_pages.clear()

    page(client, session)  # rendered and stored in the shared cache
    page(client, session)  # read from the shared cache, as another worker would

    assert caching.recent_pages._pages == {}


def test_a_meeting_left_unfinished_stops_showing_as_running(client, meeting):
    session, slots = meeting
    # Started long ago and never ended: no "Happening now" for days on end.
    mark(slots["Opening"], STARTED, by=EventStaffFactory(), at=timezone.now() - timedelta(hours=4))

    assert "Happening now" not in page(client, session)
