"""The event: a series of meetings, public once one of its sessions is published."""

from django.db import models
from simple_history.models import HistoricalRecords

from common.reversing import reverse_remembered
from common.validators import validate_single_line


class EventQuerySet(models.QuerySet):
    def with_sessions(self, sessions):
        """Events that have any of `sessions`, each with them in `listed_sessions`."""
        return (
            self.filter(pk__in=sessions.values("event"))
            .prefetch_related(
                models.Prefetch(
                    "sessions",
                    queryset=sessions.order_by("order", "pk"),
                    to_attr="listed_sessions",
                )
            )
            .order_by("title")
        )


class Event(models.Model):
    """A series of meetings, e.g. "Engaging civil society in the fight against cybercrime".

    An event is public as soon as one of its sessions is published.
    """

    title = models.CharField(max_length=200, validators=[validate_single_line])
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True, help_text="Markdown.")
    organiser = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EventQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["title"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse_remembered("agenda:event", event=self.slug)
