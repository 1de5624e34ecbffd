"""Health checks for a load balancer or a process supervisor, as JSON.

- `/healthz` and `/healthz/live`: liveness. The process answers; nothing else is
  asked, so a database or cache outage never gets app servers restarted.
- `/healthz/ready`: readiness. The database answers a trivial query (503 when it
  does not: this server cannot serve what is not already cached); the cache
  answers a write and a read of a throwaway key, and the task queue's oldest
  waiting task is younger than TASK_QUEUE_MAX_AGE. Either of those failing is
  "degraded" with 200: the site serves without the cache (pages render from the
  database), and taking servers out of rotation would not run a stuck queue.

HealthCheckMiddleware answers these paths first in MIDDLEWARE, before the host
check, the https redirect and the page cache: a load balancer asks by address
(`Host: 10.0.3.17:8000`, not in ALLOWED_HOSTS) over plain http, and must get the
truth every time, never a cached copy. Nothing in the answer comes from the
request or names a host, a version or a person. Every answer is
`Cache-Control: no-store`.
"""

import json
import time
import uuid
from datetime import UTC, datetime

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.db.models import Case, Count, F, Min, Q, When
from django.db.models.functions import Greatest
from django.http import HttpResponse
from django.utils import timezone

from .cache_backends import CacheUnavailable

LIVE_PATHS = {"/healthz", "/healthz/", "/healthz/live", "/healthz/live/"}
READY_PATHS = {"/healthz/ready", "/healthz/ready/"}
# Seconds a task may wait in the queue before the queue counts as stuck.
TASK_QUEUE_MAX_AGE = 300


class HealthCheckMiddleware:
    """Answers the health paths before any other middleware runs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in ("GET", "HEAD"):
            if request.path in LIVE_PATHS:
                return _answer({"status": "ok"}, 200)
            if request.path in READY_PATHS:
                return readiness()
        return self.get_response(request)


def readiness():
    checks = {"database": _database(), "cache": _cache(), "tasks": _tasks()}
    if checks["database"]["status"] != "ok":
        status, code = "unavailable", 503
    elif all(check["status"] in ("ok", "not configured") for check in checks.values()):
        status, code = "ok", 200
    else:
        status, code = "degraded", 200
    return _answer({"status": status, "checks": checks}, code)


def _answer(body, status):
    response = HttpResponse(json.dumps(body), status=status, content_type="application/json")
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _timed(check):
    started = time.perf_counter()
    try:
        check()
    except (DatabaseError, CacheUnavailable, OSError) as error:
        # The error's class only: its message may name hosts or users.
        return {"status": "unavailable", "error": type(error).__name__}
    return {"status": "ok", "ms": round((time.perf_counter() - started) * 1000, 1)}


def _database():
    def select_one():
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()

    return _timed(select_one)


def _cache():
    def round_trip():
        strict = getattr(cache, "strict", cache)  # raises on a ResilientRedisCache
        key, value = f"healthz:{uuid.uuid4().hex}", uuid.uuid4().hex
        strict.set(key, value, timeout=10)
        stored = strict.get(key)
        strict.delete(key)
        if stored != value:
            raise CacheUnavailable("the cache did not keep a value")

    return _timed(round_trip)


def _tasks():
    """How many tasks wait in the database-backed queue (django-tasks-db) and how
    long the oldest of them has been due, or "not configured" without it.

    A task deferred to later (a retry's back-off) counts from when it is due, not
    from when it was written; tasks already running are not waiting.
    """
    try:
        model = apps.get_model("django_tasks_database", "DBTaskResult")
    except LookupError:
        return {"status": "not configured"}
    now = timezone.now()
    # django-tasks-db stores "no run_after" as the year 9999.
    no_run_after = datetime(9999, 1, 1, tzinfo=UTC)
    due = model.objects.filter(status="READY").filter(
        Q(run_after=no_run_after) | Q(run_after__lte=now)
    )
    due_at = Case(
        When(run_after=no_run_after, then=F("enqueued_at")),
        default=Greatest(F("run_after"), F("enqueued_at")),
    )
    try:
        queue = due.aggregate(waiting=Count("pk"), oldest=Min(due_at))
    except DatabaseError as error:
        return {"status": "unavailable", "error": type(error).__name__}
    waiting, oldest = queue["waiting"], queue["oldest"]
    age = max((now - oldest).total_seconds(), 0.0) if oldest else 0.0
    max_age = getattr(settings, "TASK_QUEUE_MAX_AGE", TASK_QUEUE_MAX_AGE)
    return {
        "status": "ok" if age <= max_age else "stuck",
        "waiting": waiting,
        "oldest_queued_s": round(age),
    }
