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

import contextlib
import uuid
from contextvars import ContextVar
from datetime import date, datetime

from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver
from django.utils import dateformat, timezone

from common.formatting import span

from .change import AgendaChange
from .event import Event
from .role import SessionRole
from .session import Session
from .slot import AgendaSlot

# The session fields that place it in a calendar: a change raises SEQUENCE.
WHEN = ("date", "start_time", "end_time", "time_zone")
ADDRESS = ("street_address", "postal_code", "city", "country")
PLACE = ("venue", *ADDRESS, "online_url")
CALENDAR_FIELDS = (*WHEN, *PLACE, "latitude", "longitude", "cancelled")
SLOT_FIELDS = ("start", "end", "title")

# The batch of the changes being made now: one per request (ChangeBatchMiddleware),
# or per `one_change()` block; None records each change on its own.
_batch = ContextVar("agenda_change_batch", default=None)


@contextlib.contextmanager
def one_change():
    """Record the changes made inside as one change (one Atom entry, one line)."""
    token = _batch.set(uuid.uuid4())
    try:
        yield
    finally:
        _batch.reset(token)


def _save_together(changes):
    """Write the changes one save made: in the batch of the request (or `one_change()`
    block), else, when there are several, in one batch of their own."""
    batch = _batch.get() or (uuid.uuid4() if len(changes) > 1 else None)
    for change in changes:
        change.batch = batch
    AgendaChange.objects.bulk_create(changes)


def stored_values(model, pk, fields):
    """The row as the database has it now (before a save), or None for a new one."""
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
    """The place as a sentence names it; "" while it is to be confirmed."""
    place = Session(**{name: values[name] for name in PLACE}).place_name
    if place and values["online_url"]:
        return f"{place}, and online"
    return place or ("online" if values["online_url"] else "")


def _place_sentence(before, after):
    if not before:
        return f"The place is confirmed: {after}."
    if not after:
        return f"The place is to be confirmed again (it was {before})."
    return f"The place changed from {before} to {after}."


def _moved_by(before_start, before_end, after_start, after_end):
    """How far a span moved, when both ends moved alike (and are all known); else None."""
    if None in (before_start, before_end, after_start, after_end):
        return None
    moved = after_start - before_start
    if not moved or after_end - before_end != moved:
        return None
    return moved


def _wall(values, field):
    """The naive wall-clock datetime of a session's start or end, if date and time are known."""
    if values["date"] is None or values[field] is None:
        return None
    return datetime.combine(values["date"], values[field])


def _on_a_day(time):
    return None if time is None else datetime.combine(date.min, time)


def _slot(values):
    return f"“{values['title']}” ({_span(values['start'], values['end'])})"


# What a save compares with the stored row: the calendar fields here, the address
# (event and slug) in renames.py, which reads the same row from `_stored_row`.
ADDRESS_FIELDS = ("event", "slug")
STORED_ROW = (*CALENDAR_FIELDS, "published_at", *ADDRESS_FIELDS, "event__slug")


@receiver(pre_save, sender=Session, dispatch_uid="session_compare_with_stored")
def session_compare_with_stored(sender, instance, raw, update_fields, **kwargs):
    """Read the stored row once per save (None for a new session, a raw save or one
    that updates neither calendar nor address fields), and raise SEQUENCE."""
    instance._stored_row = None
    compared = {*CALENDAR_FIELDS, *ADDRESS_FIELDS}
    if raw or (update_fields is not None and not set(update_fields) & compared):
        return
    stored = stored_values(Session, instance.pk, STORED_ROW)
    if stored is None:
        return
    if any(stored[name] != getattr(instance, name) for name in CALENDAR_FIELDS):
        instance.sequence += 1
    instance._stored_row = stored


@receiver(post_save, sender=Session, dispatch_uid="session_record_changes")
def session_record_changes(sender, instance, created, raw, **kwargs):
    stored = instance._stored_row
    if created or raw or stored is None or stored["published_at"] is None:
        return
    now = {name: getattr(instance, name) for name in CALENDAR_FIELDS}
    changes = []
    if any(stored[name] != now[name] for name in WHEN):
        before = Session(**{name: stored[name] for name in WHEN})
        moved_from = before.starts_at
        same_zone = stored["time_zone"] == now["time_zone"]
        changes.append(
            AgendaChange(
                kind=AgendaChange.Kind.WHEN,
                description=f"The meeting moved from {_when(stored)} to {_when(now)}.",
                # Only a known start that really moved is a reschedule; setting a
                # date that was still to be confirmed is not.
                previous_start=moved_from if moved_from != instance.starts_at else None,
                moved_by=_moved_by(
                    _wall(stored, "start_time"),
                    _wall(stored, "end_time"),
                    _wall(now, "start_time"),
                    _wall(now, "end_time"),
                )
                if same_zone
                else None,
            )
        )
    place_before, place_after = _place(stored), _place(now)
    if place_before != place_after:
        changes.append(
            AgendaChange(
                kind=AgendaChange.Kind.PLACE,
                description=_place_sentence(place_before, place_after),
            )
        )
    if stored["cancelled"] != now["cancelled"]:
        kind = AgendaChange.Kind.CANCELLED if now["cancelled"] else AgendaChange.Kind.REINSTATED
        text = "will not take place" if now["cancelled"] else "will take place after all"
        changes.append(AgendaChange(kind=kind, description=f"The meeting {text}."))
    for change in changes:
        change.session = instance
    _save_together(changes)


def _published_session(slot):
    """The slot's session if it has been published, else None (one query at most)."""
    session = slot.session
    return session if session.published_at is not None else None


@receiver(pre_save, sender=AgendaSlot, dispatch_uid="slot_compare_with_stored")
def slot_compare_with_stored(sender, instance, raw, **kwargs):
    instance._stored_slot = None
    if raw or instance.pk is None or _published_session(instance) is None:
        return
    instance._stored_slot = stored_values(AgendaSlot, instance.pk, SLOT_FIELDS)


@receiver(post_save, sender=AgendaSlot, dispatch_uid="slot_record_changes")
def slot_record_changes(sender, instance, created, raw, **kwargs):
    stored = getattr(instance, "_stored_slot", None)
    instance._stored_slot = None
    if raw:
        return
    now = {name: getattr(instance, name) for name in SLOT_FIELDS}
    if created:
        if _published_session(instance) is not None:
            _save_together(
                [
                    AgendaChange(
                        session_id=instance.session_id,
                        kind=AgendaChange.Kind.SLOT_ADDED,
                        description=f"Added to the agenda: {_slot(now)}.",
                    )
                ]
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
                moved_by=_moved_by(
                    *map(_on_a_day, (stored["start"], stored["end"])),
                    *map(_on_a_day, (now["start"], now["end"])),
                ),
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
    _save_together(changes)


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
        _save_together(
            [
                AgendaChange(
                    session_id=instance.session_id,
                    kind=AgendaChange.Kind.SLOT_REMOVED,
                    description=f"Removed from the agenda: {_slot(values)}.",
                    changed_at=stamp,
                )
            ]
        )


# A removed role or session leaves no row whose updated_at could tell the exports'
# Last-Modified (exports/conditional.py) that something changed: the session, or
# the event, carries it, as the session does for a removed slot.


@receiver(post_delete, sender=SessionRole, dispatch_uid="role_removal_touches_session")
def role_removal_touches_session(sender, instance, **kwargs):
    Session.objects.filter(pk=instance.session_id).update(updated_at=timezone.now())


@receiver(post_delete, sender=Session, dispatch_uid="session_removal_touches_event")
def session_removal_touches_event(sender, instance, **kwargs):
    Event.objects.filter(pk=instance.event_id).update(updated_at=timezone.now())
