"""One address in any spelling is one address: a normalised copy, unique per session.

Existing rows get their normalised address here. Rows that were distinct under the
old rule (case only) but are one address under the new one (punycode, decomposed
Unicode, case-folded ß) keep one request per address: the one the organisers have
decided on (selected, then wait-listed, then declined, then still requested), the
earliest among equals. The others are deleted: the same person asked twice.
"""

from django.db import migrations, models

from participants.addresses import normalise_email

# Which of several requests of one address to keep: the furthest decision first.
KEEP_ORDER = {"selected": 0, "waitlisted": 1, "declined": 2, "requested": 3}


def fill_normalised(apps, schema_editor):
    ParticipantRequest = apps.get_model("participants", "ParticipantRequest")
    kept = {}
    duplicates = []
    for request in ParticipantRequest.objects.order_by("created_at", "pk").iterator():
        request.email_normalised = normalise_email(request.email)
        key = (request.session_id, request.email_normalised)
        rank = (KEEP_ORDER.get(request.status, 4),)
        if key in kept:
            other = kept[key]
            if rank < (KEEP_ORDER.get(other.status, 4),):
                duplicates.append(other.pk)
                kept[key] = request
            else:
                duplicates.append(request.pk)
            continue
        kept[key] = request
    ParticipantRequest.objects.filter(pk__in=duplicates).delete()
    ParticipantRequest.objects.bulk_update(kept.values(), ["email_normalised"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("participants", "0002_groups"),
    ]

    operations = [
        migrations.AddField(
            model_name="participantrequest",
            name="email_normalised",
            field=models.CharField(db_index=True, default="", editable=False, max_length=400),
            preserve_default=False,
        ),
        migrations.RunPython(fill_normalised, migrations.RunPython.noop),
    ]
