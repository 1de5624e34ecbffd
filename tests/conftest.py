import shutil
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone

from participants.models import RequestSettings
from sessions.models import Session
from tests.factories import OrganiserFactory, UserFactory
from tests.helpers import DatabaseSwitch, load_demo


def pytest_collection_modifyitems(items):
    """Browser tests run last, whatever their place in the alphabet.

    Playwright's browser lives for the whole session and keeps an event loop
    running in the main thread once it has started. Any later test that touches
    the database there would be refused by Django (SynchronousOnlyOperation),
    so nothing that is not a browser test may come after the first one.
    """
    browser_dir = Path(__file__).parent / "browser"
    items.sort(key=lambda item: item.path.is_relative_to(browser_dir))


@pytest.fixture(scope="session", autouse=True)
def media_folder():
    """The uploads of this run (settings_test.MEDIA_ROOT), removed when it ends."""
    yield Path(settings.MEDIA_ROOT)
    shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)


@pytest.fixture
def database(db, monkeypatch):
    """Set `database.down = True` and every query fails as with the database stopped."""
    return DatabaseSwitch(monkeypatch)


@pytest.fixture
def organiser(db):
    return OrganiserFactory()


@pytest.fixture
def organiser_client(client, organiser):
    client.force_login(organiser)
    return client


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with no cached pages: URLs repeat across tests, data does not."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def viewer_client(client, db):
    """Staff who may look at sessions in the admin but not change or add them."""
    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.add(
        Permission.objects.get(content_type__app_label="agenda", codename="view_session")
    )
    client.force_login(viewer)
    return client


@pytest.fixture
def demo(db):
    """The demo session as manage.py load_demo leaves it: date, time zone and venue
    still to be confirmed."""
    return load_demo()


@pytest.fixture
def demo_after_commit(db, django_capture_on_commit_callbacks):
    """The demo session, with the on-commit callbacks of loading it run as after a
    real commit (the page cache's version is renewed)."""
    with django_capture_on_commit_callbacks(execute=True):
        session = load_demo()
    return session


@pytest.fixture
def demo_session():
    """The demo session with what the seed page leaves open filled in.

    A date, a time zone and a venue (so the calendar link, UTC offsets and the
    changes since publication appear) and requests for a place open: every part
    of the pages that a participant can meet. Needs database access from the test
    (django_db, transactional or not).
    """
    call_command("load_demo", verbosity=0)
    session = Session.objects.select_related("event").get()
    session.date = timezone.localdate() + timedelta(days=30)
    session.time_zone = "Europe/Vienna"
    session.venue = "Vienna International Centre, Board Room D"
    session.save()
    RequestSettings.objects.create(session=session, requests_open=True)
    return session
