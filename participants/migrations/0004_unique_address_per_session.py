"""Uniqueness per session on the normalised address instead of the lower-cased one.

Separate from 0003, which writes rows: PostgreSQL refuses to alter a table in the
transaction that has just changed its rows while constraint checks are pending.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("participants", "0003_email_normalised"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="participantrequest",
            name="participant_request_one_per_email_per_session",
        ),
        migrations.AddConstraint(
            model_name="participantrequest",
            constraint=models.UniqueConstraint(
                fields=("session", "email_normalised"),
                name="participant_request_one_per_address_per_session",
                violation_error_message="This email address (in this or another spelling) has already asked for a place in this session.",
            ),
        ),
    ]
