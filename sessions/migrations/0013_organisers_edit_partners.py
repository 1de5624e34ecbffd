from django.contrib.auth.management import create_permissions
from django.db import migrations


def grant(apps, schema_editor):
    """Organisers edit an event's organisers and partners as they edit the event."""
    app_config = apps.get_app_config("agenda")
    app_config.models_module = True  # the migration state's stub lacks it
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Organisers")
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="agenda", content_type__model="eventpartner"
        )
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name="Organisers"):
        group.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="agenda", content_type__model="eventpartner"
            )
        )


class Migration(migrations.Migration):
    dependencies = [("agenda", "0012_identity")]

    operations = [migrations.RunPython(grant, revoke)]
