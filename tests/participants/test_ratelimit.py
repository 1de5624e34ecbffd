"""The request form's rate limit: exact under concurrency, in a store of its own."""

import os
import socket
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from io import StringIO

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone

from participants import ratelimit
from participants.models import ParticipantRequest, RateLimitCounter
from tests.factories import RequestSettingsFactory
from tests.helpers import request_url

SIMULTANEOUS = 30


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def request_data(n):
    return {
        "name": f"Person {n}",
        "email": f"person{n}@example.org",
        "organisation": "Somewhere",
        "expertise": "Other",
        "motivation": "Let me in.",
        "consent": "on",
    }


@pytest.fixture(params=["database", "redis", "redis down"])
def counter_store(request, settings, tmp_path):
    """The stores the site counts in: the database when there is no Redis (with the
    file cache as page cache, as `make run` has it), Redis when there is, and the
    database again while that Redis is down."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "cache"),
        }
    }
    if request.param == "redis":
        location = os.environ.get("REDIS_URL") or pytest.fail(
            "REDIS_URL is not set: run the tests with scripts/test or set REDIS_URL=redis://HOST:PORT"
        )
        settings.CACHES["ratelimit"] = {
            "BACKEND": "common.cache_backends.ResilientRedisCache",
            "LOCATION": location + "/15",
            "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
        }
    elif request.param == "redis down":
        settings.CACHES["ratelimit"] = {
            "BACKEND": "common.cache_backends.ResilientRedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    yield request.param
    cache.clear()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_simultaneous_posts_from_one_address_accept_exactly_the_limit(counter_store):
    session = RequestSettingsFactory(session__fields_of_expertise="law").session
    url = request_url(session)
    limit, _ = ratelimit.PER_CLIENT
    start = threading.Barrier(SIMULTANEOUS)

    def post(n):
        try:
            client = Client(REMOTE_ADDR="198.51.100.7")
            start.wait()
            return client.post(url, request_data(n)).status_code
        finally:
            connection.close()  # each thread has its own connection

    with ThreadPoolExecutor(SIMULTANEOUS) as pool:
        statuses = list(pool.map(post, range(SIMULTANEOUS)))

    assert sorted(statuses) == [302] * limit + [429] * (SIMULTANEOUS - limit)
    assert ParticipantRequest.objects.count() == limit


@pytest.mark.django_db
def test_counters_survive_the_page_cache_being_emptied(counter_store):
    for _ in range(3):
        ratelimit.hit(scope="request-ip", value="198.51.100.7", rate=(3, 3600))

    cache.clear()  # what culling a full page cache, or made-up URLs filling it, can do

    assert not ratelimit.hit(scope="request-ip", value="198.51.100.7", rate=(3, 3600))


@pytest.mark.django_db
def test_a_new_window_starts_when_the_old_one_has_ended():
    for _ in range(3):
        ratelimit.hit(scope="request-ip", value="198.51.100.7", rate=(3, 3600))
    RateLimitCounter.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    assert ratelimit.hit(scope="request-ip", value="198.51.100.7", rate=(3, 3600))
    assert RateLimitCounter.objects.get().count == 1


@pytest.mark.django_db
def test_database_counters_hold_no_address_in_clear():
    ratelimit.hit(scope="request-email", value="ada@example.org", rate=(5, 60))

    [counter] = RateLimitCounter.objects.all()
    assert "ada" not in counter.key
    assert "example" not in counter.key


@pytest.mark.django_db
def test_the_purge_deletes_ended_counters_and_keeps_running_ones():
    ratelimit.hit(scope="request-ip", value="198.51.100.7", rate=(3, 3600))
    ratelimit.hit(scope="request-ip", value="198.51.100.8", rate=(3, 3600))
    RateLimitCounter.objects.filter(pk=RateLimitCounter.objects.first().pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    out = StringIO()

    call_command("purge_participant_requests", stdout=out)

    assert RateLimitCounter.objects.count() == 1
    assert "Deleted 1 ended rate-limit counter(s)" in out.getvalue()
