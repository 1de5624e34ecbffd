"""Who appears in a session: speakers, co-chairs and moderators, with what they cover."""

from django.db import models
from simple_history.models import HistoricalRecords

from speakers.models import Organisation, Speaker

from .session import Session


class SessionRole(models.Model):
    """A person in a session: speaker, co-chair or moderator, with what they will cover."""

    class Role(models.TextChoices):
        SPEAKER = "speaker", "Speaker"
        CO_CHAIR = "co_chair", "Co-chair"
        MODERATOR = "moderator", "Moderator"

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="roles")
    # PROTECT: removing someone who is announced in a session must be a decision
    # taken on the session, not a side effect of deleting the person.
    speaker = models.ForeignKey(Speaker, on_delete=models.PROTECT, related_name="session_roles")
    role = models.CharField(max_length=12, choices=Role.choices, default=Role.SPEAKER)
    order = models.PositiveSmallIntegerField(default=0, help_text="Order in the list of people.")
    shown_as = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text='Organisation named with the contribution: "John Brandolino (UNODC)".',
    )
    contribution = models.TextField(
        blank=True, help_text='What they will cover: "will provide an overview of ...".'
    )
    contribution_order = models.PositiveSmallIntegerField(
        default=0, help_text="Order of the announced contributions, which may differ."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["session", "role", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "speaker", "role"],
                name="role_unique_per_session",
                violation_error_message="This person already has this role in the session.",
            ),
        ]

    def __str__(self):
        return f"{self.speaker} ({self.get_role_display()})"
