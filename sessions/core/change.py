"""What changed in a session after publication, as participants read it.

The rows are written by the receivers in changes.py.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.db import models
from django.utils import timezone

from common.formatting import duration_in_words

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
    # How far the meeting or the item moved, when its start and end moved alike.
    moved_by = models.DurationField(null=True, blank=True)
    # The changes one save made (one request) share a batch: participants read them
    # as one change ("moved 30 minutes later: the meeting and its 5 items"). Empty
    # for changes made alone.
    batch = models.UUIDField(null=True, blank=True, db_index=True)
    changed_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = AgendaChangeQuerySet.as_manager()

    class Meta:
        ordering = ["-changed_at", "-pk"]
        get_latest_by = "changed_at"

    def __str__(self):
        return f"{self.session}: {self.get_kind_display()}"


@dataclass
class ChangeGroup:
    """The changes one save made to one session, told as one change."""

    changes: list  # AgendaChange rows, newest first as read

    @property
    def session(self):
        return self.changes[0].session

    @property
    def changed_at(self):
        return max(change.changed_at for change in self.changes)

    @property
    def key(self):
        """Stable per group: the batch, or the change's own key for a change made alone."""
        first = self.changes[0]
        if first.batch:  # one request may change several sessions: one entry each
            return f"changes-{first.batch}-{first.session_id}"
        return f"change-{first.pk}"

    @property
    def details(self):
        """The sentences, in the order they were recorded."""
        return [change.description for change in sorted(self.changes, key=_recorded_order)]

    @property
    def headline(self):
        """What happened, in a few words: "Moved 30 minutes later: the meeting and its 5 items"."""
        moved = self.moved_together()
        if moved is not None:
            return moved
        kinds = []
        for change in sorted(self.changes, key=_recorded_order):
            label = change.get_kind_display()
            if label not in kinds:
                kinds.append(label)
        return "; ".join(kinds)

    @property
    def summary(self):
        """The one line the page shows: the headline when it says more, then the sentences."""
        moved = self.moved_together()
        sentences = " ".join(self.details)
        return f"{moved}. {sentences}" if moved and len(self.changes) > 1 else sentences

    def moved_together(self):
        """The headline when everything in the group moved by the same time, else None."""
        kinds = {change.kind for change in self.changes}
        if not kinds <= {AgendaChange.Kind.WHEN, AgendaChange.Kind.SLOT_MOVED}:
            return None
        distances = {change.moved_by for change in self.changes}
        if len(distances) != 1 or None in distances:
            return None
        (distance,) = distances
        direction = "later" if distance > timedelta(0) else "earlier"
        items = sum(change.kind == AgendaChange.Kind.SLOT_MOVED for change in self.changes)
        meeting = AgendaChange.Kind.WHEN in kinds
        what = ["the meeting"] if meeting else []
        if items:
            what.append(f"its {_items(items)}" if meeting else _items(items))
        return f"Moved {duration_in_words(distance)} {direction}: {' and '.join(what)}"


def _items(count):
    return "1 agenda item" if count == 1 else f"{count} agenda items"


def _recorded_order(change):
    return (change.changed_at, change.pk or 0)


def group_changes(changes):
    """`changes` (newest first) as ChangeGroups, newest first: one per save and session."""
    groups = {}
    for change in changes:
        key = (change.session_id, change.batch or f"alone-{change.pk}")
        groups.setdefault(key, []).append(change)
    return [ChangeGroup(rows) for rows in groups.values()]
