"""/healthz: liveness without dependencies; readiness of the database, the cache
and the task queue, as JSON a load balancer reads by its status code."""

import socket

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_liveness_answers_without_touching_anything(client, django_assert_num_queries):
    for url in ("/healthz", "/healthz/live"):
        with django_assert_num_queries(0):
            response = client.get(url)

        assert response.status_code == 200
        assert response.json() == {"status": "ok"}
        assert response["Cache-Control"] == "no-store"


def test_readiness_reports_each_dependency(client):
    response = client.get("/healthz/ready")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Cache-Control"] == "no-store"
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"]["status"] == "ok"
    assert body["checks"]["cache"]["status"] == "ok"
    assert body["checks"]["tasks"] == {"status": "ok", "waiting": 0, "oldest_queued_s": 0}
    assert set(body) == {"status", "checks"}  # nothing else: no hosts, versions or people


def test_readiness_is_503_while_the_database_is_down(client, database):
    database.down = True

    response = client.get("/healthz/ready")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["database"] == {"status": "unavailable", "error": "OperationalError"}


def test_readiness_is_200_but_degraded_while_the_cache_is_down(client, settings):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.CACHES = {
        "default": {
            "BACKEND": "common.cache_backends.ResilientRedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
        }
    }

    response = client.get("/healthz/ready")

    # The site serves without the cache (pages render from the database): keep it in.
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["checks"]["cache"]["status"] == "unavailable"
    assert body["checks"]["database"]["status"] == "ok"


def test_health_checks_answer_a_load_balancer_that_asks_by_address(settings):
    settings.SECURE_SSL_REDIRECT = True  # production behind a TLS proxy
    balancer = Client(HTTP_HOST="10.0.3.17:8000")  # not in ALLOWED_HOSTS

    live = balancer.get("/healthz")
    ready = balancer.get("/healthz/ready")

    assert live.status_code == 200
    assert ready.status_code == 200


def test_readiness_is_never_cached(client, django_assert_num_queries):
    client.get("/healthz/ready")

    # SELECT 1, and the task queue's length and oldest task in one query.
    with django_assert_num_queries(2):
        response = client.get("/healthz/ready")

    assert response.status_code == 200


def test_only_the_health_paths_skip_the_host_check():
    response = Client(HTTP_HOST="10.0.3.17:8000").get("/healthz/other")

    assert response.status_code == 400


def test_readiness_reports_the_task_queue_stuck_when_its_oldest_due_task_is_old(client):
    from datetime import timedelta

    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    common = {
        "args_kwargs": {"args": [], "kwargs": {}},
        "task_path": "x.y",
        "backend_name": "default",
    }
    old = DBTaskResult.objects.create(**common)
    DBTaskResult.objects.filter(pk=old.pk).update(enqueued_at=timezone.now() - timedelta(hours=1))
    # Deferred to tomorrow (a retry's back-off): not waiting yet.
    DBTaskResult.objects.create(**common, run_after=timezone.now() + timedelta(days=1))

    body = client.get("/healthz/ready").json()

    assert body["status"] == "degraded"
    assert body["checks"]["tasks"]["status"] == "stuck"
    assert body["checks"]["tasks"]["waiting"] == 1
    assert 3590 < body["checks"]["tasks"]["oldest_queued_s"] < 3700
