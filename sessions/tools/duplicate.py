"""Duplicate as draft: a copy of a session to edit into the next meeting."""

import itertools
import re

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponseRedirect
from django.utils.html import format_html

from ..core import history
from ..models import AgendaSlot, Session, SessionRole
from .pages import change_url, tool_response, tool_session


def session_duplicate(*, session):
    """A draft copy of `session` with its slots (and their people) and roles.

    The copy gets a new slug in the same event (`<slug>-copy`, `-copy-2`, ...),
    no date and no publication, so that it can be edited into the next meeting.
    """
    with transaction.atomic():
        original = Session.objects.select_for_update().get(pk=session.pk)
        duplicate = _copy_row(
            original,
            slug=_copy_slug(original),
            status=Session.Status.DRAFT,
            published_at=None,
            date=None,
        )
        duplicate.save()

        slots = list(original.slots.prefetch_related("moderators", "speakers").order_by("pk"))
        copies = AgendaSlot.objects.bulk_create(
            _copy_row(slot, session_id=duplicate.pk) for slot in slots
        )
        links = {}
        for relation in ("moderators", "speakers"):
            through = getattr(AgendaSlot, relation).through
            links[relation] = through.objects.bulk_create(
                through(agendaslot_id=copy.pk, speaker_id=person.pk)
                for slot, copy in zip(slots, copies, strict=True)
                for person in getattr(slot, relation).all()
            )
        roles = SessionRole.objects.bulk_create(
            _copy_row(role, session_id=duplicate.pk) for role in original.roles.order_by("pk")
        )
        # Written in bulk, so recorded here: each copy has a history from its start,
        # and a slot of the copy deleted by mistake comes back with its people.
        history.record_created_slots(copies, links)
        history.record_created(roles)
    return duplicate


def _copy_row(row, **changes):
    """A new, unsaved instance with the row's field values; timestamps are set on save."""
    values = {
        field.attname: getattr(row, field.attname)
        for field in row._meta.concrete_fields
        if not field.primary_key
    }
    return type(row)(**(values | changes))


def _copy_slug(session):
    base = re.sub(r"-copy(-\d+)?$", "", session.slug)
    field_length = Session._meta.get_field("slug").max_length
    taken = set(
        Session.objects.filter(event=session.event_id).order_by().values_list("slug", flat=True)
    )
    for number in itertools.count(1):
        suffix = "-copy" if number == 1 else f"-copy-{number}"
        slug = base[: field_length - len(suffix)] + suffix
        if slug not in taken:
            return slug
    raise AssertionError("unreachable")  # pragma: no cover


def duplicate_view(model_admin, request, object_id):
    session = tool_session(model_admin, request, object_id)
    if not (
        model_admin.has_add_permission(request)
        and model_admin.has_view_permission(request, session)
    ):
        raise PermissionDenied
    if request.method == "POST":
        return open_duplicate(model_admin, request, session_duplicate(session=session))
    return tool_response(
        model_admin, request, session, "duplicate_session.html", "Duplicate as draft", {}
    )


def open_duplicate(model_admin, request, duplicate):
    model_admin.message_user(
        request,
        format_html("Draft copy made: “{}”, now open for editing.", duplicate.slug),
        messages.SUCCESS,
    )
    return HttpResponseRedirect(change_url(model_admin, duplicate))
