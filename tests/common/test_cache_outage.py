"""Redis down: pages render from the database, logins stay throttled, and no page
older than the last save is served once Redis is back."""

import json
import logging
import os
import socket
import subprocess
import sys
import uuid

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.core.cache.backends.redis import RedisCacheClient
from django.test import Client
from redis.exceptions import ConnectionError as RedisConnectionError

from common import cache_backends, caching
from common.cache_backends import CacheUnavailable
from tests.factories import UserFactory
from tests.helpers import DEMO_URL, change_form_data, change_url

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_cache_health(monkeypatch):
    """Each test starts with no outage remembered; resting after a failure lasts
    no time unless a test says otherwise."""
    monkeypatch.setattr(cache_backends, "_HEALTH", {})
    monkeypatch.setattr(caching, "_renewed_after", {})
    monkeypatch.setattr(cache_backends, "RETRY_AFTER", 0.0)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def redis_down(settings):
    """A ResilientRedisCache pointed at a port where nothing listens."""
    settings.CACHES = {
        "default": {
            "BACKEND": "common.cache_backends.ResilientRedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }


class Outage:
    """A real Redis that keeps its data, and a switch that makes it unreachable:
    what a network cut or a paused Redis looks like to the site."""

    def __init__(self, monkeypatch):
        self.down = False
        real_get_client = RedisCacheClient.get_client

        def get_client(client, *args, **kwargs):
            if self.down:
                raise RedisConnectionError("Connection refused (test outage)")
            return real_get_client(client, *args, **kwargs)

        monkeypatch.setattr(RedisCacheClient, "get_client", get_client)


@pytest.fixture
def redis(settings, monkeypatch):
    url = os.environ.get("REDIS_URL") or pytest.fail(
        "REDIS_URL is not set: run the tests with scripts/test or set REDIS_URL=redis://HOST:PORT"
    )
    settings.CACHES = {
        "default": {
            "BACKEND": "common.cache_backends.ResilientRedisCache",
            "LOCATION": url + "/15",
            "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
        }
    }
    outage = Outage(monkeypatch)
    yield outage
    outage.down = False
    cache.clear()


def test_a_redis_cache_url_gets_the_degrading_backend_with_short_timeouts():
    script = (
        "import django, json; django.setup(); "
        "from django.conf import settings; print(json.dumps(settings.CACHES))"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "eventsite.settings",
        "DJANGO_READ_DOT_ENV": "0",
        "DEBUG": "1",
        "CACHE_URL": "redis://127.0.0.1:6379/1",
    }
    result = subprocess.run(  # noqa: S603 - our own interpreter, fixed arguments
        [sys.executable, "-c", script],
        env=env,
        cwd=django_settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    )

    default = json.loads(result.stdout)["default"]
    assert default["BACKEND"] == "common.cache_backends.ResilientRedisCache"
    assert default["OPTIONS"]["socket_connect_timeout"] <= 1
    assert default["OPTIONS"]["socket_timeout"] <= 1


def test_pages_render_from_the_database_while_redis_is_down(redis_down, demo_after_commit):
    page = Client().get(DEMO_URL)
    again = Client().get(DEMO_URL)
    login = Client().get("/admin/login/")

    assert page.status_code == 200
    assert "International Cooperation against cybercrime" in page.text
    assert again.status_code == 200
    assert login.status_code == 200


def test_reads_miss_and_writes_are_skipped_while_redis_is_down(redis_down):
    assert cache.get("anything", "default") == "default"
    assert cache.get_many(["a", "b"]) == {}
    assert cache.set("key", "value") is None
    assert cache.add("key", "value") is False
    assert cache.set_many({"a": 1, "b": 2}) == ["a", "b"]
    assert cache.has_key("key") is False
    assert cache.delete("key") is False


def test_a_counter_says_the_cache_is_unavailable_rather_than_miscount(redis_down):
    with pytest.raises(CacheUnavailable):
        cache.incr("ratelimit:x")
    with pytest.raises(CacheUnavailable):
        cache.strict.get("anything")
    assert cache.outages == 1


def test_a_failed_call_rests_the_cache_without_trying_redis_again(redis_down, monkeypatch):
    monkeypatch.setattr(cache_backends, "RETRY_AFTER", 60.0)
    assert cache.is_available()
    cache.get("anything")
    assert not cache.is_available()

    tried = []
    monkeypatch.setattr(RedisCacheClient, "get", lambda *args: tried.append(args))
    assert cache.get("anything", "default") == "default"
    assert tried == []


def test_an_outage_is_logged_once_a_minute_not_per_request(redis_down, demo_after_commit, caplog):
    caplog.set_level(logging.WARNING, logger="common.cache_backends")
    for _ in range(5):
        assert Client().get(DEMO_URL).status_code == 200

    # Loading the demo already met the outage (its on-commit bump): one line in all.
    records = caplog.get_records("setup") + caplog.get_records("call")
    warnings = [r for r in records if r.name == "common.cache_backends"]
    assert len(warnings) == 1
    assert "unreachable" in warnings[0].getMessage()
    assert "reads count as misses" in warnings[0].getMessage()


def test_the_outage_log_names_the_host_never_the_password(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "common.cache_backends.ResilientRedisCache",
            "LOCATION": f"redis://:s3cret@127.0.0.1:{free_port()}/0",
        }
    }
    with pytest.raises(CacheUnavailable) as raised:
        cache.strict.get("x")
    assert "s3cret" not in str(raised.value)


def edit_slot_title(session, organiser_client, title):
    slots = [
        {"start": f"{s.start:%H:%M}", "end": f"{s.end:%H:%M}" if s.end else "", "title": s.title}
        for s in session.slots.all()
    ]
    slots[3]["title"] = title
    data = change_form_data(session, slots=slots)
    data["status"] = session.status
    return organiser_client.post(change_url(session), data)


def test_a_save_during_a_redis_outage_shows_once_redis_is_back(
    redis, demo_after_commit, organiser_client, django_capture_on_commit_callbacks
):
    visitor = Client()
    assert "Q&amp;A session" in visitor.get(DEMO_URL).text  # now in Redis
    redis.down = True

    with django_capture_on_commit_callbacks(execute=True):
        saved = edit_slot_title(demo_after_commit, organiser_client, "Questions from the floor")
    during = visitor.get(DEMO_URL)
    redis.down = False
    after = visitor.get(DEMO_URL)

    assert saved.status_code == 302
    assert "Questions from the floor" in during.text
    assert after.status_code == 200
    assert '<h3 class="agenda-title">Questions from the floor</h3>' in after.text
    assert '<h3 class="agenda-title">Q&amp;A session</h3>' not in after.text


def test_the_version_is_renewed_without_a_request_once_redis_is_back(
    redis, demo_after_commit, monkeypatch
):
    """A process that saved during the outage and then gets no request still
    renews the version, so other processes do not serve the old pages."""
    monkeypatch.setattr(caching, "RENEW_EVERY", 0.05)
    before = caching.content_version()
    redis.down = True
    caching._replace_version()  # a save's on-commit bump, while Redis is out
    redis.down = False

    caching._renewer.join(timeout=5)

    assert not caching._renewer.is_alive()
    assert cache.get(caching.VERSION_KEY) != before


def test_admin_login_throttling_keeps_working_while_redis_is_down(redis_down):
    UserFactory(username="ada", is_staff=True, password="the right one 1815")
    address = "203.0.113.7"

    form = Client().get("/admin/login/", REMOTE_ADDR=address)
    answers = [
        Client()
        .post("/admin/login/", {"username": "ada", "password": "wrong"}, REMOTE_ADDR=address)
        .status_code
        for _ in range(5)
    ]
    locked = Client().post(
        "/admin/login/", {"username": "ada", "password": "the right one 1815"}, REMOTE_ADDR=address
    )
    elsewhere = Client().post(
        "/admin/login/?next=/admin/",
        {"username": "ada", "password": "the right one 1815"},
        REMOTE_ADDR="198.51.100.20",
    )

    assert form.status_code == 200
    assert answers == [200, 200, 200, 200, 429]
    assert locked.status_code == 429
    assert elsewhere.status_code == 302
