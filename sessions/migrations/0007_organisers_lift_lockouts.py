"""Organisers may see failed logins and delete them, which lifts a lock-out (django-axes)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CODENAMES = ["view_accessattempt", "delete_accessattempt"]


def lockout_permissions(apps):
    # Permissions are normally made after all migrations have run; make axes's now
    # so the group can hold them on a fresh database (as in 0002_groups).
    app_config = apps.get_app_config("axes")
    app_config.models_module = True  # the migration state's stub lacks it
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Permission = apps.get_model("auth", "Permission")
    return Permission.objects.filter(content_type__app_label="axes", codename__in=CODENAMES)


def grant(apps, schema_editor):
    organisers, _ = apps.get_model("auth", "Group").objects.get_or_create(name="Organisers")
    organisers.permissions.add(*lockout_permissions(apps))


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    for group in apps.get_model("auth", "Group").objects.filter(name="Organisers"):
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="axes", codename__in=CODENAMES)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("agenda", "0006_event_staff_group"),
        ("axes", "0010_accessattemptexpiration"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
