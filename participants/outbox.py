"""The participants' email outbox: every email is a row, sent by a task on the queue.

An email is written to OutboxMessage in the same transaction as the change it
reports (a request saved, a status set), and a task (django.tasks, on the
database-backed queue of django-tasks-db) is enqueued once that transaction
commits. The worker (`manage.py db_worker`, started beside the web server by
scripts/run) sends it, so neither the public form nor the admin waits for the
mail server, and a mail server that is down loses nothing.

Sending happens at most once per queueing: the task first takes the message by a
conditional update (queued -> sending) that only one task can win, and marks it
sent or failed afterwards. A task run twice (a resend clicked twice, a worker
restarted after it took the task) finds the message taken and sends nothing. A
worker killed in the middle of a send leaves the message "sending": whether the
mail server took it is unknown, so it is not sent again by itself; after
OutboxMessage.SENDING_CUT_OFF_AFTER an organiser may resend it.

A failed send is tried again after RETRY_DELAYS (a new task with run_after),
MAX_ATTEMPTS in all; then the message is "failed" with its error, and the
admin's "Resend" action queues it again.
"""

import logging
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Count, F, Min, Q
from django.tasks import task
from django.utils import timezone

from .models import OutboxMessage

logger = logging.getLogger(__name__)

Status = OutboxMessage.Status

MAX_ATTEMPTS = 5
# Seconds to wait after the 1st, 2nd, 3rd and 4th failed attempt.
RETRY_DELAYS = (60, 5 * 60, 15 * 60, 60 * 60)
# A queued message whose attempt has been due this long has lost its task (the
# process stopped between the commit and the enqueue): `manage.py outbox
# --enqueue` queues a task for it again.
LOST_AFTER = timedelta(minutes=5)


def outbox_message_queue(*, participant_request, kind, subject, body) -> OutboxMessage:
    """Write the email to the outbox; it is sent once the current transaction commits."""
    message = OutboxMessage.objects.create(
        participant_request=participant_request,
        session_id=participant_request.session_id,
        kind=kind,
        recipient=participant_request.email,
        subject=subject,
        body=body,
    )
    _enqueue_on_commit(message.pk)
    return message


def outbox_messages_resend(*, queryset) -> int:
    """Queue failed (or long cut-off) messages again, each with a fresh count of
    attempts; how many were queued."""
    ids = list(queryset.resendable().values_list("pk", flat=True))
    with transaction.atomic():
        count = (
            OutboxMessage.objects.filter(pk__in=ids)
            .resendable()
            .update(status=Status.QUEUED, attempts=0, next_attempt_at=None)
        )
        for pk in ids:
            _enqueue_on_commit(pk)
    return count


def outbox_enqueue_lost(*, now=None) -> int:
    """Queue a task again for each queued message whose attempt is long overdue.

    A second task for a message that still has one is harmless: only one of them
    takes it (outbox_message_send)."""
    now = now or timezone.now()
    due = now - LOST_AFTER
    ids = list(
        OutboxMessage.objects.queued()
        .filter(Q(next_attempt_at__isnull=True, created_at__lt=due) | Q(next_attempt_at__lt=due))
        .values_list("pk", flat=True)
    )
    for pk in ids:
        _enqueue(pk)
    return len(ids)


def outbox_summary(*, now=None) -> dict:
    """Messages by status, and how long the oldest queued one has waited (seconds)."""
    now = now or timezone.now()
    counts = dict.fromkeys(Status.values, 0)
    counts.update(
        OutboxMessage.objects.order_by()
        .values_list("status")
        .annotate(count=Count("pk"))
        .values_list("status", "count")
    )
    oldest = OutboxMessage.objects.queued().aggregate(oldest=Min("created_at"))["oldest"]
    return {
        "counts": counts,
        "oldest_queued_s": round((now - oldest).total_seconds()) if oldest else None,
    }


def _enqueue_on_commit(pk, run_after=None):
    # robust: a queue that cannot be reached must not undo the saved change; the
    # message stays queued (the health check and `manage.py outbox` show it).
    transaction.on_commit(partial(_enqueue, pk, run_after), robust=True)


def _enqueue(pk, run_after=None):
    task_ = (
        send_outbox_message if run_after is None else send_outbox_message.using(run_after=run_after)
    )
    task_.enqueue(pk)


@task()
def send_outbox_message(message_id):
    """The queue's task: send one outbox message (see the module's docstring)."""
    return outbox_message_send(message_id=message_id)


def outbox_message_send(*, message_id) -> str:
    """Send a queued message whose attempt is due; what happened, in a word."""
    now = timezone.now()
    taken = (
        OutboxMessage.objects.filter(pk=message_id, status=Status.QUEUED)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .update(status=Status.SENDING, attempts=F("attempts") + 1, attempted_at=now)
    )
    if not taken:
        return "not queued"
    message = OutboxMessage.objects.get(pk=message_id)
    email = EmailMessage(
        subject=message.subject,
        body=message.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.recipient],
    )
    try:
        email.send()
    except Exception as error:  # any failure is recorded and retried
        return _record_failure(message, error)
    OutboxMessage.objects.filter(pk=message_id, status=Status.SENDING).update(
        status=Status.SENT, sent_at=timezone.now(), next_attempt_at=None
    )
    return "sent"


def _record_failure(message, error) -> str:
    # The class and message only: no traceback, and nothing from our settings.
    text = f"{type(error).__name__}: {error}"[:2000]
    taken = OutboxMessage.objects.filter(pk=message.pk, status=Status.SENDING)
    if message.attempts >= MAX_ATTEMPTS:
        taken.update(status=Status.FAILED, last_error=text, next_attempt_at=None)
        logger.error(
            "Email %s failed %d times and was given up: %s", message.pk, message.attempts, text
        )
        return "failed"
    delay = RETRY_DELAYS[min(message.attempts, len(RETRY_DELAYS)) - 1]
    retry_at = timezone.now() + timedelta(seconds=delay)
    with transaction.atomic():
        taken.update(status=Status.QUEUED, last_error=text, next_attempt_at=retry_at)
        _enqueue_on_commit(message.pk, run_after=retry_at)
    logger.warning(
        "Email %s could not be sent (attempt %d), trying again in %d s: %s",
        message.pk,
        message.attempts,
        delay,
        text,
    )
    return "retry"
