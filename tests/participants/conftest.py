import pytest

from tests.factories import RequestSettingsFactory, SessionFactory

# Rate-limit counters are rows in the test database (no "ratelimit" cache in the test
# settings): each test's transaction, or flush, takes them away.


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
