import pytest

from tests.factories import OrganiserFactory


@pytest.fixture
def organiser(db):
    return OrganiserFactory()


@pytest.fixture
def organiser_client(client, organiser):
    client.force_login(organiser)
    return client
