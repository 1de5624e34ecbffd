"""Where the settings put the rate-limit counters, read in a fresh process each time."""

import json
import os
import subprocess
import sys

from django.conf import settings

SHOW_CACHES = (
    "import django, json; django.setup(); "
    "from django.conf import settings; print(json.dumps(settings.CACHES, default=str))"
)


def caches_for(**variables):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"CACHE_URL", "RATELIMIT_CACHE_URL"}
    }
    env |= {"DJANGO_SETTINGS_MODULE": "eventsite.settings", "DEBUG": "1"}
    env |= {"DJANGO_READ_DOT_ENV": "0", **variables}
    return subprocess.run(  # noqa: S603 - our own interpreter, fixed arguments
        [sys.executable, "-c", SHOW_CACHES],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
    )


def test_without_redis_there_is_no_ratelimit_cache_and_the_database_counts():
    caches = json.loads(caches_for().stdout)

    assert "ratelimit" not in caches
    assert caches["default"]["BACKEND"].endswith("FileBasedCache")


def test_a_redis_page_cache_gives_the_counters_an_alias_of_their_own():
    caches = json.loads(caches_for(CACHE_URL="redis://127.0.0.1:6379/1").stdout)

    # The degrading backend, as for every Redis alias: while Redis is down it says
    # so (CacheUnavailable) and the counts go to the database.
    assert caches["ratelimit"]["BACKEND"] == "common.cache_backends.ResilientRedisCache"
    assert caches["ratelimit"]["KEY_PREFIX"] == "ratelimit"


def test_ratelimit_cache_url_names_a_redis_of_its_own():
    caches = json.loads(caches_for(RATELIMIT_CACHE_URL="redis://127.0.0.1:6379/2").stdout)

    assert caches["ratelimit"]["LOCATION"] == "redis://127.0.0.1:6379/2"


def test_a_ratelimit_cache_that_cannot_count_atomically_stops_the_site():
    result = caches_for(RATELIMIT_CACHE_URL="filecache:///tmp/counters")

    assert result.returncode != 0
    assert "RATELIMIT_CACHE_URL must be a Redis URL" in result.stderr
