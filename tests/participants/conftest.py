import pytest
from django.core.cache import cache

from tests.factories import RequestSettingsFactory, SessionFactory


@pytest.fixture(autouse=True)
def empty_cache():
    """Rate-limit counters live in the cache: every test starts with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def session(db):
    return SessionFactory(
        published=True,
        title="International cooperation",
        capacity_min=25,
        capacity_max=30,
        fields_of_expertise="digital rights, cyber policy, law",
    )


@pytest.fixture
def open_session(session):
    RequestSettingsFactory(session=session)
    return session


def request_url(session):
    return f"/events/{session.event.slug}/{session.slug}/request/"
