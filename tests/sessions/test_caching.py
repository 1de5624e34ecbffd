import os
import uuid
from datetime import UTC, date, datetime, time

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import SessionFactory
from tests.helpers import DEMO_URL, change_form_data

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["files", "redis"])
def shared_cache(request, settings, tmp_path):
    """The cache backends that several worker processes can share."""
    if request.param == "files":
        backend = {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "cache"),
        }
    else:
        backend = {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": (
                os.environ.get("REDIS_URL")
                or pytest.fail(
                    "REDIS_URL is not set: run the tests with scripts/test (it starts its own Redis) or set REDIS_URL=redis://HOST:PORT"
                )
            )
            + "/15",
            "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
        }
    settings.CACHES = {"default": backend}
    yield request.param
    cache.clear()


@pytest.fixture
def visitor():
    """An anonymous browser, apart from the organiser's logged-in one."""
    return Client()


def test_repeat_visit_is_served_from_the_cache_without_queries(
    client, shared_cache, demo_after_commit, django_assert_num_queries
):
    first = client.get(DEMO_URL)

    with django_assert_num_queries(0):
        second = client.get(DEMO_URL)

    assert second.status_code == 200
    assert second.content == first.content


def test_organisers_edit_shows_on_the_very_next_public_request(
    visitor, organiser_client, shared_cache, demo_after_commit, django_capture_on_commit_callbacks
):
    visitor.get(DEMO_URL)  # now cached
    slots = [
        {"start": f"{s.start:%H:%M}", "end": f"{s.end:%H:%M}" if s.end else "", "title": s.title}
        for s in demo_after_commit.slots.all()
    ]
    slots[3]["title"] = "Questions from the floor"
    data = change_form_data(demo_after_commit, slots=slots)
    data["status"] = demo_after_commit.status

    with django_capture_on_commit_callbacks(execute=True):
        saved = organiser_client.post(f"/admin/agenda/session/{demo_after_commit.pk}/change/", data)

    assert saved.status_code == 302
    page = visitor.get(DEMO_URL).text
    assert '<h3 class="agenda-title">Questions from the floor</h3>' in page
    assert '<h3 class="agenda-title">Q&amp;A session</h3>' not in page


def test_unpublishing_from_the_list_hides_the_page_at_once(
    visitor, organiser_client, shared_cache, demo_after_commit, django_capture_on_commit_callbacks
):
    assert visitor.get(DEMO_URL).status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        organiser_client.post(
            "/admin/agenda/session/",
            {"action": "unpublish", "_selected_action": [demo_after_commit.pk]},
        )

    assert visitor.get(DEMO_URL).status_code == 404


def test_organiser_never_gets_the_anonymous_copy(visitor, organiser_client, demo_after_commit):
    visitor.get(DEMO_URL)

    page = organiser_client.get(DEMO_URL)

    assert "Edit in the admin" in page.text
    assert "Edit in the admin" not in visitor.get(DEMO_URL).text


def test_repeat_request_with_the_etag_gets_304_without_a_body(client, demo_after_commit):
    first = client.get(DEMO_URL)

    repeat = client.get(DEMO_URL, headers={"if-none-match": first["ETag"]})

    assert first["ETag"]
    assert repeat.status_code == 304
    assert repeat.content == b""
    assert "max-age=0" in first["Cache-Control"]


def test_changed_page_gets_a_new_etag(
    client, demo_after_commit, django_capture_on_commit_callbacks
):
    first = client.get(DEMO_URL)
    with django_capture_on_commit_callbacks(execute=True):
        demo_after_commit.end_time = time(13, 30)
        demo_after_commit.save()

    repeat = client.get(DEMO_URL, headers={"if-none-match": first["ETag"]})

    assert repeat.status_code == 200
    assert repeat["ETag"] != first["ETag"]


def test_opening_requests_for_places_shows_the_link_at_once(
    visitor, shared_cache, demo_after_commit, django_capture_on_commit_callbacks
):
    from participants.models import RequestSettings

    assert "Request a place" not in visitor.get(DEMO_URL).text

    with django_capture_on_commit_callbacks(execute=True):
        RequestSettings.objects.create(session=demo_after_commit, requests_open=True)

    assert "Request a place" in visitor.get(DEMO_URL).text


def test_shifting_the_agenda_shows_at_once(
    visitor, shared_cache, demo_after_commit, django_capture_on_commit_callbacks
):
    from sessions.tools.shift import agenda_shift

    visitor.get(DEMO_URL)

    with django_capture_on_commit_callbacks(execute=True):
        agenda_shift(session=demo_after_commit, minutes=15, move_session=True)

    page = visitor.get(DEMO_URL).text
    assert '<time datetime="13:05">13:05</time>–<time datetime="13:15">13:15</time>' in page


def test_tracking_parameters_share_the_cached_page(
    visitor, demo_after_commit, django_assert_num_queries
):
    visitor.get(DEMO_URL)

    with django_assert_num_queries(0):
        tagged = visitor.get(DEMO_URL, {"utm_source": "invitation", "utm_campaign": "june"})

    assert tagged.status_code == 200


def test_made_up_addresses_are_not_cached(visitor, demo_after_commit, django_assert_num_queries):
    visitor.get("/events/engaging-civil-society-cybercrime/no-such-session/")

    # Looked up again, not answered from the cache: the session, then whether the
    # address holds a slug given up by a rename (public/renames.py).
    with django_assert_num_queries(2):
        again = visitor.get("/events/engaging-civil-society-cybercrime/no-such-session/")

    assert again.status_code == 404


def test_a_page_number_outside_the_sitemap_shares_the_pages_copy(
    visitor, demo_after_commit, django_assert_num_queries
):
    visitor.get(DEMO_URL)

    with django_assert_num_queries(0):
        visitor.get(DEMO_URL, {"p": "7"})


def test_cached_home_page_drops_a_session_once_its_day_has_ended_in_its_zone(
    visitor, monkeypatch, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        SessionFactory(
            published=True, date=date(2030, 5, 6), time_zone="Europe/Vienna", title="Late night"
        )
    before_midnight = datetime(2030, 5, 6, 21, 50, tzinfo=UTC)  # 23:50 in Vienna
    monkeypatch.setattr(timezone, "now", lambda: before_midnight)
    assert "Late night" in visitor.get("/").text  # now cached

    after_midnight = datetime(2030, 5, 6, 22, 10, tzinfo=UTC)  # 00:10 in Vienna, same UTC day
    monkeypatch.setattr(timezone, "now", lambda: after_midnight)

    assert "Late night" not in visitor.get("/").text


def queries_for(get):
    """How many queries `get()` ran, and its response."""
    with CaptureQueriesContext(connection) as queries:
        response = get()
    return len(queries), response


def test_an_https_request_through_the_proxy_leaves_plain_visitors_their_own_page(
    visitor, settings, demo_after_commit
):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SITE_URL = "http://testserver"
    # The proxy passes the same Host header for both.
    visitor.get(DEMO_URL, headers={"host": "testserver", "x-forwarded-proto": "https"})

    count, plain = queries_for(lambda: visitor.get(DEMO_URL, headers={"host": "testserver"}))

    assert count > 0  # rendered for http, not the https copy
    assert "https://testserver" not in plain.text
    assert f'<link rel="canonical" href="http://testserver{DEMO_URL}">' in plain.text


@pytest.mark.parametrize("host", ["TESTSERVER", "testserver.", "testserver:80", "TestServer.:80"])
def test_spellings_of_the_sites_host_share_its_cached_page(
    visitor, demo_after_commit, django_assert_num_queries, host
):
    visitor.get(DEMO_URL)

    with django_assert_num_queries(0):
        again = visitor.get(DEMO_URL, headers={"host": host})

    assert again.status_code == 200


@pytest.mark.parametrize("host", ["testserver:8081", "anything.example.org", "EXAMPLE.org:81"])
def test_hosts_the_site_does_not_name_are_answered_but_not_cached(
    visitor, settings, demo_after_commit, host
):
    settings.ALLOWED_HOSTS = ["testserver", ".example.org"]

    for _ in range(2):
        count, response = queries_for(lambda: visitor.get(DEMO_URL, headers={"host": host}))
        assert response.status_code == 200
        assert count > 0


def test_a_host_named_in_allowed_hosts_or_site_url_is_cached(
    visitor, settings, demo_after_commit, django_assert_num_queries
):
    settings.ALLOWED_HOSTS = ["testserver", ".example.org"]
    settings.SITE_URL = "https://events.example.org"
    for host in ("example.org", "events.example.org"):
        visitor.get(DEMO_URL, headers={"host": host})

        with django_assert_num_queries(0):
            visitor.get(DEMO_URL, headers={"host": host})


@pytest.mark.parametrize("spelling", ["01", "001", "0000000001"])
def test_sitemap_page_numbers_share_one_copy_however_they_are_written(
    visitor, demo_after_commit, django_assert_num_queries, spelling
):
    visitor.get("/sitemap.xml", {"p": "1"})

    with django_assert_num_queries(0):
        again = visitor.get("/sitemap.xml", {"p": spelling})

    assert again.status_code == 200


@pytest.mark.parametrize("number", ["0", "2", "99999999999", "x", "", "1.0"])
def test_sitemap_pages_that_do_not_exist_are_404(visitor, demo_after_commit, number):
    assert visitor.get("/sitemap.xml", {"p": number}).status_code == 404  # never cached


@pytest.mark.parametrize("number", ["+1", " 1", "١", "0_1"])
def test_sitemap_page_numbers_python_reads_but_are_not_plain_are_not_cached(
    visitor, demo_after_commit, number
):
    for _ in range(2):
        count, response = queries_for(lambda: visitor.get("/sitemap.xml", {"p": number}))
        assert response.status_code == 200  # Django's sitemap reads them with int()
        assert count > 0
