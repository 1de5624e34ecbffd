"""Conditional requests to the exports and the public pages: ETag, Last-Modified, 304.

The page cache is on here as on the site (the test settings' local-memory cache):
a request either renders (a miss) or is answered from the cache, and both must
answer validators alike, for GET and for HEAD (RFC 9110 13.1.2, 13.1.3).
"""

from datetime import UTC, date, datetime, time, timedelta
from unittest import mock

import pytest
from django.core.cache import cache
from django.utils.http import http_date

from sessions.models import AgendaChange
from tests.factories import SessionFactory, SessionRoleFactory

pytestmark = pytest.mark.django_db

EVENT_EXPORTS = ["calendar.ics", "schedule.json", "schedule.xml", "changes.atom"]
EXPORTS = [*EVENT_EXPORTS, "session.ics"]
PAGES = [*EXPORTS, "session page", "event page"]
START = datetime(2026, 5, 4, 10, 0, 0, 100_000, tzinfo=UTC)


class Clock:
    """timezone.now() as the test sets it: every save and request reads it."""

    def __init__(self, now):
        self.now = now

    def __call__(self):
        return self.now

    def advance(self, **delta):
        self.now += timedelta(**delta)


@pytest.fixture
def clock():
    clock = Clock(START)
    with mock.patch("django.utils.timezone.now", clock):
        yield clock


@pytest.fixture
def session(clock, django_capture_on_commit_callbacks):
    """A published, dated session with one recorded change (so the Atom feed has
    an entry that names it), saved at START, as after a real commit."""
    with django_capture_on_commit_callbacks(execute=True):
        session = SessionFactory(
            date=date(2026, 6, 1),
            start_time=time(11, 30),
            end_time=time(13, 0),
            time_zone="Europe/Vienna",
            venue="Vienna International Centre",
            title="First title",
        )
        session.publish()
        session.save()
        AgendaChange.objects.create(
            session=session, kind="when", description="Moved.", changed_at=clock()
        )
    return session


def url_of(session, name):
    if name == "session.ics":
        return f"/events/{session.event.slug}/{session.slug}.ics"
    if name == "session page":
        return session.get_absolute_url()
    if name == "event page":
        return session.event.get_absolute_url()
    return f"/events/{session.event.slug}/{name}"


def rename(session, title, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        session.title = title
        session.save()


@pytest.mark.parametrize("name", EXPORTS)
def test_two_versions_in_one_second_never_answer_304_to_the_first_ones_date(
    client, clock, session, django_capture_on_commit_callbacks, name
):
    url = url_of(session, name)
    first = client.get(url)
    clock.advance(seconds=0.5)
    rename(session, "Second title", django_capture_on_commit_callbacks)  # 10:00:00.6
    clock.advance(seconds=0.6)

    # Last-Modified has whole seconds: both versions were made in 10:00:00.
    again = client.get(url, headers={"if-modified-since": http_date(START.timestamp())})

    assert first.status_code == 200
    assert again.status_code == 200
    assert b"Second title" in again.content
    assert "Last-Modified" not in first
    assert "Last-Modified" not in again
    # The ETag tells the versions apart at once.
    assert again["ETag"] != first["ETag"]
    assert client.get(url, headers={"if-none-match": again["ETag"]}).status_code == 304


@pytest.mark.parametrize("name", EXPORTS)
def test_a_version_old_enough_answers_304_to_its_last_modified(
    client, clock, session, django_assert_num_queries, name
):
    url = url_of(session, name)
    clock.advance(minutes=5)

    first = client.get(url)
    with django_assert_num_queries(0):  # from the page cache
        again = client.get(url, headers={"if-modified-since": first["Last-Modified"]})

    assert first["Last-Modified"] == http_date(START.timestamp())
    assert (again.status_code, again.content) == (304, b"")


def test_atom_feed_date_moves_with_what_the_feed_shows_not_only_its_newest_entry(
    client, clock, session, django_capture_on_commit_callbacks
):
    # The entries name their session: a new title changes the feed, with no new entry.
    url = url_of(session, "changes.atom")
    clock.advance(minutes=5)
    first = client.get(url)
    rename(session, "Second title", django_capture_on_commit_callbacks)
    clock.advance(minutes=5)

    again = client.get(url, headers={"if-modified-since": first["Last-Modified"]})

    assert again.status_code == 200
    assert b"Second title" in again.content
    assert again["Last-Modified"] == http_date((START + timedelta(minutes=5)).timestamp())


@pytest.mark.parametrize("name", PAGES)
def test_head_with_a_matching_etag_gets_304_rendered_or_from_the_cache(
    client, clock, session, django_assert_num_queries, name
):
    url = url_of(session, name)
    clock.advance(minutes=5)
    etag = client.get(url)["ETag"]
    cache.clear()

    rendered = client.head(url, headers={"if-none-match": etag})
    client.get(url)  # in the page cache again
    with django_assert_num_queries(0):
        cached = client.head(url, headers={"if-none-match": etag})
        other = client.head(url, headers={"if-none-match": '"another-version"'})

    assert (rendered.status_code, rendered.content) == (304, b"")
    assert (cached.status_code, cached.content) == (304, b"")
    assert rendered["ETag"] == cached["ETag"] == etag
    assert other.status_code == 200
    assert other["ETag"] == etag


@pytest.mark.parametrize("name", EXPORTS)
def test_head_with_if_modified_since_gets_304_rendered_or_from_the_cache(
    client, clock, session, django_assert_num_queries, name
):
    url = url_of(session, name)
    clock.advance(minutes=5)
    last_modified = client.get(url)["Last-Modified"]
    earlier = http_date((START - timedelta(hours=1)).timestamp())
    cache.clear()

    rendered = client.head(url, headers={"if-modified-since": last_modified})
    client.get(url)  # in the page cache again
    with django_assert_num_queries(0):
        cached = client.head(url, headers={"if-modified-since": last_modified})
        older = client.head(url, headers={"if-modified-since": earlier})

    assert (rendered.status_code, cached.status_code) == (304, 304)
    assert cached["Last-Modified"] == last_modified
    assert older.status_code == 200


def test_head_right_after_a_change_gets_no_304_for_an_if_modified_since(
    client, clock, session, django_capture_on_commit_callbacks
):
    url = url_of(session, "calendar.ics")
    client.get(url)
    clock.advance(seconds=0.5)
    rename(session, "Second title", django_capture_on_commit_callbacks)
    clock.advance(seconds=0.6)
    client.get(url)  # in the page cache

    again = client.head(url, headers={"if-modified-since": http_date(START.timestamp())})

    assert again.status_code == 200
    assert "Last-Modified" not in again


@pytest.mark.parametrize("removed", ["a role", "a session"])
def test_a_removal_moves_last_modified_on_so_if_modified_since_gets_the_new_file(
    client, clock, session, django_capture_on_commit_callbacks, removed
):
    other = SessionFactory(event=session.event, date=date(2026, 6, 2), time_zone="Europe/Vienna")
    other.publish()
    other.save()
    role = SessionRoleFactory(session=session)
    url = url_of(session, "calendar.ics")
    clock.advance(minutes=5)
    first = client.get(url)
    clock.advance(minutes=5)
    with django_capture_on_commit_callbacks(execute=True):
        (role if removed == "a role" else other).delete()
    clock.advance(minutes=5)

    again = client.get(url, headers={"if-modified-since": first["Last-Modified"]})

    assert again.status_code == 200
    assert again["Last-Modified"] == http_date((START + timedelta(minutes=10)).timestamp())


@pytest.mark.parametrize("name", EXPORTS)
def test_an_exports_etag_from_the_cache_still_costs_one_query_once_the_cache_moved_on(
    client, clock, session, django_assert_num_queries, name
):
    url = url_of(session, name)
    client.get(url)
    etag = client.get(url)["ETag"]  # from the page cache
    cache.clear()  # a new quarter hour, or the cache evicted it

    with django_assert_num_queries(1):  # the fingerprint
        again = client.get(url, headers={"if-none-match": etag})

    assert again.status_code == 304
