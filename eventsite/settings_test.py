"""Settings for the test suite: the real settings with fast, plain parts."""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "test-only-not-secret")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")

from eventsite.settings import *  # noqa: F403
from eventsite.settings import STORAGES

# Plain static storage: tests need no collectstatic manifest.
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Uploads go to a folder of this run's own (tests/conftest.py removes it at the end).
MEDIA_ROOT = tempfile.mkdtemp(prefix="eventsite-test-media-")
# Fast hashing; the strength of the hash is not under test.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Serve static files straight from the app folders: no collectstatic before tests.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file rather than memory: tests that send two requests at once need SQLite's
    # own locking (WAL, the busy timeout, IMMEDIATE transactions) as the site has it;
    # a shared in-memory database fails at once with "database table is locked".
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": os.path.join(tempfile.gettempdir(), f"eventsite-test-{os.getpid()}.sqlite3")
    }
