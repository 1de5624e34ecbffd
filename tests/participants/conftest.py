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


@pytest.fixture
def send_queued_email(db):
    """Send what the outbox holds, as the worker would: a function that runs the
    commit hooks the test's own transaction still holds (on a real commit they
    enqueue the tasks), then every due task on the database queue with
    django-tasks-db's own Worker.run_task. How many tasks ran."""
    from django.db import transaction
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult

    worker = Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    )

    def commit_hooks():
        connection = transaction.get_connection()
        if connection.in_atomic_block:
            hooks, connection.run_on_commit = connection.run_on_commit, []
            for _savepoints, hook, _robust in hooks:
                hook()

    def run():
        commit_hooks()
        ran = 0
        while (result := DBTaskResult.objects.ready().first()) is not None:
            result.claim(worker.worker_id)
            worker.run_task(result)
            commit_hooks()  # a retry is enqueued when the task's transaction commits
            ran += 1
        return ran

    return run
