"""The CSV export's stored cells of projects (``ProjectExportCells``): computed and kept current.

Each write that changes a project's to-many cells refreshes them in the same transaction with one
set-based statement, ``INSERT INTO projects_projectexportcells SELECT <the export's own aggregate
expressions> FROM projects_project WHERE ... ON CONFLICT (project_id) DO UPDATE``:

- a project saved at the door (``ProjectRules.after_save``), imported (``ProjectImport.write``) or
  given a milestone (``milestone_record``): that project / those projects;
- an enterprise or institute saved at the door or moved through the workflow (published,
  unpublished: the public cell lists only published records): every project that lists it;
- ``manage.py rebuild_export_cells`` (and the ``rebuild_export_cells`` job): every project.

The expressions are ``ledger.api.export_sql.stored_cell_values`` of the project serializer: the same
SQL the export ran per row before, so a stored cell is by construction the live one. PostgreSQL only,
as the COPY export that reads them: elsewhere the refresh does nothing (and the export computes live).
"""

from collections.abc import Iterable

from django.db import connections, models

from ledger.api.export_sql import stored_cell_values

from .api.serializers import ProjectSerializer
from .models import Enterprise, Project, ProjectExportCells, ResearchInstitute


def _statement(projects: models.QuerySet) -> tuple[str, tuple]:
    stored = ProjectSerializer.Meta.stored_cells
    values = stored_cell_values(Project, ProjectSerializer(context={}), stored)
    columns = list(values)
    select = projects.order_by().annotate(**{f"cell_{i}": values[c] for i, c in enumerate(columns)}).values_list(
        "pk", *(f"cell_{i}" for i in range(len(columns)))
    )
    sql, params = select.query.sql_with_params()
    table = ProjectExportCells._meta.db_table
    quote = connections[projects.db].ops.quote_name
    names = ", ".join(quote(ProjectExportCells._meta.get_field(c).column) for c in columns)
    updates = ", ".join(f"{quote(c)} = EXCLUDED.{quote(c)}" for c in columns)
    return (
        f"INSERT INTO {quote(table)} ({quote('project_id')}, {names}) {sql} "
        f"ON CONFLICT ({quote('project_id')}) DO UPDATE SET {updates}",
        params,
    )


def export_cells_refresh(*, projects: models.QuerySet) -> int:
    """Recompute the stored cells of ``projects`` in one statement; returns the rows written."""
    connection = connections[projects.db]
    if connection.vendor != "postgresql":
        return 0
    sql, params = _statement(projects)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def export_cells_refresh_projects(*, project_ids: Iterable[int]) -> int:
    ids = [pk for pk in project_ids if pk is not None]
    if not ids or connections[Project.objects.db].vendor != "postgresql":
        return 0
    return export_cells_refresh(projects=Project.objects.filter(pk__in=ids))


def export_cells_refresh_listing(*, record: models.Model) -> int:
    """Refresh every project that lists ``record`` (an enterprise as investor, an institute)."""
    if connections[Project.objects.db].vendor != "postgresql" or record.pk is None:
        return 0
    if isinstance(record, Enterprise):
        links = Project.investors.through.objects.filter(enterprise_id=record.pk)
    elif isinstance(record, ResearchInstitute):
        links = Project.institutes.through.objects.filter(researchinstitute_id=record.pk)
    else:
        raise TypeError(type(record).__name__)
    return export_cells_refresh(projects=Project.objects.filter(pk__in=links.values("project_id")))


def export_cells_rebuild() -> int:
    """Every project's stored cells, set-based (one statement): after a bulk load or to repair."""
    return export_cells_refresh(projects=Project.objects.all())


def export_cells_differing(*, projects: models.QuerySet) -> int:
    """How many of ``projects`` have no stored cells or cells other than a fresh computation gives.

    A check for cells written by other means than :func:`export_cells_refresh` (``generate_demo``
    computes its projects' cells as it makes them): one statement, the same expressions.
    """
    connection = connections[projects.db]
    if connection.vendor != "postgresql":
        return 0
    stored = ProjectSerializer.Meta.stored_cells
    values = stored_cell_values(Project, ProjectSerializer(context={}), stored)
    columns = list(values)
    select = projects.order_by().annotate(**{f"cell_{i}": values[c] for i, c in enumerate(columns)}).values_list(
        "pk", *(f"cell_{i}" for i in range(len(columns)))
    )
    sql, params = select.query.sql_with_params()
    quote = connection.ops.quote_name
    fresh = ", ".join(f"fresh.cell_{i}" for i in range(len(columns)))
    kept = ", ".join(f"kept.{quote(ProjectExportCells._meta.get_field(c).column)}" for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*) FROM ({sql}) fresh LEFT JOIN {quote(ProjectExportCells._meta.db_table)} kept"
            f" ON kept.{quote('project_id')} = fresh.pk"
            f" WHERE kept.{quote('project_id')} IS NULL OR ({fresh}) IS DISTINCT FROM ({kept})",
            params,
        )
        return cursor.fetchone()[0]
