"""The CSV export's stored cells of projects (``ProjectExportCells``): forgotten by the database, computed again.

The invariant: the export never differs from a fresh computation, whatever wrote the tables. It
holds by construction: triggers on every table the export's SELECT reads (the door, ``update()``,
raw SQL, a data migration and a delete fire them alike) delete the stored row of each project a
write touches, in the write's own transaction (projects/migrations/0020_export_cells_forgotten_by_triggers.py);
the export reads a project's stored row when it has one and computes the project live otherwise.

What is forgotten is computed again with one set-based statement, ``INSERT INTO
projects_projectexportcells SELECT <the export's own expressions> FROM projects_project WHERE ... ON
CONFLICT (project_id) DO UPDATE``:

- in the same transaction, for what the door wrote: a project saved (``ProjectRules.after_save``),
  imported (``ProjectImport.write``) or given a milestone (``milestone_record``); every project that
  lists an enterprise or institute saved or moved through the workflow;
- in the background (``export_lines_refresh_stale``, the ``refresh_export_lines`` job) for the rest:
  queued by the door when a sector, conference, zone or officer's user name changes; run by
  ``manage.py check_export --repair``;
- ``manage.py rebuild_export_cells`` (and its job): every project.

The expressions are ``ledger.api.export_sql.stored_cell_values`` of the project serializer, so a
stored cell is by construction the live one; ``export_cells_differences`` (``manage.py check_export``)
compares what is stored with a fresh computation. PostgreSQL only, as the COPY export that reads them:
elsewhere nothing is stored and the export computes every row live.
"""

from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor

from django.db import connections, models
from django.db.models.expressions import RawSQL
from django.urls import get_script_prefix
from django.utils import timezone

from ledger.api.export_sql import stored_cell_values, stored_line_values

from .api.serializers import PrivateProjectSerializer, ProjectSerializer
from .models import Enterprise, Project, ProjectExportCells, ResearchInstitute


def stores_export_lines() -> bool:
    """Whether the export's data is stored at all (PostgreSQL); elsewhere every row is computed live."""
    return connections[Project.objects.db].vendor == "postgresql"


def _readers() -> tuple[ProjectSerializer, PrivateProjectSerializer]:
    return ProjectSerializer(context={"private": False}), PrivateProjectSerializer(context={"private": True})


def stored_values() -> dict:
    """{side-table column: the expression computing it fresh}: the to-many cells and both CSV lines."""
    stored, readers = ProjectSerializer.Meta.stored_cells, _readers()
    return {**stored_cell_values(Project, readers[0], stored), **stored_line_values(Project, readers, stored)}


def line_values() -> dict:
    """{side-table column: expression} of the CSV lines alone, reading the to-many cells already stored."""
    return stored_line_values(Project, _readers(), ProjectSerializer.Meta.stored_cells, from_stored_cells=True)


def _fresh_select(projects: models.QuerySet, values: dict) -> tuple[list[str], str, tuple]:
    """(side-table columns, SELECT of ``pk, cell_0, cell_1 ...`` computing them fresh, its parameters), in
    the queryset's explicit order if it has one (the rebuild's: see _in_export_order)."""
    columns = list(values)
    ordered = projects if projects.query.order_by else projects.order_by()
    select = ordered.annotate(**{f"cell_{i}": values[c] for i, c in enumerate(columns)}).values_list(
        "pk", *(f"cell_{i}" for i in range(len(columns)))
    )
    sql, params = select.query.sql_with_params()
    return columns, sql, params


def _statement(projects: models.QuerySet, values: dict | None = None) -> tuple[str, tuple]:
    columns, sql, params = _fresh_select(projects, stored_values() if values is None else values)
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


# The refreshes the door makes on every write, each compiled once per process for each time zone and
# URL prefix (the statement is large: two whole CSV lines of expressions). Which projects is a
# subquery with one parameter: ids as an array, or the record a through table links them to.
_PARAMETER = object()
_COMPILED: dict[tuple, tuple[str, tuple]] = {}


def _refresh_where(projects_sql: str, value) -> int:
    """Refresh the projects whose ids ``projects_sql`` (one ``%s``, given ``value``) selects."""
    using = Project.objects.db
    key = (using, projects_sql, timezone.get_current_timezone_name(), get_script_prefix())
    if key not in _COMPILED:
        projects = Project.objects.using(using).filter(pk__in=RawSQL(projects_sql, (_PARAMETER,)))
        _COMPILED[key] = _statement(projects)
    sql, params = _COMPILED[key]
    with connections[using].cursor() as cursor:
        cursor.execute(sql, tuple(value if param is _PARAMETER else param for param in params))
        return cursor.rowcount


def export_cells_refresh_projects(*, project_ids: Iterable[int]) -> int:
    ids = [pk for pk in project_ids if pk is not None]
    if not ids or connections[Project.objects.db].vendor != "postgresql":
        return 0
    return _refresh_where("SELECT unnest(%s::bigint[])", ids)


def export_cells_refresh_listing(*, record: models.Model) -> int:
    """Refresh every project that lists ``record`` (an enterprise as investor, an institute)."""
    if connections[Project.objects.db].vendor != "postgresql" or record.pk is None:
        return 0
    if isinstance(record, Enterprise):
        through = Project.investors.through
    elif isinstance(record, ResearchInstitute):
        through = Project.institutes.through
    else:
        raise TypeError(type(record).__name__)
    link = next(f for f in through._meta.concrete_fields if f.is_relation and f.related_model is type(record))
    quote = connections[Project.objects.db].ops.quote_name
    return _refresh_where(
        f"SELECT {quote('project_id')} FROM {quote(through._meta.db_table)} WHERE {quote(link.column)} = %s", record.pk
    )


REBUILD_BATCH = 25_000


def export_lines_refresh(*, projects: models.QuerySet) -> int:
    """Recompute only the CSV lines of ``projects`` that have stored cells, from those cells (the door
    keeps them current on every write): the cheap half of a refresh, for lines a change forgot or a
    bulk load left empty. One statement; returns the rows written."""
    connection = connections[projects.db]
    if connection.vendor != "postgresql":
        return 0
    sql, params = _statement(projects.filter(export_cells__isnull=False), line_values())
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def _in_batches(refresh: Callable[..., int], batches: list[models.QuerySet], *, workers: int,
                report: Callable[[int, int], None] | None) -> int:
    """``refresh(projects=batch)`` for each batch; on ``workers`` connections at once outside a transaction
    (each batch committed on its own: a batch is idempotent, so an interrupted run is simply repeated),
    one after the other inside one. ``report(batches done, batches)`` after each."""
    done = 0
    if workers <= 1 or connections[Project.objects.db].in_atomic_block:
        for number, batch in enumerate(batches, start=1):
            done += refresh(projects=batch)
            if report is not None:
                report(number, len(batches))
        return done

    def run(batch: models.QuerySet) -> int:
        try:
            return refresh(projects=batch)
        finally:
            connections.close_all()  # this thread's own connection

    with ThreadPoolExecutor(max_workers=workers) as pool:
        for number, rows in enumerate(pool.map(run, batches), start=1):
            done += rows
            if report is not None:
                report(number, len(batches))
    return done


def _in_export_order(projects: models.QuerySet) -> list[models.QuerySet]:
    """``projects`` in batches of ``REBUILD_BATCH``, each written in the ledger's default order, which is
    the export's: the rebuilt side table lies on disk in the order the export reads it, so the full
    export's lookups into it are nearly sequential (at 1M: 4.5 s of random page reads become ~2 s).
    Rows rewritten later by the door move; the next rebuild puts them back."""
    ordering = Project._meta.ordering
    ids = list(projects.order_by(*ordering).values_list("pk", flat=True))
    return [Project.objects.filter(pk__in=RawSQL("SELECT unnest(%s::bigint[])", (ids[start : start + REBUILD_BATCH],)))
            .order_by(*ordering) for start in range(0, len(ids), REBUILD_BATCH)]


def export_lines_refresh_stale(*, workers: int = 1, report: Callable[[int, int], None] | None = None) -> int:
    """Every project the database forgot (its stored row deleted by a trigger, see the module) or whose
    lines were never computed: the first computed whole, the others from their cells. The export
    computes them live meanwhile. Returns the rows written."""
    if connections[Project.objects.db].vendor != "postgresql":
        return 0
    missing = _in_export_order(Project.objects.filter(export_cells__isnull=True))
    done = _in_batches(export_cells_refresh, missing, workers=workers, report=report)
    stale = ProjectExportCells.objects.filter(models.Q(public_line=None) | models.Q(staff_line=None))
    batches = _in_export_order(Project.objects.filter(pk__in=stale.values("project_id")))
    return done + _in_batches(export_lines_refresh, batches, workers=workers, report=report)


def export_cells_rebuild(*, workers: int = 1, lines_only: bool = False,
                         report: Callable[[int, int], None] | None = None) -> int:
    """Every project's stored cells and lines (``lines_only``: the lines, from the stored cells), set-based,
    one statement per ``REBUILD_BATCH`` ids, on ``workers`` connections (see ``_in_batches``): after a
    bulk load or to repair."""
    if connections[Project.objects.db].vendor != "postgresql":
        return 0
    refresh = export_lines_refresh if lines_only else export_cells_refresh
    return _in_batches(refresh, _in_export_order(Project.objects.all()), workers=workers, report=report)


def export_cells_differences(*, projects: models.QuerySet, missing: bool = False) -> list[tuple[int, list[str]]]:
    """(project id, the stored columns that differ from a fresh computation) for each of ``projects``
    whose stored export data is not what the export would compute now, in one statement.

    A project without a stored row, or with a NULL line or one written in another time zone, is
    computed live by the export and so cannot differ; ``missing=True`` reports a project without a
    stored row too (``generate_demo``'s check of the cells it wrote itself), as ``["(missing)"]``.
    """
    connection = connections[projects.db]
    if connection.vendor != "postgresql":
        return []
    columns, sql, params = _fresh_select(projects.order_by("pk"), stored_values())
    quote = connection.ops.quote_name
    stored = ProjectSerializer.Meta.stored_cells
    lines = set(stored.lines or ())

    def kept(column: str) -> str:
        return f"kept.{quote(ProjectExportCells._meta.get_field(column).column)}"

    zone = f"{kept(stored.line_zone)} = fresh.cell_{columns.index(stored.line_zone)}"
    tests = {
        column: (f"({kept(column)} IS NOT NULL AND {zone} AND {kept(column)} IS DISTINCT FROM fresh.cell_{i})"
                 if column in lines else f"{kept(column)} IS DISTINCT FROM fresh.cell_{i}")
        for i, column in enumerate(columns) if column != stored.line_zone
    }
    names = ", ".join(f"CASE WHEN {test} THEN %s END" for test in tests.values())
    absent = f"kept.{quote('project_id')} IS NULL"
    where = " OR ".join([*([absent] if missing else []), *(f"(kept.{quote('project_id')} IS NOT NULL AND {t})"
                                                            for t in tests.values())])
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT fresh.pk, {absent}, array_remove(ARRAY[{names}]::text[], NULL) FROM ({sql}) fresh"
            f" LEFT JOIN {quote(ProjectExportCells._meta.db_table)} kept ON kept.{quote('project_id')} = fresh.pk"
            f" WHERE {where} ORDER BY fresh.pk",
            (*tests, *params),
        )
        return [(pk, ["(missing)"] if gone else list(differing)) for pk, gone, differing in cursor.fetchall()]
