"""Migration 0003 fills the normalised address of rows that existed before it."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from tests.factories import SessionFactory

BEFORE = [("participants", "0002_groups")]
AFTER = [("participants", "0004_unique_address_per_session")]


def latest():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_existing_spellings_of_one_address_become_one_request_keeping_the_decision():
    session = SessionFactory()
    old_apps = migrate(BEFORE)
    try:
        OldRequest = old_apps.get_model("participants", "ParticipantRequest")
        details = {
            "session_id": session.pk,
            "organisation": "Org",
            "expertise": "law",
            "motivation": "Why",
            "consent_at": timezone.now(),
        }
        OldRequest.objects.create(name="First", email="ada@bücher.example", **details)
        OldRequest.objects.create(
            name="Selected", email="ADA@xn--bcher-kva.example", status="selected", **details
        )
        OldRequest.objects.create(name="Bo", email="Bo@Example.org", **details)

        new_apps = migrate(AFTER)
    finally:
        migrate(latest())

    NewRequest = new_apps.get_model("participants", "ParticipantRequest")
    assert sorted(NewRequest.objects.values_list("name", "email_normalised")) == [
        ("Bo", "bo@example.org"),
        ("Selected", "ada@xn--bcher-kva.example"),
    ]
