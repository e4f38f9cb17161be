"""Trigram indexes for the columns only the admin's project search reads (docs/performance.md, "Admin search").

PostgreSQL only, like 0003 (which creates the pg_trgm extension; repeated here so this migration stands
on its own). Each index is on exactly the expression Django's ``icontains`` writes,
``UPPER(col::text) LIKE UPPER('%…%')``, so ``ProjectAdmin.get_search_results`` can look up each
searched column through an index: project address, responsible unit and responsible person, and the
investors' short name. On any other database this migration does nothing.
"""

from django.db import migrations

INDEXES = [
    ("project_address_trgm_idx", "projects_project", '(UPPER("address"::text) gin_trgm_ops)'),
    ("project_resp_unit_trgm_idx", "projects_project", '(UPPER("responsible_unit"::text) gin_trgm_ops)'),
    ("project_resp_person_trgm_idx", "projects_project", '(UPPER("responsible_person"::text) gin_trgm_ops)'),
    ("enterprise_short_name_trgm_idx", "projects_enterprise", '(UPPER("short_name"::text) gin_trgm_ops)'),
]


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, expression in INDEXES:
        schema_editor.execute(f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" USING gin {expression}')


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _expression in INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0008_api_count_and_cursor_indexes"),
    ]

    operations = [
        migrations.RunPython(create_indexes, drop_indexes, elidable=False),
    ]
