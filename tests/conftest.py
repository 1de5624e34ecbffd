import pytest
from django.core.cache import cache

from tests.factories import OrganiserFactory


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
