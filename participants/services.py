"""Operations on participant requests: submit, change, withdraw, change status, and the
emails they queue (participants/outbox.py sends them from the worker)."""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from . import links
from .models import OutboxMessage, ParticipantRequest
from .outbox import outbox_message_queue

Status = ParticipantRequest.Status

# One template per message under templates/participants/email/.
EMAIL_TEMPLATES = {
    "received": "participants/email/received.txt",
    "asked_again": "participants/email/asked_again.txt",
    Status.SELECTED: "participants/email/selected.txt",
    Status.WAITLISTED: "participants/email/waitlisted.txt",
    Status.DECLINED: "participants/email/declined.txt",
}


def participant_request_submit(
    *, session, name, email, organisation, expertise, motivation
) -> tuple[ParticipantRequest, bool]:
    """Save a new request and confirm it by email; (request, created).

    An address that has already asked for a place in the session (in any spelling)
    changes nothing: whoever sent the form may not own the address. The address's
    owner gets an email saying so, with the signed link through which they, and
    only they, can change or withdraw their request (participants/links.py).
    """
    existing = ParticipantRequest.objects.for_email(session=session, email=email).first()
    if existing is None:
        try:
            with transaction.atomic():
                request = ParticipantRequest.objects.create(
                    session=session,
                    name=name,
                    email=email,
                    organisation=organisation,
                    expertise=expertise,
                    motivation=motivation,
                    consent_at=timezone.now(),
                )
                participant_request_email(participant_request=request, kind="received")
        except IntegrityError:
            # The same address in a parallel request won the race.
            existing = ParticipantRequest.objects.for_email(session=session, email=email).get()
        else:
            return request, True
    with transaction.atomic():
        participant_request_email(participant_request=existing, kind="asked_again")
    return existing, False


def participant_request_change(*, participant_request, name, organisation) -> None:
    """What the holder of the request's link may change: how their name and
    organisation appear on the organisers' lists and the sign-in sheet."""
    participant_request.name = name
    participant_request.organisation = organisation
    participant_request.save(update_fields=["name", "organisation", "updated_at"])


def participant_request_withdraw(*, participant_request) -> None:
    """The participant takes their request back: it and their details are deleted."""
    participant_request.delete()


def participant_requests_set_status(*, queryset, status) -> tuple[int, int]:
    """Move requests to `status`, queueing an email to each one that changed;
    (changed, emails queued).

    Requests already in that status are left alone and get no second email. The
    emails are written in the same transaction as the statuses, so a decision is
    never saved without its email, and they are sent by the worker once it commits.
    """
    # By primary key: the admin's queryset may carry annotations that FOR UPDATE refuses.
    ids = list(queryset.exclude(status=status).values_list("pk", flat=True))
    with transaction.atomic():
        changed = list(
            ParticipantRequest.objects.filter(pk__in=ids)
            .exclude(status=status)
            .select_related("session__event")
            .select_for_update(of=("self",))
        )
        now = timezone.now()
        for request in changed:
            request.status = status
            request.status_changed_at = now
            request.updated_at = now
        ParticipantRequest.objects.bulk_update(
            changed, ["status", "status_changed_at", "updated_at"]
        )
        queued = [
            participant_request_email(participant_request=request, kind=status)
            for request in changed
        ]
    return len(changed), len(queued)


def participant_request_email(*, participant_request, kind) -> OutboxMessage:
    """Queue the email of `kind` to the requester (sent by the worker after commit)."""
    session = participant_request.session
    context = {
        "request": participant_request,
        "session": session,
        "event": session.event,
        "session_url": settings.SITE_URL + session.get_absolute_url(),
        "change_url": links.change_url(participant_request),
        "link_days": links.MAX_AGE.days,
    }
    subject, _, body = render_to_string(EMAIL_TEMPLATES[kind], context).strip().partition("\n")
    return outbox_message_queue(
        participant_request=participant_request,
        kind=kind,
        subject=subject.removeprefix("Subject:").strip(),
        body=body.strip() + "\n",
    )
