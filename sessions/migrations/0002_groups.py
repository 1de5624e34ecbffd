from django.contrib.auth.management import create_permissions
from django.db import migrations

ORGANISER_MODELS = {
    "agenda": ["event", "session", "agendaslot", "sessionrole"],
    "speakers": ["speaker", "affiliation", "organisation"],
}


def create_organisers_group(apps, schema_editor):
    # Permissions are normally made after all migrations have run; make them now
    # so the group can hold them on a fresh database.
    for label in ORGANISER_MODELS:
        app_config = apps.get_app_config(label)
        app_config.models_module = True  # the migration state's stub lacks it
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Organisers")
    for label, models in ORGANISER_MODELS.items():
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label=label, content_type__model__in=models
            )
        )


def remove_organisers_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Organisers").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("agenda", "0001_initial"),
        ("speakers", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_organisers_group, remove_organisers_group)]
