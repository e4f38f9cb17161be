"""Indexes for the project ledger at scale, chosen from EXPLAIN ANALYZE on 100k projects (docs/performance.md).

PostgreSQL only: the trigram indexes need the pg_trgm extension, and SQLite (the small-install
default) answers these lists fast enough without them. On any other database this migration does
nothing, so the model state is untouched and ``makemigrations --check`` stays clean.

- ``project_list_order_idx``: the ledger's default order, ``signed_on DESC NULLS LAST, id DESC``
  (public list, API, admin changelist). Without it every first page sorts all matching rows; with it
  the page is the first rows of an index walk, whatever the table size. The model's own
  ``project_signed_on_idx`` is ascending with NULLS LAST, which a backward scan cannot serve.
- ``project_*_trgm_idx`` / ``enterprise_name_trgm_idx``: GIN trigram indexes on exactly the
  expressions Django's ``icontains`` writes (``UPPER(col::text) LIKE UPPER('%…%')``), so the keyword
  search over name, English name, summary, code and investor names (ProjectFilterSet) finds Chinese
  substrings of three characters or more through the index instead of scanning every row. pg_trgm
  counts CJK characters as word characters under the cluster's UTF-8 ctype.
"""

from django.db import migrations

INDEXES = [
    ("project_list_order_idx", "projects_project", '("signed_on" DESC NULLS LAST, "id" DESC)', "btree"),
    ("project_name_trgm_idx", "projects_project", '(UPPER("name"::text) gin_trgm_ops)', "gin"),
    ("project_name_en_trgm_idx", "projects_project", '(UPPER("name_en"::text) gin_trgm_ops)', "gin"),
    ("project_summary_trgm_idx", "projects_project", '(UPPER("summary"::text) gin_trgm_ops)', "gin"),
    ("project_code_trgm_idx", "projects_project", '(UPPER("code"::text) gin_trgm_ops)', "gin"),
    ("enterprise_name_trgm_idx", "projects_enterprise", '(UPPER("name"::text) gin_trgm_ops)', "gin"),
]


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, columns, method in INDEXES:
        schema_editor.execute(f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" USING {method} {columns}')


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _columns, _method in INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0002_enterprise_credit_code_check"),
    ]

    operations = [
        migrations.RunPython(create_indexes, drop_indexes, elidable=False),
    ]
