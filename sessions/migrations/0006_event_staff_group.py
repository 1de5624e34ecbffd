from django.contrib.auth.management import create_permissions
from django.db import migrations

CODENAME = "view_runofshow"


def run_of_show_permission(apps):
    # Permissions are normally made after all migrations have run; make this one
    # now so the groups can hold it on a fresh database (as in 0002_groups).
    app_config = apps.get_app_config("agenda")
    app_config.models_module = True  # the migration state's stub lacks it
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Permission = apps.get_model("auth", "Permission")
    return Permission.objects.get(content_type__app_label="agenda", codename=CODENAME)


def grant_run_of_show(apps, schema_editor):
    permission = run_of_show_permission(apps)
    Group = apps.get_model("auth", "Group")
    staff, _ = Group.objects.get_or_create(name="Event staff")
    staff.permissions.add(permission)
    organisers, _ = Group.objects.get_or_create(name="Organisers")
    organisers.permissions.add(permission)


def revoke_run_of_show(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.filter(name="Event staff").delete()
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name="Organisers"):
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="agenda", codename=CODENAME)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("agenda", "0005_runofshow_permission"),
    ]

    operations = [migrations.RunPython(grant_run_of_show, revoke_run_of_show)]
