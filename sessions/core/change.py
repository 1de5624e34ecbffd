"""What changed in a session after publication, as participants read it.

The rows are written by the receivers in changes.py.
"""

from django.db import models
from django.utils import timezone

from .session import Session


class AgendaChangeQuerySet(models.QuerySet):
    def rescheduled(self):
        """Changes that moved a known start to another instant."""
        return self.filter(previous_start__isnull=False)


class AgendaChange(models.Model):
    """What changed in a session after it was first published, for participants to see.

    Written by the receivers in changes.py whenever a published session's date, times,
    place or slots change, from the admin or any other code path. The description
    is frozen when the change happens: renaming a slot later must not rewrite history.
    """

    class Kind(models.TextChoices):
        WHEN = "when", "Date or time changed"
        PLACE = "place", "Place changed"
        CANCELLED = "cancelled", "Cancelled"
        REINSTATED = "reinstated", "Reinstated"
        SLOT_ADDED = "slot_added", "Agenda item added"
        SLOT_MOVED = "slot_moved", "Agenda item moved"
        SLOT_RENAMED = "slot_renamed", "Agenda item renamed"
        SLOT_REMOVED = "slot_removed", "Agenda item removed"

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    description = models.TextField(help_text="Plain text, as participants read it.")
    # The start the session had before a move (schema.org previousStartDate).
    previous_start = models.DateTimeField(null=True, blank=True)
    changed_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = AgendaChangeQuerySet.as_manager()

    class Meta:
        ordering = ["-changed_at", "-pk"]
        get_latest_by = "changed_at"

    def __str__(self):
        return f"{self.session}: {self.get_kind_display()}"
