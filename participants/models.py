from datetime import timedelta

from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from sessions.models import Session

MOTIVATION_MAX_LENGTH = 1000
OTHER_EXPERTISE = "Other"
# Days after a session's date before its requests are deleted (purge_participant_requests).
RETENTION_DAYS = 90


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
        """The request with this email for the session, compared as the constraint does."""
        return self.alias(email_lower=Lower("email")).filter(
            session=session, email_lower=Lower(models.Value(email))
        )

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
                Lower("email"),
                "session",
                name="participant_request_one_per_email_per_session",
                violation_error_message="This email address has already asked for a place "
                "in this session.",
            ),
        ]
        permissions = [
            ("view_participant_list", "Can view and export lists of selected participants"),
        ]

    def __str__(self):
        return f"{self.name} ({self.session})"
