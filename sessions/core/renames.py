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

from .event import Event
from .session import Session


class FormerSlug(models.Model):
    """A slug that an event (session empty) or a session of `event` had before."""

    event = models.ForeignKey(
        Event,
        on_delete=models.CASCADE,
        related_name="former_slugs",
        help_text="The event itself, or for a session the event it was in then.",
    )
    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, null=True, blank=True, related_name="former_slugs"
    )
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
                fields=["event", "slug"],
                condition=models.Q(session__isnull=False),
                name="former_session_slug_unique_per_event",
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


def find_session(event, slug):
    """The session of `event` with this slug now, or the one that had it there last."""
    session = Session.objects.filter(event=event, slug=slug).select_related("event").first()
    if session is None:
        former = FormerSlug.objects.filter(event=event, slug=slug, session__isnull=False)
        session = next((row.session for row in former.select_related("session__event")), None)
    return session


def _stored(model, pk, fields):
    if pk is None:
        return None
    return model._base_manager.filter(pk=pk).values(*fields).first()


@receiver(pre_save, sender=Event, dispatch_uid="event_remember_slug")
def event_remember_slug(sender, instance, raw, **kwargs):
    instance._former_slug = None
    if raw:
        return
    stored = _stored(Event, instance.pk, ["slug"])
    if stored and stored["slug"] != instance.slug:
        instance._former_slug = stored["slug"]


@receiver(post_save, sender=Event, dispatch_uid="event_record_former_slug")
def event_record_former_slug(sender, instance, raw, **kwargs):
    former = getattr(instance, "_former_slug", None)
    instance._former_slug = None
    if former:
        FormerSlug.objects.update_or_create(slug=former, session=None, defaults={"event": instance})


@receiver(pre_save, sender=Session, dispatch_uid="session_remember_slug")
def session_remember_slug(sender, instance, raw, **kwargs):
    instance._former_address = None
    if raw:
        return
    stored = _stored(Session, instance.pk, ["event", "slug"])
    if stored and (stored["event"], stored["slug"]) != (instance.event_id, instance.slug):
        instance._former_address = stored


@receiver(post_save, sender=Session, dispatch_uid="session_record_former_slug")
def session_record_former_slug(sender, instance, raw, **kwargs):
    former = getattr(instance, "_former_address", None)
    instance._former_address = None
    if former:
        FormerSlug.objects.update_or_create(
            event_id=former["event"],
            slug=former["slug"],
            session__isnull=False,
            defaults={"session": instance},
        )
