import pytest

from tests.factories import RequestSettingsFactory, SessionFactory

# Rate-limit counters live in the cache: tests/conftest.py empties it around every test.


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
