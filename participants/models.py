from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from sessions.models import Session

from .addresses import normalise_email

MOTIVATION_MAX_LENGTH = 1000
OTHER_EXPERTISE = "Other"
# Days after a session's date before its requests are deleted (purge_participant_requests).
RETENTION_DAYS = 90
DUPLICATE_ADDRESS = (
    "This email address (in this or another spelling) has already asked for a place "
    "in this session."
)


class RequestSettings(models.Model):
    """Whether a session takes requests for a place, and until when."""

    session = models.OneToOneField(
        Session, on_delete=models.CASCADE, related_name="request_settings"
    )
    requests_open = models.BooleanField(
        default=False, help_text="Visitors may ask for a place on the public form."
    )
    closes_on = models.DateField(
        null=True,
        blank=True,
        help_text="Last day on which requests are accepted (server time zone). "
        "Empty: open until switched off.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "request settings"
        verbose_name_plural = "request settings"
        ordering = ["session"]

    def __str__(self):
        return f"Requests for {self.session}"

    def accepts_requests(self, today=None):
        """Open, and the closing day (if any) not yet past."""
        today = today or timezone.localdate()
        return self.requests_open and (self.closes_on is None or today <= self.closes_on)


class ParticipantRequestQuerySet(models.QuerySet):
    def for_email(self, *, session, email):
        """The request with this address for the session, in any spelling of it."""
        return self.filter(session=session, email_normalised=normalise_email(email))

    def selected(self):
        return self.filter(status=ParticipantRequest.Status.SELECTED)

    def for_sign_in(self, session):
        """Selected participants of a session in alphabetical order, case ignored."""
        return self.selected().filter(session=session).order_by(Lower("name"), "pk")

    def past_retention(self, *, days, today=None):
        """Requests whose session took place more than `days` days ago.

        Sessions without a date (still to be confirmed) never match: their
        requests are kept until the session has a date.
        """
        today = today or timezone.localdate()
        return self.filter(session__date__lt=today - timedelta(days=days))


class ParticipantRequest(models.Model):
    """Someone asking for a place in a session. Personal data: see the privacy notice."""

    class Status(models.TextChoices):
        REQUESTED = "requested", "Requested"
        SELECTED = "selected", "Selected"
        WAITLISTED = "waitlisted", "Wait-listed"
        DECLINED = "declined", "Declined"

    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="participant_requests"
    )
    name = models.CharField(max_length=200)
    email = models.EmailField(max_length=254)
    # The address as compared (participants/addresses.py): set on every save, unique
    # per session. Longer than `email`: the domain's ASCII form can be.
    email_normalised = models.CharField(max_length=400, db_index=True, editable=False)
    organisation = models.CharField(max_length=200)
    expertise = models.CharField("field of expertise", max_length=100)
    motivation = models.TextField(max_length=MOTIVATION_MAX_LENGTH)
    consent_at = models.DateTimeField(
        help_text="When the requester agreed to the processing of their data."
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.REQUESTED)
    status_changed_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ParticipantRequestQuerySet.as_manager()

    class Meta:
        ordering = ["session", "name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "email_normalised"],
                name="participant_request_one_per_address_per_session",
                violation_error_message=DUPLICATE_ADDRESS,
            ),
        ]
        permissions = [
            ("view_participant_list", "Can view and export lists of selected participants"),
        ]

    def __str__(self):
        return f"{self.name} ({self.session})"

    def save(self, *args, **kwargs):
        self.email_normalised = normalise_email(self.email)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "email" in update_fields:
            kwargs["update_fields"] = {*update_fields, "email_normalised"}
        super().save(*args, **kwargs)

    def clean(self):
        # The constraint is on a field no form shows, so Django's own check skips
        # it: the admin would answer a duplicate with a 500 instead of a message.
        super().clean()
        if self.session_id is None or not self.email:
            return
        others = ParticipantRequest.objects.for_email(session=self.session, email=self.email)
        if others.exclude(pk=self.pk).exists():
            raise ValidationError({"email": DUPLICATE_ADDRESS})


class RateLimitCounter(models.Model):
    """One fixed window of the request form's rate limit, when no Redis counts them.

    Kept out of the page cache, which made-up URLs can fill and cull. `key` is a
    keyed hash (participants/ratelimit.py), never an address. Rows whose window has
    ended are reused by the next attempt, and deleted by purge_participant_requests.
    """

    key = models.CharField(max_length=100, unique=True)
    count = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = "rate-limit counter"

    def __str__(self):
        return f"{self.count} until {self.expires_at:%Y-%m-%d %H:%M:%S}"


class OutboxMessageQuerySet(models.QuerySet):
    def queued(self):
        return self.filter(status=OutboxMessage.Status.QUEUED)

    def resendable(self, *, now=None):
        """Failed messages, and messages whose send was cut off (the worker was
        killed between taking the message and recording the answer) long ago."""
        now = now or timezone.now()
        return self.filter(
            models.Q(status=OutboxMessage.Status.FAILED)
            | models.Q(
                status=OutboxMessage.Status.SENDING,
                attempted_at__lt=now - OutboxMessage.SENDING_CUT_OFF_AFTER,
            )
        )


class OutboxMessage(models.Model):
    """One email to a requester, kept until it is sent (participants/outbox.py).

    Written in the same transaction as the change it reports; a task on the queue
    sends it once that transaction commits. Personal data like the request it
    belongs to: deleted with it (withdrawal, purge).
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    # A message still "sending" after this was cut off mid-send: whether the mail
    # server took it is unknown, so only an organiser's resend sends it again.
    SENDING_CUT_OFF_AFTER = timedelta(minutes=15)

    participant_request = models.ForeignKey(
        ParticipantRequest, on_delete=models.CASCADE, related_name="emails"
    )
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20)
    recipient = models.EmailField(max_length=254)
    subject = models.CharField(max_length=300)
    body = models.TextField()
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # When the next attempt is due (queued), or the last one began (sending).
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    attempted_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    objects = OutboxMessageQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "email"
        verbose_name_plural = "email outbox"

    def __str__(self):
        return f"{self.subject} to {self.recipient}"
