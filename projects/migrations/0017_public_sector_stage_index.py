"""The public list filtered by sector and stage, in its default order (PostgreSQL only, as ``0003``).

``project_public_sector_stage_idx``: ``(sector_id, stage, signed_on DESC NULLS LAST, id DESC)`` over
the published, unarchived projects. ``/projects/?sector=…&stage=…`` (the list's two facets together)
reads its page as the first 20 entries of the index and counts the matches by an index-only scan,
instead of walking the default order until 20 match (at 1M: 156 ms reading 16,000 pages, now 0.06 ms)
and counting through a bitmap of two indexes (150 ms, now 2.7 ms), EXPLAIN ANALYZE on the 1M demo.
A sector alone uses its first column. On any other database this migration does nothing.
"""

from django.db import migrations

NAME = "project_public_sector_stage_idx"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f'CREATE INDEX IF NOT EXISTS "{NAME}" ON "projects_project" '
        '("sector_id", "stage", "signed_on" DESC NULLS LAST, "id" DESC) '
        'WHERE "is_published" AND "archived_at" IS NULL'
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f'DROP INDEX IF EXISTS "{NAME}"')


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0016_list_order_covering_index"),
    ]

    operations = [
        migrations.RunPython(create_index, drop_index, elidable=False),
    ]
