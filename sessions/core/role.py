"""Who appears in a session: speakers, chairs, co-chairs, hosts and moderators, with
what they cover, and the words the pages print for each role."""

from typing import NamedTuple

from django.db import models
from django.db.models.functions import Lower
from simple_history.models import HistoricalRecords

from speakers.models import Organisation, Speaker

from .session import Session


class SessionRole(models.Model):
    """A person in a session: speaker, chair, co-chair, host or moderator, with what they
    will cover."""

    # Stored values sort in the order the page lists the people who lead:
    # chair, co-chair, host, moderator (then the speakers, listed on their own).
    class Role(models.TextChoices):
        SPEAKER = "speaker", "Speaker"
        CHAIR = "chair", "Chair"
        CO_CHAIR = "co_chair", "Co-chair"
        HOST = "host", "Host or compère"
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


class RoleWords(NamedTuple):
    label: str  # "Chair: Jane Doe"
    plural: str  # the people section's heading: "Chairs and moderators"
    leads: str  # a slot they lead, mid-sentence: "Opening, chaired by Jane Doe"


# What the pages print for each role. A co-chair or a speaker who leads a slot
# moderates it, as the seed page says ("moderated by Joyce Hakmeh and Patryk Pawlak").
ROLE_WORDS = {
    SessionRole.Role.SPEAKER: RoleWords("Speaker", "Speakers", "moderated by"),
    SessionRole.Role.CHAIR: RoleWords("Chair", "Chairs", "chaired by"),
    SessionRole.Role.CO_CHAIR: RoleWords("Co-chair", "Co-chairs", "moderated by"),
    SessionRole.Role.HOST: RoleWords("Host", "Hosts", "hosted by"),
    SessionRole.Role.MODERATOR: RoleWords("Moderator", "Moderators", "moderated by"),
}
LEADS_DEFAULT = "moderated by"


def session_people_add_from_slots(*, session) -> list[Speaker]:
    """Everyone who leads or speaks in one of the session's slots but has no role in
    the session becomes one of its speakers, after those it has, by name.

    The session's people are the ones its page lists and its slot boxes offer
    first; someone put on stage from outside the session joins them here.
    """
    in_session = session.roles.values("speaker_id")
    people = list(
        Speaker.objects.filter(
            models.Q(slots__session=session) | models.Q(moderated_slots__session=session)
        )
        .exclude(pk__in=in_session)
        .distinct()
        .order_by(Lower("name"), "pk")
    )
    if not people:
        return []
    last = session.roles.filter(role=SessionRole.Role.SPEAKER).aggregate(models.Max("order"))
    first = (last["order__max"] or 0) + 1
    for order, person in enumerate(people, start=first):
        SessionRole.objects.create(
            session=session, speaker=person, role=SessionRole.Role.SPEAKER, order=order
        )
    return people
