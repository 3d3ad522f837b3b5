"""Give the Editor role the webhook and change-feed permissions; create the recording lock row."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from articles.roles import EDITOR, WEBHOOK_EDITOR_PERMISSIONS


def grant(apps, schema_editor):
    app_config = apps.get_app_config("sync")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps)
    app_config.models_module = None
    group, _ = apps.get_model("auth", "Group").objects.get_or_create(name=EDITOR)
    permissions = apps.get_model("auth", "Permission").objects.filter(
        content_type__app_label="sync", codename__in=WEBHOOK_EDITOR_PERMISSIONS
    )
    missing = set(WEBHOOK_EDITOR_PERMISSIONS) - set(permissions.values_list("codename", flat=True))
    if missing:
        raise RuntimeError(f"Unknown sync permissions: {sorted(missing)}")
    group.permissions.add(*permissions)
    apps.get_model("sync", "SyncLock").objects.get_or_create(pk=1)


def revoke(apps, schema_editor):
    group = apps.get_model("auth", "Group").objects.filter(name=EDITOR).first()
    if group:
        group.permissions.remove(
            *apps.get_model("auth", "Permission").objects.filter(content_type__app_label="sync")
        )


class Migration(migrations.Migration):
    dependencies = [
        ("sync", "0001_initial"),
        ("articles", "0003_editorial_roles"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
