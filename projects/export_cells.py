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

from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor

from django.db import connections, models
from django.db.models import Max, Min
from django.db.models.expressions import RawSQL
from django.urls import get_script_prefix
from django.utils import timezone

from ledger.api.export_sql import stored_cell_values, stored_line_values

from .api.serializers import PrivateProjectSerializer, ProjectSerializer
from .models import Enterprise, Project, ProjectExportCells, ResearchInstitute


def stored_values() -> dict:
    """{side-table column: the expression computing it fresh}: the to-many cells and both CSV lines."""
    stored = ProjectSerializer.Meta.stored_cells
    readers = (ProjectSerializer(context={"private": False}), PrivateProjectSerializer(context={"private": True}))
    return {**stored_cell_values(Project, readers[0], stored), **stored_line_values(Project, readers, stored)}


def _statement(projects: models.QuerySet) -> tuple[str, tuple]:
    values = stored_values()
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


# The refresh by ids, compiled once per process for each time zone and URL prefix (the statement is
# large: two whole CSV lines of expressions); the ids are its one array parameter.
_IDS = object()
_BY_IDS: dict[tuple, tuple[str, tuple]] = {}


def _statement_by_ids(using: str) -> tuple[str, tuple]:
    key = (using, timezone.get_current_timezone_name(), get_script_prefix())
    if key not in _BY_IDS:
        projects = Project.objects.using(using).filter(pk__in=RawSQL("SELECT unnest(%s::bigint[])", (_IDS,)))
        _BY_IDS[key] = _statement(projects)
    return _BY_IDS[key]


def export_cells_refresh_projects(*, project_ids: Iterable[int]) -> int:
    ids = [pk for pk in project_ids if pk is not None]
    using = Project.objects.db
    connection = connections[using]
    if not ids or connection.vendor != "postgresql":
        return 0
    sql, params = _statement_by_ids(using)
    with connection.cursor() as cursor:
        cursor.execute(sql, tuple(ids if param is _IDS else param for param in params))
        return cursor.rowcount


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


def export_lines_invalidate(*, projects: models.QuerySet) -> int:
    """Forget the stored CSV lines of ``projects`` in one statement (the export computes them live until
    ``export_lines_refresh_stale`` has run): for a change that reaches many projects at once, such as a
    zone's publication or an officer's user name. Returns the lines forgotten."""
    if connections[projects.db].vendor != "postgresql":
        return 0
    return ProjectExportCells.objects.filter(project__in=projects.order_by().values("pk")).exclude(
        public_line=None, staff_line=None).update(public_line=None, staff_line=None)


def export_lines_refresh_stale(*, report: Callable[[int, int], None] | None = None) -> int:
    """Compute again every project whose stored line was forgotten, ``REBUILD_BATCH`` at a time."""
    if connections[Project.objects.db].vendor != "postgresql":
        return 0
    stale = ProjectExportCells.objects.filter(models.Q(public_line=None) | models.Q(staff_line=None))
    ids = list(stale.order_by("project_id").values_list("project_id", flat=True))
    done = 0
    for start in range(0, len(ids), REBUILD_BATCH):
        done += export_cells_refresh_projects(project_ids=ids[start : start + REBUILD_BATCH])
        if report is not None:
            report(done, len(ids))
    return done


REBUILD_BATCH = 25_000


def export_cells_rebuild(*, workers: int = 1, report: Callable[[int, int], None] | None = None) -> int:
    """Every project's stored cells and lines, set-based, one statement per ``REBUILD_BATCH`` ids: after
    a bulk load or to repair. ``workers`` > 1 runs the batches on that many connections at once, each
    batch committed on its own (a batch is idempotent, so an interrupted rebuild is simply run again);
    inside a transaction the batches run in it, one after the other. ``report(done, total)`` after each.
    """
    connection = connections[Project.objects.db]
    if connection.vendor != "postgresql":
        return 0
    bounds = Project.objects.aggregate(low=Min("pk"), high=Max("pk"))
    if bounds["low"] is None:
        return 0
    batches = [Project.objects.filter(pk__gte=start, pk__lt=start + REBUILD_BATCH)
               for start in range(bounds["low"], bounds["high"] + 1, REBUILD_BATCH)]
    done = 0
    if workers <= 1 or connection.in_atomic_block:
        for batch in batches:
            done += export_cells_refresh(projects=batch)
            if report is not None:
                report(done, len(batches))
        return done

    def refresh(batch: models.QuerySet) -> int:
        try:
            return export_cells_refresh(projects=batch)
        finally:
            connections.close_all()  # this thread's own connection

    with ThreadPoolExecutor(max_workers=workers) as pool:
        for number, rows in enumerate(pool.map(refresh, batches), start=1):
            done += rows
            if report is not None:
                report(number, len(batches))
    return done
