"""Agenda slots: timed items of a session, and the running order they are shown in."""

from datetime import time

from django.db import models
from django.db.models import StringAgg
from django.db.models.functions import Cast
from simple_history.models import HistoricalRecords

from common.validators import validate_single_line
from speakers.models import Speaker

from . import rules
from .session import Session

# Slots by start; at the same minute a milestone (no end) comes first, on every
# database (PostgreSQL sorts NULL last unless told, SQLite first).
RUNNING_ORDER = ["start", models.F("end").asc(nulls_first=True), "pk"]


def running_order(slot):
    """RUNNING_ORDER as a sort key, for slots already in memory."""
    return (slot.start, slot.end is not None, slot.end or time.min, slot.pk or 0)


class IdList(models.TextField):
    """Ids joined with commas by the database (StringAgg), read as a list of ints."""

    def from_db_value(self, value, expression, connection):
        return [int(pk) for pk in value.split(",")] if value else []


def _linked_ids(through):
    """The ids of a slot's people in one of its many-to-many tables, as a subquery."""
    links = through.objects.filter(agendaslot=models.OuterRef("pk")).values("agendaslot")
    ids = StringAgg(Cast("speaker_id", models.TextField()), models.Value(","))
    return models.Subquery(links.annotate(ids=ids).values("ids"), output_field=IdList())


class AgendaSlotQuerySet(models.QuerySet):
    def for_agenda(self):
        """Slots in running order. Their people come from build_agenda() (core/agenda.py),
        which reads each person once however many slots they appear in."""
        return self.order_by(*RUNNING_ORDER)

    def with_people_ids(self):
        """Each slot with `moderator_ids` and `speaker_ids`, lists of its people's ids,
        read in the slots' own query rather than one query per link table."""
        return self.annotate(
            moderator_ids=_linked_ids(self.model.moderators.through),
            speaker_ids=_linked_ids(self.model.speakers.through),
        )


class AgendaSlot(models.Model):
    class Kind(models.TextChoices):
        OPENING = "opening", "Opening"
        DISCUSSION = "discussion", "Discussion"
        QA = "qa", "Q&A"
        BREAK = "break", "Break"
        CLOSING = "closing", "Closing"
        OTHER = "other", "Other"

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="slots")
    start = models.TimeField(help_text="Wall-clock time in the session's zone.")
    end = models.TimeField(
        null=True, blank=True, help_text='Empty for a moment such as "Start of the meeting".'
    )
    title = models.CharField(max_length=200, validators=[validate_single_line])
    description = models.TextField(blank=True, help_text="Public. Markdown.")
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.OTHER)
    moderators = models.ManyToManyField(Speaker, blank=True, related_name="moderated_slots")
    speakers = models.ManyToManyField(
        Speaker, blank=True, related_name="slots", help_text="Who is on stage."
    )

    # Staff only: shown on the run-of-show, never on public pages or exports.
    cue = models.TextField(blank=True, help_text="Staff only: what happens to start this item.")
    tech_notes = models.TextField(blank=True, help_text="Staff only: microphones, slides, AV.")
    responsible = models.CharField(
        max_length=100, blank=True, help_text="Staff only: who in the team looks after it."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AgendaSlotQuerySet.as_manager()
    # With who leads and who is on stage, so a slot deleted by mistake comes back whole.
    history = HistoricalRecords(m2m_fields=[moderators, speakers])

    class Meta:
        ordering = ["session", *RUNNING_ORDER]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__isnull=True) | models.Q(end__gt=models.F("start")),
                name="slot_ends_after_start",
                violation_error_message="A slot must end after it starts.",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_milestone(self):
        return self.end is None

    def as_times(self, key=None):
        return rules.SlotTimes(title=self.title, start=self.start, end=self.end, key=key)

    # Overlaps and the session's window span rows: Session.check_agenda() checks
    # them for a whole agenda at once, and the admin's slot formset uses the same rules.
