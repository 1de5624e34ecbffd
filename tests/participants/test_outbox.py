"""The email outbox: emails are rows sent by the worker, never inside a request;
retried with back-off, then failed with their error; resent from the admin; never
sent twice."""

import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from participants import outbox
from participants.models import OutboxMessage, ParticipantRequest
from participants.services import participant_request_email, participant_requests_set_status
from tests.factories import OutboxMessageFactory, ParticipantRequestFactory
from tests.helpers import FailingEmailBackend, request_form_data, request_url

Status = OutboxMessage.Status
FAILING = {"default": {"BACKEND": "tests.helpers.FailingEmailBackend"}}
LOCMEM = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}


@pytest.fixture
def failing_mail_server(settings):
    FailingEmailBackend.calls = 0
    settings.MAILERS = FAILING
    return FailingEmailBackend


def time_passes():
    """Every deferred retry becomes due: as if its back-off had elapsed."""
    earlier = timedelta(days=1)
    OutboxMessage.objects.filter(next_attempt_at__isnull=False).update(
        next_attempt_at=F("next_attempt_at") - earlier
    )
    DBTaskResult.objects.filter(status="READY", run_after__year__lt=9000).update(
        run_after=F("run_after") - earlier
    )


def test_a_request_succeeds_with_the_mail_server_down_and_leaves_a_queued_email(
    client, open_session, failing_mail_server, send_queued_email
):
    response = client.post(request_url(open_session), request_form_data())

    assert response.status_code == 302
    assert ParticipantRequest.objects.count() == 1
    assert failing_mail_server.calls == 0  # nothing was sent inside the request
    [message] = OutboxMessage.objects.all()
    assert (message.status, message.recipient, message.attempts) == (
        Status.QUEUED,
        "ada@example.org",
        0,
    )
    assert message.subject.startswith("We have received your request")

    send_queued_email()  # the worker tries, and the server refuses

    message.refresh_from_db()
    assert failing_mail_server.calls == 1
    assert (message.status, message.attempts) == (Status.QUEUED, 1)
    assert message.last_error == "ConnectionRefusedError: [Errno 111] Connection refused"
    assert mail.outbox == []


def test_a_failed_email_is_retried_with_back_off_then_marked_failed_with_its_error(
    open_session, failing_mail_server, send_queued_email
):
    request = ParticipantRequestFactory(session=open_session)
    participant_request_email(participant_request=request, kind="received")
    delays = []

    for _attempt in range(outbox.MAX_ATTEMPTS):
        before = timezone.now()
        assert send_queued_email() == 1
        message = OutboxMessage.objects.get()
        if message.status == Status.QUEUED:
            [retry] = DBTaskResult.objects.filter(status="READY")
            assert retry.run_after == message.next_attempt_at  # a task deferred to then
            delays.append(round((message.next_attempt_at - before).total_seconds() / 60))
            assert send_queued_email() == 0  # not before its time
            time_passes()

    assert delays == [1, 5, 15, 60]  # minutes
    assert failing_mail_server.calls == outbox.MAX_ATTEMPTS
    assert (message.status, message.attempts, message.next_attempt_at) == (
        Status.FAILED,
        outbox.MAX_ATTEMPTS,
        None,
    )
    assert "ConnectionRefusedError" in message.last_error
    assert not DBTaskResult.objects.filter(status="READY").exists()


def test_resend_from_the_admin_queues_failed_emails_and_the_worker_sends_them(
    organiser_client, open_session, settings, send_queued_email
):
    failed = [
        OutboxMessageFactory(
            participant_request__session=open_session,
            status=Status.FAILED,
            attempts=5,
            last_error="Boom",
        )
        for _ in range(2)
    ]
    sent = OutboxMessageFactory(participant_request__session=open_session, status=Status.SENT)

    response = organiser_client.post(
        reverse("admin:participants_outboxmessage_changelist"),
        {"action": "resend", "_selected_action": [m.pk for m in [*failed, sent]]},
        follow=True,
    )

    texts = [str(m) for m in response.context["messages"]]
    assert "2 emails queued again." in texts
    assert "1 email was neither failed nor cut off and was left as it is." in texts
    assert set(
        OutboxMessage.objects.filter(pk__in=[m.pk for m in failed]).values_list(
            "status", "attempts"
        )
    ) == {(Status.QUEUED, 0)}

    settings.MAILERS = LOCMEM
    send_queued_email()

    assert sorted(m.to[0] for m in mail.outbox) == sorted(m.recipient for m in failed)
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {Status.SENT}


def test_a_task_run_again_sends_nothing_twice(open_session, send_queued_email):
    request = ParticipantRequestFactory(session=open_session)
    message = participant_request_email(participant_request=request, kind="received")
    send_queued_email()

    # A second task for the same message (a worker restarted after taking its
    # task, a resend clicked twice, `outbox --enqueue`): it finds it sent.
    assert outbox.send_outbox_message.call(message.pk) == "not queued"
    outbox.send_outbox_message.enqueue(message.pk)
    send_queued_email()

    assert len(mail.outbox) == 1
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Status.SENT, 1)


def test_a_send_cut_off_midway_is_not_sent_again_until_an_organiser_resends_it(
    open_session, send_queued_email
):
    request = ParticipantRequestFactory(session=open_session)
    message = participant_request_email(participant_request=request, kind="received")
    # The worker took the message and was killed before it recorded the answer.
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=Status.SENDING, attempts=1, attempted_at=timezone.now()
    )

    send_queued_email()
    assert outbox.outbox_enqueue_lost(now=timezone.now() + timedelta(hours=1)) == 0
    send_queued_email()

    assert mail.outbox == []
    assert not OutboxMessage.objects.resendable().exists()  # not yet: it may still be sending
    later = timezone.now() + OutboxMessage.SENDING_CUT_OFF_AFTER + timedelta(seconds=1)
    assert list(OutboxMessage.objects.resendable(now=later)) == [message]


def test_a_queued_email_that_lost_its_task_is_queued_again(open_session, send_queued_email):
    request = ParticipantRequestFactory(session=open_session)
    participant_request_email(participant_request=request, kind="received")
    send_queued_email()
    message = OutboxMessage.objects.create(
        participant_request=request,
        session=open_session,
        kind="received",
        recipient=request.email,
        subject="Lost",
        body="Its task was never enqueued.\n",
    )

    assert outbox.outbox_enqueue_lost() == 0  # too early to tell
    assert outbox.outbox_enqueue_lost(now=timezone.now() + outbox.LOST_AFTER * 2) == 1
    send_queued_email()

    message.refresh_from_db()
    assert message.status == Status.SENT
    assert [m.subject for m in mail.outbox][-1] == "Lost"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_task_is_enqueued_when_the_transaction_commits_and_not_on_rollback(open_session):
    request = ParticipantRequestFactory(session=open_session)

    with transaction.atomic():
        participant_request_email(participant_request=request, kind="received")
        assert DBTaskResult.objects.count() == 0  # not before the commit

    assert DBTaskResult.objects.count() == 1
    [task] = DBTaskResult.objects.all()
    assert task.task_path == "participants.outbox.send_outbox_message"

    def change_then_fail():
        with transaction.atomic():
            participant_request_email(participant_request=request, kind="asked_again")
            raise RuntimeError("the change is rolled back")

    with pytest.raises(RuntimeError):
        change_then_fail()

    assert DBTaskResult.objects.count() == 1
    assert OutboxMessage.objects.count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_real_worker_sends_each_email_once_even_with_two_workers_and_two_tasks_each(
    open_session,
):
    requests = ParticipantRequestFactory.create_batch(3, session=open_session)
    participant_requests_set_status(
        queryset=ParticipantRequest.objects.all(), status=ParticipantRequest.Status.SELECTED
    )
    for message in OutboxMessage.objects.all():
        outbox.send_outbox_message.enqueue(message.pk)  # a second task for each
    errors = []

    def worker(name):
        # django-tasks-db's worker loop as `manage.py db_worker --batch` runs it (the
        # command itself sets signal handlers, which only the main thread may).
        try:
            Worker(
                queue_names=["default"],
                interval=0,
                batch=True,
                backend_name="default",
                startup_delay=False,
                max_tasks=None,
                worker_id=name,
                excluded_queue_names=[],
            ).run()
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(f"w{n}",)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sorted(m.to[0] for m in mail.outbox) == sorted(r.email for r in requests)
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {Status.SENT}
    assert DBTaskResult.objects.filter(status="SUCCESSFUL").count() == 6


def test_the_request_page_shows_its_emails_and_the_outbox_reads_one(
    organiser_client, open_session, send_queued_email
):
    request = ParticipantRequestFactory(session=open_session)
    message = participant_request_email(participant_request=request, kind="received")

    page = organiser_client.get(
        reverse("admin:participants_participantrequest_change", args=[request.pk])
    )
    listing = organiser_client.get(
        reverse("admin:participants_outboxmessage_changelist"), {"status__exact": "queued"}
    )
    reading = organiser_client.get(
        reverse("admin:participants_outboxmessage_change", args=[message.pk])
    )

    assert message.subject in page.text
    assert "Queued" in page.text
    assert message.subject in listing.text
    assert "Dear" in reading.text
    assert "Save" not in reading.text


def test_outbox_command_reports_the_queue_and_fails_when_it_is_stuck(open_session, capsys):
    request = ParticipantRequestFactory(session=open_session)
    participant_request_email(participant_request=request, kind="received")
    OutboxMessage.objects.update(created_at=timezone.now() - timedelta(hours=1))

    with pytest.raises(SystemExit) as stopped:
        call_command("outbox")

    out = capsys.readouterr()
    assert stopped.value.code == 1
    assert "queued 1, sending 0, sent 0, failed 0" in out.out
    assert "is the worker" in out.err
