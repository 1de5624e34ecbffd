"""Changes after publication: the calendar SEQUENCE and the record participants read.

Why signals: every way a session or slot changes (the admin's change form and its
slot inline, services, the shell) ends in `Model.save()`, `Model.delete()` or
`QuerySet.delete()`, and Django sends pre_save/post_save/post_delete for all of
them; `QuerySet.delete()` never calls `Model.delete()`, so an override of the
model methods would miss deletions made by services. One module handles them all,
comparing each save with the stored row.

Not seen: `QuerySet.update()`, `bulk_update()` and `bulk_create()`, which send no
signals. The code base uses them only for the publication status (the admin's
publish and unpublish actions), which is not a change of the schedule; code that
moves a session or its slots must save the instances.

Only sessions that have been published (`published_at` set) get change records:
before that, organisers are drafting. The SEQUENCE rises for drafts too; it is
harmless and keeps the rule simple.
"""

from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver
from django.utils import dateformat, timezone

from common.formatting import span

from .change import AgendaChange
from .session import Session
from .slot import AgendaSlot

# The session fields that place it in a calendar: a change raises SEQUENCE.
WHEN = ("date", "start_time", "end_time", "time_zone")
PLACE = ("venue", "online_url")
CALENDAR_FIELDS = (*WHEN, *PLACE, "cancelled")
SLOT_FIELDS = ("start", "end", "title")


def _stored(model, pk, fields):
    if pk is None:
        return None
    return model._base_manager.filter(pk=pk).values(*fields).first()


# Plain-text formatting of what changed. The sentence is stored, so it is made
# once here; the page and the Atom feed show it as it was written.


def _span(start, end):
    return span(start, end, unknown="time to be confirmed")


def _when(values):
    date = values["date"]
    day = dateformat.format(date, "l j F Y") if date else "date to be confirmed"
    zone = values["time_zone"] or "time zone to be confirmed"
    return f"{day}, {_span(values['start_time'], values['end_time'])} ({zone})"


def _place(values):
    parts = [values["venue"] or ""]
    if values["online_url"]:
        parts.append("online")
    text = " and ".join(part for part in parts if part)
    return text or "to be confirmed"


def _slot(values):
    return f"“{values['title']}” ({_span(values['start'], values['end'])})"


@receiver(pre_save, sender=Session, dispatch_uid="session_compare_with_stored")
def session_compare_with_stored(sender, instance, raw, update_fields, **kwargs):
    instance._stored_calendar = None
    if raw or (update_fields is not None and not set(update_fields) & set(CALENDAR_FIELDS)):
        return
    stored = _stored(Session, instance.pk, (*CALENDAR_FIELDS, "published_at"))
    if stored is None:
        return
    if any(stored[name] != getattr(instance, name) for name in CALENDAR_FIELDS):
        instance.sequence += 1
    instance._stored_calendar = stored


@receiver(post_save, sender=Session, dispatch_uid="session_record_changes")
def session_record_changes(sender, instance, created, raw, **kwargs):
    stored = getattr(instance, "_stored_calendar", None)
    instance._stored_calendar = None
    if created or raw or stored is None or stored["published_at"] is None:
        return
    now = {name: getattr(instance, name) for name in CALENDAR_FIELDS}
    changes = []
    if any(stored[name] != now[name] for name in WHEN):
        before = Session(**{name: stored[name] for name in WHEN})
        moved_from = before.starts_at
        changes.append(
            AgendaChange(
                kind=AgendaChange.Kind.WHEN,
                description=f"The meeting moved from {_when(stored)} to {_when(now)}.",
                # Only a known start that really moved is a reschedule; setting a
                # date that was still to be confirmed is not.
                previous_start=moved_from if moved_from != instance.starts_at else None,
            )
        )
    if any(stored[name] != now[name] for name in PLACE):
        changes.append(
            AgendaChange(
                kind=AgendaChange.Kind.PLACE,
                description=f"The place changed from {_place(stored)} to {_place(now)}.",
            )
        )
    if stored["cancelled"] != now["cancelled"]:
        kind = AgendaChange.Kind.CANCELLED if now["cancelled"] else AgendaChange.Kind.REINSTATED
        text = "will not take place" if now["cancelled"] else "will take place after all"
        changes.append(AgendaChange(kind=kind, description=f"The meeting {text}."))
    for change in changes:
        change.session = instance
    AgendaChange.objects.bulk_create(changes)


def _published_session(slot):
    """The slot's session if it has been published, else None (one query at most)."""
    session = slot.session
    return session if session.published_at is not None else None


@receiver(pre_save, sender=AgendaSlot, dispatch_uid="slot_compare_with_stored")
def slot_compare_with_stored(sender, instance, raw, **kwargs):
    instance._stored_slot = None
    if raw or instance.pk is None or _published_session(instance) is None:
        return
    instance._stored_slot = _stored(AgendaSlot, instance.pk, SLOT_FIELDS)


@receiver(post_save, sender=AgendaSlot, dispatch_uid="slot_record_changes")
def slot_record_changes(sender, instance, created, raw, **kwargs):
    stored = getattr(instance, "_stored_slot", None)
    instance._stored_slot = None
    if raw:
        return
    now = {name: getattr(instance, name) for name in SLOT_FIELDS}
    if created:
        if _published_session(instance) is not None:
            AgendaChange.objects.create(
                session_id=instance.session_id,
                kind=AgendaChange.Kind.SLOT_ADDED,
                description=f"Added to the agenda: {_slot(now)}.",
            )
        return
    if stored is None:
        return
    changes = []
    if (stored["start"], stored["end"]) != (now["start"], now["end"]):
        changes.append(
            AgendaChange(
                kind=AgendaChange.Kind.SLOT_MOVED,
                description=f"“{now['title']}” moved from "
                f"{_span(stored['start'], stored['end'])} to {_span(now['start'], now['end'])}.",
            )
        )
    if stored["title"] != now["title"]:
        changes.append(
            AgendaChange(
                kind=AgendaChange.Kind.SLOT_RENAMED,
                description=f"{_slot(stored)} is now called “{now['title']}”.",
            )
        )
    for change in changes:
        change.session_id = instance.session_id
    AgendaChange.objects.bulk_create(changes)


@receiver(post_delete, sender=AgendaSlot, dispatch_uid="slot_record_removal")
def slot_record_removal(sender, instance, origin, **kwargs):
    # Slots deleted because their session is being deleted are not news, and a
    # record written now would point at a row about to go.
    deleted_directly = origin is instance or getattr(origin, "model", None) is AgendaSlot
    if not deleted_directly:
        return
    stamp = timezone.now()
    # A removal leaves no row whose updated_at could tell caches and calendar
    # clients that the agenda changed: the session carries it.
    touched = Session.objects.filter(pk=instance.session_id, published_at__isnull=False).update(
        updated_at=stamp
    )
    if touched:
        values = {name: getattr(instance, name) for name in SLOT_FIELDS}
        AgendaChange.objects.create(
            session_id=instance.session_id,
            kind=AgendaChange.Kind.SLOT_REMOVED,
            description=f"Removed from the agenda: {_slot(values)}.",
            changed_at=stamp,
        )
