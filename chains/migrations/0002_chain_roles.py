"""The staff roles gain the chains' permissions (accounts/roles.py: the chains' models)."""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations


def give_roles_chain_permissions(apps, schema_editor):
    from accounts.roles import sync_roles

    for app_config in global_apps.get_app_configs():
        create_permissions(app_config, verbosity=0, apps=apps, using=schema_editor.connection.alias)
    sync_roles(apps, using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [("chains", "0001_initial"), ("desk", "0002_desk_roles")]

    operations = [migrations.RunPython(give_roles_chain_permissions, migrations.RunPython.noop)]
