"""The four staff groups with exactly their permissions (see accounts/roles.py)."""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations


def create_roles(apps, schema_editor):
    from accounts.roles import sync_roles

    # Permissions are normally created after all migrations ran; the groups need them now.
    for app_config in global_apps.get_app_configs():
        create_permissions(app_config, verbosity=0, apps=apps, using=schema_editor.connection.alias)
    sync_roles(apps, using=schema_editor.connection.alias)


def remove_roles(apps, schema_editor):
    from accounts.roles import ROLE_PERMISSIONS

    Group = apps.get_model("auth", "Group")
    Group.objects.using(schema_editor.connection.alias).filter(name__in=[str(r) for r in ROLE_PERMISSIONS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("axes", "0010_accessattemptexpiration"),
        ("ambassadors", "0002_history_publish_permissions"),
        ("projects", "0005_history_archive_publish_permissions"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
