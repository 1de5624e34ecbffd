from django.contrib.auth.management import create_permissions
from django.db import migrations

PARTICIPANT_MANAGERS = "Participant managers"
ORGANISERS = "Organisers"  # made by agenda's 0002_groups
# Both groups choose participants in the admin and may print and export the lists.
MODEL_PERMISSIONS = [
    f"{action}_{model}"
    for model in ("participantrequest", "requestsettings")
    for action in ("add", "change", "delete", "view")
]
CODENAMES = ["view_participant_list", *MODEL_PERMISSIONS]


def grant_participant_permissions(apps, schema_editor):
    # Permissions are normally made after all migrations have run; make them now
    # so the groups can hold them on a fresh database.
    app_config = apps.get_app_config("participants")
    app_config.models_module = True  # the migration state's stub lacks it
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(
        content_type__app_label="participants", codename__in=CODENAMES
    )
    managers, _ = Group.objects.get_or_create(name=PARTICIPANT_MANAGERS)
    organisers, _ = Group.objects.get_or_create(name=ORGANISERS)
    for group in (managers, organisers):
        group.permissions.add(*permissions)


def revoke_participant_permissions(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    Group.objects.filter(name=PARTICIPANT_MANAGERS).delete()
    for organisers in Group.objects.filter(name=ORGANISERS):
        organisers.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="participants", codename__in=CODENAMES
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("participants", "0001_initial"),
        ("agenda", "0002_groups"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(grant_participant_permissions, revoke_participant_permissions)
    ]
