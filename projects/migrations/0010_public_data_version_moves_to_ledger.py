"""The public data version now belongs to the core app ``ledger`` (its table keeps its name)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("projects", "0009_admin_search_trigram_indexes"),
        ("ledger", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="PublicDataVersion")],
            database_operations=[],
        ),
    ]
