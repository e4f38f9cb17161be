"""The project's 到位资金 becomes the sum of its funds ledger, kept by the database.

Triggers make ``projects_project.funds_in_place`` the SUM of the project's ``projects_fundsentry``
rows (NULL without one) whatever writes them: the door, ``QuerySet.update()``, raw SQL, deletes.

- PostgreSQL: a BEFORE INSERT / UPDATE OF funds_in_place trigger on the project sets the column to
  the sum (so a write of a stale value cannot stick), and an AFTER trigger on the entries rewrites
  the column of the projects whose entries changed (which fires the first one).
- SQLite (no BEFORE trigger may change a row): AFTER triggers on both tables write the sum back
  when the stored value differs from it.

The project's CHECK ``project_funds_within_total`` then refuses, in the database, entries adding up
to more than the total investment. The services check it first, under the project's row lock, with
a message (``projects.funds``).

Each project's old single figure becomes one opening balance (期初余额): its dates were never
recorded, so it carries none, and says so; one history entry each.
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations
from django.utils import timezone

POSTGRESQL = [
    """
    CREATE FUNCTION projects_project_funds_in_place() RETURNS trigger AS $$
    BEGIN
        NEW.funds_in_place := (SELECT SUM(amount) FROM projects_fundsentry WHERE project_id = NEW.id);
        RETURN NEW;
    END
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER projects_project_funds_in_place
    BEFORE INSERT OR UPDATE OF funds_in_place ON projects_project
    FOR EACH ROW EXECUTE FUNCTION projects_project_funds_in_place()
    """,
    """
    CREATE FUNCTION projects_fundsentry_sum() RETURNS trigger AS $$
    BEGIN
        IF TG_OP <> 'INSERT' THEN
            UPDATE projects_project SET funds_in_place = NULL, updated_at = now() WHERE id = OLD.project_id;
        END IF;
        IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.project_id <> OLD.project_id) THEN
            UPDATE projects_project SET funds_in_place = NULL, updated_at = now() WHERE id = NEW.project_id;
        END IF;
        RETURN NULL;
    END
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER projects_fundsentry_sum
    AFTER INSERT OR UPDATE OR DELETE ON projects_fundsentry
    FOR EACH ROW EXECUTE FUNCTION projects_fundsentry_sum()
    """,
]
POSTGRESQL_DROP = [
    "DROP TRIGGER IF EXISTS projects_fundsentry_sum ON projects_fundsentry",
    "DROP FUNCTION IF EXISTS projects_fundsentry_sum()",
    "DROP TRIGGER IF EXISTS projects_project_funds_in_place ON projects_project",
    "DROP FUNCTION IF EXISTS projects_project_funds_in_place()",
]

_SQLITE_SUM = "(SELECT SUM(amount) FROM projects_fundsentry WHERE project_id = {row}.{column})"
_SQLITE_NOW = "strftime('%Y-%m-%d %H:%M:%f', 'now')"


def _sqlite_project_trigger(name: str, event: str) -> str:
    total = _SQLITE_SUM.format(row="NEW", column="id")
    return (
        f"CREATE TRIGGER {name} AFTER {event} ON projects_project "
        f"WHEN NEW.funds_in_place IS NOT {total} "
        f"BEGIN UPDATE projects_project SET funds_in_place = {total} WHERE id = NEW.id; END"
    )


def _sqlite_entry_update(row: str) -> str:
    total = _SQLITE_SUM.format(row=row, column="project_id")
    return (f"UPDATE projects_project SET funds_in_place = {total}, updated_at = {_SQLITE_NOW} "
            f"WHERE id = {row}.project_id;")


SQLITE = [
    _sqlite_project_trigger("projects_project_funds_in_place_insert", "INSERT"),
    _sqlite_project_trigger("projects_project_funds_in_place_update", "UPDATE OF funds_in_place"),
    f"CREATE TRIGGER projects_fundsentry_sum_insert AFTER INSERT ON projects_fundsentry "
    f"BEGIN {_sqlite_entry_update('NEW')} END",
    f"CREATE TRIGGER projects_fundsentry_sum_update AFTER UPDATE ON projects_fundsentry "
    f"BEGIN {_sqlite_entry_update('OLD')} {_sqlite_entry_update('NEW')} END",
    f"CREATE TRIGGER projects_fundsentry_sum_delete AFTER DELETE ON projects_fundsentry "
    f"BEGIN {_sqlite_entry_update('OLD')} END",
]
SQLITE_DROP = [
    f"DROP TRIGGER IF EXISTS {name}" for name in (
        "projects_fundsentry_sum_delete", "projects_fundsentry_sum_update", "projects_fundsentry_sum_insert",
        "projects_project_funds_in_place_update", "projects_project_funds_in_place_insert",
    )
]

OPENING_NOTE = "由原“到位资金”字段迁移：到位日期不详，计入累计到位资金，不计入任何年度。"


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor not in ("postgresql", "sqlite"):
        raise RuntimeError(f"No funds-in-place triggers for the {vendor} database.")
    for statement in POSTGRESQL if vendor == "postgresql" else SQLITE:
        schema_editor.execute(statement)


def drop_triggers(apps, schema_editor):
    for statement in POSTGRESQL_DROP if schema_editor.connection.vendor == "postgresql" else SQLITE_DROP:
        schema_editor.execute(statement)


def opening_balances(apps, schema_editor):
    """Each project's old 到位资金 as its opening balance (no date: none was recorded)."""
    alias = schema_editor.connection.alias
    Project = apps.get_model("projects", "Project")
    FundsEntry = apps.get_model("projects", "FundsEntry")
    History = apps.get_model("projects", "HistoricalFundsEntry")
    now = timezone.now()
    rows = list(Project.objects.using(alias).filter(funds_in_place__isnull=False).values_list("pk", "funds_in_place"))
    for start in range(0, len(rows), 1000):
        entries = FundsEntry.objects.using(alias).bulk_create([
            FundsEntry(project_id=pk, kind="opening", received_on=None, amount=amount,
                       note=OPENING_NOTE, created_at=now, updated_at=now)
            for pk, amount in rows[start:start + 1000]
        ])
        History.objects.using(alias).bulk_create([
            History(id=entry.pk, project_id=entry.project_id, kind=entry.kind, received_on=None,
                    received_on_precision=entry.received_on_precision, amount=entry.amount, source="",
                    note=entry.note, version=1, created_at=now, updated_at=now, history_date=now,
                    history_type="+", history_change_reason="由原“到位资金”字段迁移为期初余额")
            for entry in entries
        ])


def forget_export_lines(apps, schema_editor):
    """The export's columns changed (the funds in place is staff-only, 竣工 and the plan are new): the
    stored CSV lines are computed again (live until the rebuild job or command writes them)."""
    Cells = apps.get_model("projects", "ProjectExportCells")
    Cells.objects.using(schema_editor.connection.alias).update(public_line=None, staff_line=None)


def give_roles_ledger_permissions(apps, schema_editor):
    from accounts.roles import sync_roles

    for app_config in global_apps.get_app_configs():
        create_permissions(app_config, verbosity=0, apps=apps, using=schema_editor.connection.alias)
    sync_roles(apps, using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [("projects", "0018_completed_stage_plan_funds_land")]

    operations = [
        migrations.RunPython(create_triggers, drop_triggers),
        migrations.RunPython(opening_balances, migrations.RunPython.noop),
        migrations.RunPython(forget_export_lines, migrations.RunPython.noop),
        migrations.RunPython(give_roles_ledger_permissions, migrations.RunPython.noop),
    ]
