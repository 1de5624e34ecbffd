"""Change history for rows written in bulk.

django-simple-history records every `save()` and `delete()`, but `bulk_create()`
and `update()` send no signals, so code that writes many rows at once (duplicating
a session, loading the demo) records their history here, in a fixed number of
queries. The user is the one the history middleware saw make the request, as for
a save; none from the command line.
"""

from django.apps import apps

from .slot import AgendaSlot


def record_created(rows):
    """History records ("created") for rows just made with bulk_create()."""
    if not rows:
        return []
    return type(rows[0]).history.bulk_history_create(rows)


def record_created_slots(slots, links):
    """History records for slots made with bulk_create(), with their people.

    `links` maps each people relation ("moderators", "speakers") to the link rows
    bulk_create() made for it, so a slot restored from its history later comes
    back with who led it and who was on stage.
    """
    records = {record.id: record for record in record_created(slots)}
    for relation, rows in links.items():
        history_links = apps.get_model(
            AgendaSlot._meta.app_label, f"{AgendaSlot.history.model.__name__}_{relation}"
        )
        history_links.objects.bulk_create(
            history_links(
                id=row.pk,
                agendaslot_id=row.agendaslot_id,
                speaker_id=row.speaker_id,
                history=records[row.agendaslot_id],
            )
            for row in rows
        )
    return list(records.values())
