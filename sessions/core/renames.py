"""Permanent links: the slugs an event or a session had before, so old addresses still lead.

Calendar programs, feed readers and other sites keep the addresses they were
given. When an organiser changes an event's or a session's slug (or moves a
session to another event), the old address is written down here, and the public
views answer it with a permanent redirect to the current one
(`sessions/public/renames.py`), for good.

A slug an event had is unique among former event slugs (the latest rename that
gave it up wins); a slug a session had is unique within the event it was in.
The current slug always wins over a former one: a new event may take an old
slug, and then its page is what that address shows.

Written by receivers on every save (the admin, a history revert, an import, the
shell); `QuerySet.update()` of a slug would go unrecorded, and nothing does that.
"""

from django.db import models
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from .changes import stored_values
from .event import Event
from .session import Session


class FormerSlug(models.Model):
    """A slug that an event had (`event` set), or that a session had in the event
    then called `event_slug` (`session` set).

    A session's row names its old event by slug, not by key: the address it stands
    for still leads to the session after that event is renamed or deleted.
    """

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, null=True, blank=True, related_name="former_slugs"
    )
    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, null=True, blank=True, related_name="former_slugs"
    )
    event_slug = models.SlugField(max_length=100, blank=True)
    slug = models.SlugField(max_length=100)
    renamed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["slug"],
                condition=models.Q(session__isnull=True),
                name="former_event_slug_unique",
            ),
            models.UniqueConstraint(
                fields=["event_slug", "slug"],
                condition=models.Q(session__isnull=False),
                name="former_session_slug_unique_per_event",
            ),
            models.CheckConstraint(
                condition=models.Q(event__isnull=True) ^ models.Q(session__isnull=True),
                name="former_slug_of_an_event_or_a_session",
            ),
        ]

    def __str__(self):
        return self.slug


def any_former(event_slug, session_slug=None):
    """Whether either slug of an address was ever given up: one query, so that an
    address that never existed costs no more than that."""
    wanted = models.Q(session=None, slug=event_slug)
    if session_slug is not None:
        wanted |= models.Q(session__isnull=False, slug=session_slug)
    return FormerSlug.objects.filter(wanted).exists()


def find_event(slug):
    """The event with this slug now, or the one that had it last; None if neither."""
    event = Event.objects.filter(slug=slug).first()
    if event is None:
        former = FormerSlug.objects.filter(slug=slug, session=None).select_related("event")
        event = next((row.event for row in former), None)
    return event


def find_session(event_slug, event, slug):
    """The session addressed as `slug` under `event_slug`: the one with that slug now in
    `event` (the event that slug names now, or named last; None if none), or the one
    that had it there last, under any name that event has had."""
    if event is not None:
        session = Session.objects.filter(event=event, slug=slug).select_related("event").first()
        if session is not None:
            return session
    names = {event_slug}
    if event is not None:
        names |= {event.slug, *event.former_slugs.values_list("slug", flat=True)}
    former = (
        FormerSlug.objects.filter(session__isnull=False, slug=slug, event_slug__in=names)
        .select_related("session__event")
        .order_by("-renamed_at")
    )
    return next((row.session for row in former), None)


@receiver(pre_save, sender=Event, dispatch_uid="event_remember_slug")
def event_remember_slug(sender, instance, raw, **kwargs):
    instance._former_slug = None
    if raw:
        return
    stored = stored_values(Event, instance.pk, ["slug"])
    if stored and stored["slug"] != instance.slug:
        instance._former_slug = stored["slug"]


@receiver(post_save, sender=Event, dispatch_uid="event_record_former_slug")
def event_record_former_slug(sender, instance, raw, **kwargs):
    former = getattr(instance, "_former_slug", None)
    instance._former_slug = None
    if former:
        FormerSlug.objects.update_or_create(slug=former, session=None, defaults={"event": instance})


@receiver(post_save, sender=Session, dispatch_uid="session_record_former_slug")
def session_record_former_slug(sender, instance, raw, **kwargs):
    # The stored row changes.py read before the save (one query for both).
    former = getattr(instance, "_stored_row", None)
    if raw or not former or (former["event"], former["slug"]) == (instance.event_id, instance.slug):
        return
    FormerSlug.objects.update_or_create(
        event_slug=former["event__slug"],
        slug=former["slug"],
        session__isnull=False,
        defaults={"session": instance},
    )
