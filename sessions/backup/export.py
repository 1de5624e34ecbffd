"""Writing an event to the backup file (the format: format.py)."""

import base64
import json
from datetime import date, time
from decimal import Decimal

from django.db import models

from speakers.models import Affiliation, Organisation

from ..models import AgendaSlot, Session, SessionRole
from .format import FORMAT, VERSION, file_fields, natural_key_field


def event_export(*, event) -> dict:
    """The event as a dict ready for json.dumps(): sessions, slots, roles, people."""
    sessions = list(
        event.sessions.order_by("order", "pk").prefetch_related(
            models.Prefetch(
                "slots",
                queryset=AgendaSlot.objects.for_agenda().prefetch_related("moderators", "speakers"),
            ),
            models.Prefetch(
                "roles",
                queryset=SessionRole.objects.select_related("speaker", "shown_as").order_by(
                    "role", "order", "pk"
                ),
            ),
        )
    )
    speakers = list(
        Session.objects.filter(event=event)
        .people()
        .distinct()
        .order_by("slug")
        .prefetch_related(
            models.Prefetch(
                "affiliations",
                queryset=Affiliation.objects.select_related("organisation").order_by("order", "pk"),
            )
        )
    )
    organisations = _organisations_for(sessions, speakers)
    partners = event.partners.order_by("role", "order", "pk")
    return {
        "format": FORMAT,
        "version": VERSION,
        "event": _row(event) | {"partners": [_row(partner) for partner in partners]},
        "sessions": [
            _row(session)
            | {
                "slots": [_row(slot) for slot in session.slots.all()],
                "roles": [_row(role) for role in session.roles.all()],
            }
            for session in sessions
        ],
        "speakers": [
            _row(speaker) | {"affiliations": [_row(a) for a in speaker.affiliations.all()]}
            for speaker in speakers
        ],
        "organisations": [_row(organisation) for organisation in organisations],
    }


def event_export_json(*, event) -> str:
    return json.dumps(event_export(event=event), indent=2, ensure_ascii=False) + "\n"


def _organisations_for(sessions, speakers):
    """Every organisation the people or roles name, and the bodies above them."""
    wanted = {a.organisation_id for speaker in speakers for a in speaker.affiliations.all()}
    wanted |= {
        role.shown_as_id
        for session in sessions
        for role in session.roles.all()
        if role.shown_as_id is not None
    }
    found = {}
    while wanted:
        rows = Organisation.objects.filter(pk__in=wanted).select_related("parent")
        found |= {row.pk: row for row in rows}
        wanted = {row.parent_id for row in rows if row.parent_id is not None} - found.keys()
    return sorted(found.values(), key=lambda row: row.name)


def _row(obj):
    data = {}
    for f in file_fields(type(obj)):
        if f.is_relation:
            related = getattr(obj, f.name)
            data[f.name] = (
                None if related is None else getattr(related, natural_key_field(f.related_model))
            )
        elif isinstance(f, models.FileField):
            data[f.name] = _image(getattr(obj, f.name))
        else:
            value = getattr(obj, f.attname)
            if isinstance(value, date | time):
                value = value.isoformat()
            elif isinstance(value, Decimal):
                value = str(value)  # a coordinate, written exactly: "51.507431"
            data[f.name] = value
    for f in type(obj)._meta.many_to_many:
        key = natural_key_field(f.related_model)
        data[f.name] = sorted(getattr(related, key) for related in getattr(obj, f.name).all())
    return data


def _image(field_file):
    """An uploaded image as the file carries it: its bytes in base64; None for none."""
    if not field_file:
        return None
    with field_file.storage.open(field_file.name) as stored:
        content = stored.read()
    return {
        "name": field_file.name.rsplit("/", 1)[-1],
        "base64": base64.b64encode(content).decode("ascii"),
    }
