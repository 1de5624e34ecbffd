"""The meeting as it ran: staff mark an item started, ended or skipped.

A mark is never deleted: undoing one sets `undone_at` and `undone_by`, so the
marks of a meeting are also its history (who marked what, when, and who took it
back). At most one mark of each kind stands for a slot at a time (a constraint):
two staff pressing "Started" at the same moment make one mark.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from .slot import AgendaSlot


class LiveMarkQuerySet(models.QuerySet):
    def standing(self):
        """Marks not undone."""
        return self.filter(undone_at__isnull=True)


class LiveMark(models.Model):
    class Kind(models.TextChoices):
        STARTED = "started", "Started"
        ENDED = "ended", "Ended"
        SKIPPED = "skipped", "Skipped"

    slot = models.ForeignKey(AgendaSlot, on_delete=models.CASCADE, related_name="live_marks")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    at = models.DateTimeField(
        help_text="The moment marked: now, or the time typed for a late mark."
    )
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    made_at = models.DateTimeField(default=timezone.now)
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = LiveMarkQuerySet.as_manager()

    class Meta:
        ordering = ["made_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["slot", "kind"],
                condition=models.Q(undone_at__isnull=True),
                name="one_standing_live_mark_per_slot_and_kind",
            ),
        ]

    def __str__(self):
        # On the session's clock: staff read marks beside the agenda's own times.
        zone = self.slot.session.zone
        at = self.at.astimezone(zone) if zone else timezone.localtime(self.at)
        return f"{self.slot.title}: {self.get_kind_display().lower()} at {at:%H:%M}"
