"""The page cache sends each page compressed as the browser asks, compressed once, and
a hit costs one read of the shared cache."""

import gzip
from unittest import mock

import brotli
import pytest
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import Client
from django.urls import path

from common import caching
from common.caching import public_page
from tests.helpers import DEMO_URL, change_form_data

pytestmark = pytest.mark.django_db

BROWSER = "gzip, deflate, br, zstd"


@pytest.fixture
def visitor():
    return Client()


def decoded(response):
    body = response.content
    encoding = response.get("Content-Encoding")
    if encoding == "br":
        return brotli.decompress(body)
    if encoding == "gzip":
        return gzip.decompress(body)
    assert encoding is None
    return body


@pytest.mark.parametrize(
    ("accept", "encoding"),
    [
        (BROWSER, "br"),
        ("gzip", "gzip"),
        ("br;q=0, gzip", "gzip"),
        ("gzip;q=0.5, br;q=0.4", "gzip"),
        ("*", "br"),
        ("identity", None),
        ("", None),
    ],
)
def test_each_browser_gets_the_encoding_it_accepts_rendered_or_from_the_cache(
    visitor, demo_after_commit, accept, encoding
):
    plain = visitor.get(DEMO_URL).content
    cache.clear()
    caching.recent_pages.clear()

    rendered = visitor.get(DEMO_URL, headers={"accept-encoding": accept})
    cached = visitor.get(DEMO_URL, headers={"accept-encoding": accept})

    for response in (rendered, cached):
        assert response.get("Content-Encoding") == encoding
        assert decoded(response) == plain
        assert int(response["Content-Length"]) == len(response.content)
        assert "Accept-Encoding" in response["Vary"]
        assert "Cookie" in response["Vary"]


def test_compressed_is_smaller_and_each_encoding_has_its_own_etag(visitor, demo_after_commit):
    by_encoding = {
        accept: visitor.get(DEMO_URL, headers={"accept-encoding": accept})
        for accept in ("br", "gzip", "identity")
    }

    assert len({response["ETag"] for response in by_encoding.values()}) == 3
    sizes = {accept: len(response.content) for accept, response in by_encoding.items()}
    assert sizes["br"] < sizes["gzip"] < sizes["identity"] / 2


@pytest.mark.parametrize("accept", ["br", "gzip", "identity"])
def test_a_repeat_request_with_its_encodings_etag_gets_304_from_the_cache_or_rendered(
    visitor, demo_after_commit, django_assert_num_queries, accept
):
    etag = visitor.get(DEMO_URL, headers={"accept-encoding": accept})["ETag"]

    with django_assert_num_queries(0):
        cached = visitor.get(DEMO_URL, headers={"accept-encoding": accept, "if-none-match": etag})
    cache.clear()
    rendered = visitor.get(DEMO_URL, headers={"accept-encoding": accept, "if-none-match": etag})

    assert (cached.status_code, rendered.status_code) == (304, 304)
    assert cached["ETag"] == rendered["ETag"] == etag


@pytest.mark.parametrize("accept", ["br", "gzip"])
def test_an_exports_compressed_etag_still_costs_the_one_fingerprint_query(
    visitor, demo_after_commit, django_assert_num_queries, accept
):
    url = f"/events/{demo_after_commit.event.slug}/changes.atom"
    first = visitor.get(url, headers={"accept-encoding": accept})
    cache.clear()

    with django_assert_num_queries(1):
        again = visitor.get(
            url, headers={"accept-encoding": accept, "if-none-match": first["ETag"]}
        )

    assert first["Content-Encoding"] == accept
    assert (again.status_code, again["ETag"]) == (304, first["ETag"])


def test_a_hit_reads_the_shared_cache_once_and_never_serves_a_page_older_than_a_save(
    visitor,
    organiser_client,
    demo_after_commit,
    django_capture_on_commit_callbacks,
):
    visitor.get(DEMO_URL, headers={"accept-encoding": BROWSER})
    reads = mock.patch.object(cache, "get", wraps=cache.get)

    with reads as counted:
        hit = visitor.get(DEMO_URL, headers={"accept-encoding": BROWSER})
    assert counted.call_count == 1  # the content version; the page is in this worker
    assert hit["Content-Encoding"] == "br"

    slots = [
        {"start": f"{s.start:%H:%M}", "end": f"{s.end:%H:%M}" if s.end else "", "title": s.title}
        for s in demo_after_commit.slots.all()
    ]
    slots[0]["title"] = "Opening words"
    data = change_form_data(demo_after_commit, slots=slots) | {"status": demo_after_commit.status}
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            organiser_client.post(
                f"/admin/agenda/session/{demo_after_commit.pk}/change/", data
            ).status_code
            == 302
        )

    after = visitor.get(DEMO_URL, headers={"accept-encoding": BROWSER})
    assert b"Opening words" in decoded(after)


def test_pages_for_organisers_are_never_compressed_by_the_cache(
    organiser_client, demo_after_commit
):
    page = organiser_client.get(DEMO_URL, headers={"accept-encoding": BROWSER})

    assert page.status_code == 200
    assert "Content-Encoding" not in page


@public_page
def page_with_a_token(request):
    """A public page that (wrongly) holds a CSRF token: a secret beside the content."""
    return HttpResponse(f"<p>{get_token(request)}</p>" + "<p>agenda</p>" * 100)


urlpatterns = [path("token/", page_with_a_token)]


def test_a_page_with_a_csrf_token_is_neither_stored_nor_compressed(visitor, settings):
    settings.ROOT_URLCONF = __name__

    first = visitor.get("/token/", headers={"accept-encoding": BROWSER})
    second = Client().get("/token/", headers={"accept-encoding": BROWSER})

    assert first.status_code == 200
    assert "csrftoken" in first.cookies
    assert "Content-Encoding" not in first
    assert "Content-Encoding" not in second
    assert second.content != first.content  # rendered again with its own token
