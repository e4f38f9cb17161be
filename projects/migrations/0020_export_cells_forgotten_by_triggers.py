"""The export's stored cells and CSV lines are forgotten by the database whenever what they show changes.

``projects_projectexportcells`` holds, per project, the CSV export's to-many cells and its two whole
CSV lines (``projects.export_cells``); the export reads a project's stored row when there is one and
computes the project live otherwise. Statement-level AFTER triggers (PostgreSQL: one per table and
event, with the statement's transition tables, so a bulk write runs one DELETE, not one per row) on
every table the export's SELECT reads delete the stored rows of the projects a write touches:

- ``projects_project`` updated; milestones and the investor and institute links inserted, updated
  or deleted: those projects;
- an enterprise or institute updated: the projects that list it; a sector, signing conference, zone
  or user (the officer, in the staff line) updated: the projects that point to it. An UPDATE that
  changes nothing (for a user: nothing but ``last_login``) forgets nothing;
- any of these tables truncated: every stored row.

So no write of any kind (the door, ``QuerySet.update()``, raw SQL, a data migration, a delete) leaves
a stored line the export would serve stale: the write's own transaction forgets it. The door computes
the lines of what it wrote again in the same transaction; ``export_lines_refresh_stale`` (a job, and
``manage.py rebuild_export_cells --missing``) computes the others. Elsewhere than PostgreSQL the
export computes every row live and nothing is stored, so no trigger is needed.
"""

from django.conf import settings
from django.db import migrations

CELLS = "projects_projectexportcells"
FORGET = f"DELETE FROM {CELLS} WHERE project_id IN ({{projects}})"


def _tables(apps) -> list[tuple[str, dict[str, str]]]:
    """(table, {event: a SELECT of the ids of the projects a statement of that event touches})."""
    project = apps.get_model("projects", "Project")
    user_table = apps.get_model(settings.AUTH_USER_MODEL)._meta.db_table
    links = {"INSERT": "SELECT project_id FROM new_rows", "DELETE": "SELECT project_id FROM old_rows",
             "UPDATE": "SELECT project_id FROM new_rows UNION SELECT project_id FROM old_rows"}
    changed = "SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id WHERE {compare}"
    row_changed = changed.format(compare="to_jsonb(n) IS DISTINCT FROM to_jsonb(o)")

    def pointing(column: str, compare: str = "to_jsonb(n) IS DISTINCT FROM to_jsonb(o)") -> dict[str, str]:
        return {"UPDATE": f"SELECT id FROM projects_project WHERE {column} IN ({changed.format(compare=compare)})"}

    def listing(through: str, column: str) -> dict[str, str]:
        return {"UPDATE": f"SELECT project_id FROM {through} WHERE {column} IN ({row_changed})"}

    investors, institutes = project.investors.through._meta.db_table, project.institutes.through._meta.db_table
    return [
        ("projects_project", {"UPDATE": row_changed}),
        ("projects_projectmilestone", links),
        (investors, links),
        (institutes, links),
        ("projects_enterprise", listing(investors, "enterprise_id")),
        ("projects_researchinstitute", listing(institutes, "researchinstitute_id")),
        ("projects_sector", pointing("sector_id")),
        ("projects_signingevent", pointing("signing_event_id")),
        ("projects_renewalzone", pointing("zone_id")),
        (user_table, pointing("officer_id", "to_jsonb(n) - 'last_login' IS DISTINCT FROM to_jsonb(o) - 'last_login'")),
    ]


def _transition(event: str) -> str:
    return {"INSERT": "REFERENCING NEW TABLE AS new_rows", "DELETE": "REFERENCING OLD TABLE AS old_rows",
            "UPDATE": "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows"}[event]


def create_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, events in _tables(apps):
        for event, projects in events.items():
            name = f"{table}_export_forget_{event.lower()}"
            schema_editor.execute(
                f"CREATE FUNCTION {name}() RETURNS trigger AS $$ BEGIN "
                f"{FORGET.format(projects=projects)}; RETURN NULL; END $$ LANGUAGE plpgsql"
            )
            schema_editor.execute(
                f"CREATE TRIGGER {name} AFTER {event} ON {table} {_transition(event)} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION {name}()"
            )
        name = f"{table}_export_forget_truncate"
        schema_editor.execute(
            f"CREATE FUNCTION {name}() RETURNS trigger AS $$ BEGIN DELETE FROM {CELLS}; RETURN NULL; END $$ "
            "LANGUAGE plpgsql"
        )
        schema_editor.execute(f"CREATE TRIGGER {name} AFTER TRUNCATE ON {table} FOR EACH STATEMENT EXECUTE FUNCTION {name}()")


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, events in _tables(apps):
        for event in (*events, "TRUNCATE"):
            name = f"{table}_export_forget_{event.lower()}"
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
            schema_editor.execute(f"DROP FUNCTION IF EXISTS {name}()")


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0019_funds_in_place_from_ledger"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
