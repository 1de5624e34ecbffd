"""Deleted slots: bring back a slot deleted by mistake, from the change history."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponseRedirect
from django.utils.html import format_html

from speakers.models import Speaker

from ..models import AgendaSlot, Session
from .pages import change_url, tool_response, tool_session


def slots_deleted(*, session):
    """The last deletion record of each slot of the session that is not back, newest first."""
    records = (
        AgendaSlot.history.filter(session_id=session.pk, history_type="-")
        .exclude(id__in=session.slots.values("pk"))
        .select_related("history_user")
        .order_by("-history_date")
    )
    seen = set()
    return [r for r in records if not (r.id in seen or seen.add(r.id))]


@transaction.atomic
def slot_restore(*, session, history_id):
    """Bring back a deleted slot as it was, with who led it and who was on stage.

    Refused with the reason if the slot is already back, or if it would now
    overlap another slot or lie outside the session.
    """
    session = Session.objects.select_for_update().get(pk=session.pk)
    deletion = AgendaSlot.history.get(
        history_id=history_id, session_id=session.pk, history_type="-"
    )
    if session.slots.filter(pk=deletion.id).exists():
        raise ValidationError("This slot is already on the agenda.", code="restored")
    slot = deletion.instance
    session.check_agenda(
        [s.as_times() for s in session.slots.only("title", "start", "end")] + [slot.as_times()]
    )
    # The deletion record has no people: they were unlinked before it was written.
    before = (
        AgendaSlot.history.filter(id=deletion.id, history_date__lt=deletion.history_date)
        .exclude(history_type="-")
        .order_by("-history_date")
        .first()
    )
    session.save()  # a new version: change forms opened before the restore are refused
    slot.save(force_insert=True)  # same id: its history carries on
    if before is not None:
        for relation in ("moderators", "speakers"):
            people = getattr(before, relation).values_list("speaker_id", flat=True)
            getattr(slot, relation).set(Speaker.objects.filter(pk__in=people))
    return slot


def deleted_slots_view(model_admin, request, object_id):
    """Slots deleted by mistake, each with a button that brings it back."""
    session = tool_session(model_admin, request, object_id)
    if not model_admin.has_change_permission(request, session):
        raise PermissionDenied
    if request.method == "POST":
        try:
            slot = slot_restore(session=session, history_id=request.POST.get("history_id", ""))
        except (ValidationError, ValueError, AgendaSlot.history.model.DoesNotExist) as error:
            reason = "; ".join(getattr(error, "messages", ["No such deleted slot."]))
            model_admin.message_user(
                request, f"The slot was not restored: {reason}", messages.ERROR
            )
        else:
            model_admin.message_user(
                request, format_html("“{}” is back on the agenda.", slot.title), messages.SUCCESS
            )
            return HttpResponseRedirect(change_url(model_admin, session))
    return tool_response(
        model_admin,
        request,
        session,
        "deleted_slots.html",
        "Deleted slots",
        {"deleted": slots_deleted(session=session)},
    )
