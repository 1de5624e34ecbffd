import pytest
from django.contrib.auth.models import Permission

from tests.factories import OrganiserFactory, UserFactory


@pytest.fixture
def organiser(db):
    return OrganiserFactory()


@pytest.fixture
def organiser_client(client, organiser):
    client.force_login(organiser)
    return client


@pytest.fixture
def viewer_client(client, db):
    """Staff who may look at sessions in the admin but not change or add them."""
    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.add(
        Permission.objects.get(content_type__app_label="agenda", codename="view_session")
    )
    client.force_login(viewer)
    return client
