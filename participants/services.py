"""Operations on participant requests: submit, change status, and the emails they send."""

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from .models import ParticipantRequest

logger = logging.getLogger(__name__)

Status = ParticipantRequest.Status

# One template per message under templates/participants/email/.
EMAIL_TEMPLATES = {
    "received": "participants/email/received.txt",
    Status.SELECTED: "participants/email/selected.txt",
    Status.WAITLISTED: "participants/email/waitlisted.txt",
    Status.DECLINED: "participants/email/declined.txt",
}


def participant_request_submit(
    *, session, name, email, organisation, expertise, motivation
) -> tuple[ParticipantRequest, bool]:
    """Save a request and confirm it by email; (request, created).

    A second request from the same address (case ignored) for the same session
    updates the first: the details change, the organisers' decision stays.
    """
    details = {
        "name": name,
        "email": email,
        "organisation": organisation,
        "expertise": expertise,
        "motivation": motivation,
        "consent_at": timezone.now(),
    }
    with transaction.atomic():
        request = _update_existing(session=session, email=email, details=details)
        created = request is None
        if created:
            try:
                with transaction.atomic():
                    request = ParticipantRequest.objects.create(session=session, **details)
            except IntegrityError:
                # The same address in a parallel request won the race: update it.
                created = False
                request = _update_existing(session=session, email=email, details=details)
    participant_request_email(participant_request=request, kind="received")
    return request, created


def _update_existing(*, session, email, details):
    existing = (
        ParticipantRequest.objects.select_for_update()
        .for_email(session=session, email=email)
        .first()
    )
    if existing is not None:
        for field, value in details.items():
            setattr(existing, field, value)
        existing.save()
    return existing


def participant_requests_set_status(*, queryset, status) -> tuple[int, int]:
    """Move requests to `status`, emailing each one that changed; (changed, emails failed).

    Requests already in that status are left alone and get no second email.
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
    failed = sum(
        not participant_request_email(participant_request=request, kind=status)
        for request in changed
    )
    return len(changed), failed


def participant_request_email(*, participant_request, kind) -> bool:
    """Send the email of `kind` to the requester; False (and logged) if it could not be sent."""
    session = participant_request.session
    context = {
        "request": participant_request,
        "session": session,
        "event": session.event,
        "session_url": settings.SITE_URL + session.get_absolute_url(),
    }
    subject, _, body = render_to_string(EMAIL_TEMPLATES[kind], context).strip().partition("\n")
    message = EmailMessage(
        subject=subject.removeprefix("Subject:").strip(),
        body=body.strip() + "\n",
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[participant_request.email],
    )
    try:
        message.send()
    except Exception:
        # The decision is saved either way; the admin says which emails failed.
        logger.exception("Could not send the %s email for request %s", kind, participant_request.pk)
        return False
    return True
