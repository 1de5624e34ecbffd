import pytest
from django.contrib.auth.models import Permission
from django.core.cache import cache

from tests.factories import OrganiserFactory, UserFactory


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
