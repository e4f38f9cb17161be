"""
Fill the database with clearly synthetic demo records, for load tests and demos at scale.

    python manage.py generate_demo --projects 100000 --seed 1

Every generated name starts with ``【演示】`` and every slug with ``demo-``, so demo records are
never mistaken for (or mixed with) the facts of the source report: nothing the report holds is
changed, and ``--replace`` deletes demo records only. Existing sectors and honours are reused
(linked to, never modified); without any, demo ones are created.

The output is a function of ``--projects`` and ``--seed`` alone (dates count back from a fixed
anchor, not from today). Rows go in by ``COPY ... FROM STDIN`` on PostgreSQL, each big table
streamed as it is generated (``bulk_create`` in batches elsewhere), bypassing the services on
purpose: the generator builds only combinations the stage table and the database constraints
accept (a test checks the result against ``Project.full_clean()`` and the stage rules).
"""

import copy
import datetime
import functools
import itertools
import json
import random
import re
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal
from typing import Any, NamedTuple

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, models, transaction
from django.db.models.fields import NOT_PROVIDED
from django.utils import timezone
from django.utils.module_loading import import_string
from psycopg import sql as psycopg_sql
from psycopg.copy import QueuedLibpqWriter
from tqdm import tqdm

from ledger.cache import public_pages_changed
from projects.export_cells import export_cells_differences, export_cells_rebuild, export_cells_refresh
from projects.models import (
    BuildStatus,
    DevelopmentModel,
    Enterprise,
    EnterpriseKind,
    FundsEntry,
    Honour,
    Project,
    ProjectExportCells,
    ProjectMilestone,
    ProjectYearFigures,
    RenewalZone,
    ReviewStatus,
    Sector,
    SectorTier,
    SigningEvent,
    ZoneKind,
)
from projects.sorting import name_sort_key
from projects.stages import MAIN_PATH, STAGE_DATE_FIELDS, Stage

MARK = "【演示】"
SLUG_PREFIX = "demo-"
ANCHOR = datetime.date(2026, 6, 30)  # "today" for generated dates: fixed, so output depends on the seed only.
EARLIEST = datetime.date(2015, 1, 1)

SECTOR_TREE = [  # (name, english, tier, children)
    ("钢铁", "Steel", SectorTier.PILLAR, ["硅钢", "特种钢材"]),
    ("石化", "Petrochemicals", SectorTier.PILLAR, ["炼化一体化"]),
    ("智能建造", "Smart construction", SectorTier.PILLAR, []),
    ("数智", "Digital intelligence", SectorTier.FEATURED, ["算力芯片", "数据标注"]),
    ("文旅", "Culture and tourism", SectorTier.FEATURED, []),
    ("氢能", "Hydrogen", SectorTier.EMERGING, []),
    ("新材料", "New materials", SectorTier.EMERGING, ["化工新材料"]),
    ("生物医药", "Biomedicine", SectorTier.EMERGING, []),
    ("智能制造", "Smart manufacturing", SectorTier.EMERGING, []),
    ("绿色低碳", "Green low-carbon", SectorTier.EMERGING, []),
]
HONOURS = [("世界500强", "fortune-global-500"), ("链主", "chain-leader"), ("隐形冠军", "hidden-champion"),
           ("瞪羚企业", "gazelle"), ("上市公司", "listed")]
BRAND_CHARS = "恒远华泰宏达鑫瑞中联金汇长江楚天光谷东湖青峰星辰海川信诚天宇博源卓越嘉禾广厦鼎盛润丰致远和盈"
THEMES = ["新材料", "氢能", "硅钢", "智能制造", "绿色低碳", "生物医药", "数字信息", "算力", "石化", "文旅",
          "碳纤维", "储能", "供应链", "精细化工", "环保", "物流", "高端装备", "数据标注"]
PROJECT_KINDS = ["产业园项目", "总部项目", "生产基地项目", "研发中心项目", "技术改造项目", "扩能项目",
                 "产业合作项目", "综合体项目", "示范线项目"]
ENTERPRISE_SUFFIXES = ["科技有限公司", "集团有限公司", "新材料有限公司", "实业有限公司", "股份有限公司", "工程有限公司"]
ORIGINS = [("湖北", "武汉"), ("湖北", "宜昌"), ("浙江", "杭州"), ("江苏", "苏州"), ("广东", "深圳"), ("上海", "上海"),
           ("北京", "北京"), ("山东", "青岛"), ("四川", "成都"), ("湖南", "长沙"), ("福建", "厦门"), ("河南", "郑州")]
UNITS = ["区投资促进中心", "区发改局", "区经信局", "区科技局", "区商务局", "工人村街道", "红卫路街道", "冶金街道"]
KIND_WEIGHTS = [(EnterpriseKind.PRIVATE, 55), (EnterpriseKind.LOCAL_SOE, 15), (EnterpriseKind.CENTRAL_SOE, 12),
                (EnterpriseKind.FOREIGN, 8), (EnterpriseKind.FINANCIAL, 5), (EnterpriseKind.OTHER, 5)]
STAGE_WEIGHTS = [(Stage.NEGOTIATING, 20), (Stage.SIGNED, 25), (Stage.REGISTERED, 14), (Stage.STARTED, 20),
                 (Stage.COMPLETED, 5), (Stage.IN_PRODUCTION, 13), (Stage.ON_HOLD, 5), (Stage.TERMINATED, 3)]
# Share of the total investment in place, at most (plus 10 %), by stage: one funds-ledger entry.
FUNDED_SHARE = {Stage.SIGNED: 0.1, Stage.REGISTERED: 0.3, Stage.STARTED: 0.6, Stage.COMPLETED: 0.8,
                Stage.IN_PRODUCTION: 0.9}
# Days between consecutive main-path dates: signed -> registered -> started -> completed -> in production.
STEP_DAYS = {Stage.REGISTERED: (20, 200), Stage.STARTED: (30, 400), Stage.COMPLETED: (120, 600),
             Stage.IN_PRODUCTION: (30, 300)}
FUNDS_NOTE = f"{MARK}到位资金记录（合成）"
# Project names are drawn from a pool of this many distinct names, each with its pinyin sort key
# computed once by projects.sorting.name_sort_key (≈ 1 ms a name: per project it took most of the run).
NAME_POOL = 10_000

ENTERPRISE_DESCRIPTION = f"{MARK}合成企业，仅用于演示与压力测试。"
PROJECT_DESCRIPTION = f"{MARK}本项目为生成的演示数据，不对应任何真实项目。"
MILESTONE_NOTE = f"{MARK}节点记录"
STAGE_CHANGE_NOTE = f"{MARK}阶段变更"

# How many of the projects' computed export cells are compared with the export's own SQL.
CELL_SAMPLE = 2000

# PostgreSQL's memory for each index rebuilt after the load (SET LOCAL, this transaction only).
MAINTENANCE_WORK_MEM = "1GB"

# The tables of the million-row load (see Command.bulk_load).
BULK_MODELS = (Enterprise, Enterprise.honours.through, Project, Project.investors.through, ProjectMilestone,
               ProjectExportCells, FundsEntry)
# The funds in place is the sum of the funds ledger, kept by these tables' triggers (projects
# migration 0019). The load writes both sides agreeing by construction, with the triggers off.
TRIGGER_TABLES = (Project, FundsEntry)


class EnterpriseRef(NamedTuple):
    """What the later parts of the demo need of a generated enterprise."""

    id: int
    name: str
    slug: str
    is_published: bool


_CUMULATIVE: dict[tuple, tuple[list, list]] = {}


def _weighted(rng: random.Random, weights: Sequence[tuple[Any, int]]) -> Any:
    # The same draw as rng.choices(values, weights=...) (which accumulates the weights on every call).
    key = tuple(weights)
    values, cumulative = _CUMULATIVE.get(key) or _CUMULATIVE.setdefault(
        key, ([value for value, _w in weights], list(itertools.accumulate(w for _v, w in weights)))
    )
    return rng.choices(values, cum_weights=cumulative)[0]


def _day(rng: random.Random, start: datetime.date, end: datetime.date) -> datetime.date:
    return start + datetime.timedelta(days=rng.randint(0, max((end - start).days, 0)))


@functools.cache
def _aware(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 0)))


def _money_units(rng: random.Random) -> int:
    """Total investment in whole 万元: log-normal, median about 2 亿元, from a few hundred 万 to hundreds of 亿."""
    value = min(max(rng.lognormvariate(9.9, 1.5), 300), 5_000_000)
    step = 100 if value >= 1000 else 10
    return int(value / step) * step


def _money(rng: random.Random) -> Decimal:
    return Decimal(_money_units(rng)).quantize(Decimal("0.01"))


def _cents_text(cents: int) -> str:
    """An amount in hundredths as the text of a two-decimal number (a DecimalField takes it as is)."""
    return f"{cents // 100}.{cents % 100:02d}"


def _name_and_id(enterprise: "EnterpriseRef") -> tuple[str, int]:
    return enterprise.name, enterprise.id


def _brand(rng: random.Random) -> str:
    return rng.choice(BRAND_CHARS) + rng.choice(BRAND_CHARS)


def _batched(rows: Iterable[tuple], size: int) -> Iterator[list[tuple]]:
    iterator = iter(rows)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


# COPY's text format: a tab between columns, a newline after the row, \N for NULL; a backslash,
# tab, newline or carriage return inside a value is escaped.
_COPY_SPECIAL = re.compile(r"[\\\t\n\r]")
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
NULL = "\\N"


def _copy_text(value: Any) -> str:
    if value is None:
        return NULL
    text = str(value) if not isinstance(value, str) else value
    return text.translate(_COPY_ESCAPES) if _COPY_SPECIAL.search(text) else text


def _texts(values: Sequence[Any]) -> list[str]:
    """A column of text values; one regex search over the whole column when none is NULL or special."""
    present = [v for v in values if v is not None]
    try:
        joined = "".join(present)
    except TypeError:  # not all str: one by one
        return [_copy_text(v) for v in values]
    if _COPY_SPECIAL.search(joined):
        return [_copy_text(v) for v in values]
    return list(values) if len(present) == len(values) else [NULL if v is None else v for v in values]


def _scalars(values: Sequence[Any]) -> list[str]:  # integers, decimals (Decimal or their text), keys
    return [NULL if v is None else str(v) for v in values]


def _bools(values: Sequence[Any]) -> list[str]:
    return [NULL if v is None else ("t" if v else "f") for v in values]


def _isos(values: Sequence[Any]) -> list[str]:  # dates, aware datetimes
    return [NULL if v is None else v.isoformat() for v in values]


def _jsons(values: Sequence[Any]) -> list[str]:
    return [NULL if v is None else _copy_text(json.dumps(v, ensure_ascii=False)) for v in values]


def _copy_column(field: models.Field) -> Callable[[Sequence[Any]], list[str]]:
    """The function turning a column of Python values of ``field`` (as the generator makes them) into COPY text."""
    kind = field.get_internal_type()
    if kind == "BooleanField":
        return _bools
    if kind in ("DateField", "DateTimeField"):
        return _isos
    if kind == "JSONField":
        return _jsons
    if kind in ("CharField", "TextField", "SlugField", "EmailField", "URLField"):
        return _texts
    return _scalars


class CopyTable:
    """How rows of one model are written: tuples of the named ``columns``, the other fields' defaults.

    ``text(rows)`` is the COPY text of a batch: the tuples' values formatted per column, then the
    defaults (formatted once, a constant suffix of every line). ``instance(row)`` is the model
    instance ``bulk_create`` takes (SQLite).
    """

    def __init__(self, model: type[models.Model], columns: Sequence[str], *, now: datetime.datetime):
        self.model = model
        self.columns = list(columns)
        by_name = {f.attname: f for f in model._meta.concrete_fields}
        unknown = set(self.columns) - set(by_name)
        if unknown:
            raise ValueError(f"{model.__name__} has no columns {sorted(unknown)}")
        self.defaults = {
            f.attname: now if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False) else f.get_default()
            for f in model._meta.concrete_fields
            # A column with a database default the rows do not give is left to the database.
            if not f.primary_key and (f.attname in self.columns or f.db_default is NOT_PROVIDED)
        }
        self.rest = [name for name in self.defaults if name not in self.columns]
        self.formats = [_copy_column(by_name[name]) for name in self.columns]
        self.suffix = "".join(
            "\t" + _copy_column(by_name[name])([self.defaults[name]])[0] for name in self.rest
        ) + "\n"
        self.db_columns = [by_name[name].column for name in (*self.columns, *self.rest)]

    def copy_sql(self) -> psycopg_sql.Composed:
        return psycopg_sql.SQL("COPY {} ({}) FROM STDIN").format(
            psycopg_sql.Identifier(self.model._meta.db_table),
            psycopg_sql.SQL(", ").join(map(psycopg_sql.Identifier, self.db_columns)),
        )

    def text(self, rows: Sequence[tuple]) -> str:
        """Formatted column by column (one list comprehension per column, not a call per value)."""
        if not rows:
            return ""
        columns = [fmt(values) for fmt, values in zip(self.formats, zip(*rows, strict=True), strict=True)]
        return self.suffix.join(map("\t".join, zip(*columns, strict=True))) + self.suffix

    def instance(self, row: tuple) -> models.Model:
        return self.model(**{name: self.defaults[name] for name in self.rest}, **dict(zip(self.columns, row, strict=True)))


class Spool:
    """A child table's rows collected while its parents are generated.

    PostgreSQL: every ``batch_size`` rows become one UTF-8 chunk of COPY lines *without* the constant
    suffix of defaults (about 50 bytes a milestone instead of a tuple of Python objects); the suffix
    is put back line by line (``bytes.replace`` of the newlines) as the chunk is written. Elsewhere
    the tuples are kept (the small runs of the suite).
    """

    def __init__(self, table: CopyTable, batch_size: int, *, as_text: bool):
        self.table, self.batch_size, self.as_text = table, batch_size, as_text
        self.rows: list[tuple] = []
        self.chunks: list[tuple[bytes, int]] = []
        self.count = 0
        self._bare = copy.copy(table)
        self._bare.suffix = "\n"

    def flush(self, at_least: int = 1) -> None:
        """Encode the collected rows (on PostgreSQL), if there are ``at_least`` that many."""
        if not self.as_text or len(self.rows) < at_least:
            return
        self.chunks.append((self._bare.text(self.rows).encode(), len(self.rows)))
        self.count += len(self.rows)
        self.rows.clear()


class Command(BaseCommand):
    help = "Generate clearly synthetic demo data (names start with 【演示】, slugs with demo-), deterministic per seed."

    def add_arguments(self, parser):
        parser.add_argument("--projects", type=int, default=1000, help="How many projects to generate.")
        parser.add_argument("--seed", type=int, default=1, help="Random seed; the same seed gives the same data.")
        parser.add_argument("--batch-size", type=int, default=5000)
        parser.add_argument("--replace", action="store_true", help="Delete existing demo records (demo-*) first.")
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")
        parser.add_argument(
            "--keep-indexes", action="store_true",
            help="PostgreSQL: keep the big tables' secondary indexes and foreign keys during the load "
                 "(by default they are dropped and rebuilt after it, which is faster).",
        )

    def handle(
        self, *args, projects: int, seed: int, batch_size: int, replace: bool, no_progress: bool,
        keep_indexes: bool = False, **options,
    ):
        if projects < 1:
            raise CommandError("--projects must be at least 1.")
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        self.batch_size = batch_size
        self.show_progress = not no_progress and options["verbosity"] > 0
        self.rng = random.Random(seed)
        self.now = timezone.now()
        self.timings: dict[str, float] = {}
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    # Nothing is lost by not waiting for the WAL flush of this one commit (a crash
                    # before it is a run to repeat); it lasts for the transaction only.
                    cursor.execute("SET LOCAL synchronous_commit = off")
            if Project.objects.filter(slug__startswith=SLUG_PREFIX).exists():
                if not replace:
                    raise CommandError("Demo records already exist; pass --replace to delete and regenerate them.")
                delete_demo_data()
            # The export's stored cells (investors, institutes, milestones) of every project, in one
            # set-based statement, as the write door keeps them (PostgreSQL; nothing on SQLite): after
            # the indexes and ANALYZE, before the foreign keys (the cells' own is checked once, in bulk).
            with self.bulk_load(BULK_MODELS if not keep_indexes else (), before_keys=self.rebuild_export_cells):
                counts = self.generate(projects)
            public_pages_changed()  # cached pages and figures are out of date (on commit)
        if connection.vendor == "postgresql":
            self.export_lines()
        if options["verbosity"] > 0:
            summary = ", ".join(f"{name} {count:,}" for name, count in counts.items())
            self.stdout.write(self.style.SUCCESS(f"Generated demo data (seed {seed}): {summary}."))

    # -- inserting ------------------------------------------------------------------------------

    def sorts_like_python(self) -> bool:
        """Whether the database orders text by code point, as Python's ``sorted`` does (C collations)."""
        with connection.cursor() as cursor:
            cursor.execute("SELECT datcollate FROM pg_database WHERE datname = current_database()")
            (collation,) = cursor.fetchone()
        return collation in ("C", "POSIX", "C.UTF-8", "C.utf8", "ucs_basic")

    def rebuild_export_cells(self) -> None:
        """The export's stored cells of every project, as the write door keeps them (PostgreSQL).

        The generated projects' cells were computed with the rows (see :meth:`projects`): here a
        sample of them is compared with the export's own SQL (``export_cells_differences``), and
        the other projects' cells are refreshed, with those of any project the database forgot as the
        rows went in (projects/migrations/0020_export_cells_forgotten_by_triggers.py). If any sampled cell differs, or the cells were not
        computed, every project's cells are rebuilt by the set-based statement instead.
        """
        started = time.monotonic()
        if getattr(self, "cells_made", False):
            if self.show_progress:
                self.stderr.write(f"export cells: checking {len(self.cell_sample):,} against the export's SQL …")
            differing = len(export_cells_differences(
                projects=Project.objects.filter(pk__in=list(self.cell_sample)), missing=True))
            if not differing:
                export_cells_refresh(projects=Project.objects.filter(
                    ~models.Q(slug__startswith=SLUG_PREFIX) | models.Q(export_cells__isnull=True)))
                self.timings["export cells (check)"] = time.monotonic() - started
                return
            self.stderr.write(f"export cells: {differing} of the sample differ; rebuilding all in SQL")
        if self.show_progress:
            self.stderr.write("export cells: rebuilding …")
        cells = export_cells_rebuild()
        self.timings["export cells"] = time.monotonic() - started
        if self.show_progress:
            self.stderr.write(f"export cells: {cells:,} rows in {self.timings['export cells']:.1f} s")

    def export_lines(self) -> None:
        """After the load's commit: every project's CSV lines from its stored cells, on two connections,
        written in the export's order (``export_cells_rebuild(lines_only=True)``); then VACUUM of the
        projects (the visibility map the default order's index-only scan needs) and of the side table."""
        started = time.monotonic()
        bar = self.progress(None, "export lines", "batches")

        def report(done: int, total: int) -> None:
            bar.total = total
            bar.update(done - bar.n)

        export_cells_rebuild(lines_only=True, workers=2, report=report)
        bar.close()
        if not connection.in_atomic_block:  # VACUUM runs outside a transaction only (not in a test's)
            with connection.cursor() as cursor:
                for model in (Project, ProjectExportCells):
                    cursor.execute(psycopg_sql.SQL("VACUUM (ANALYZE) {}").format(
                        psycopg_sql.Identifier(model._meta.db_table)))
        if self.show_progress:
            self.stderr.write(f"export lines and VACUUM: {time.monotonic() - started:.1f} s")

    def progress(self, total: int | None, label: str, unit: str = "rows") -> tqdm:
        """A textual bar on stderr with the rate (rows/s); one line left per finished step."""
        return tqdm(total=total, desc=label, unit=unit, disable=not self.show_progress, leave=True,
                    unit_scale=True, mininterval=0.5, dynamic_ncols=True)

    @contextmanager
    def bulk_load(self, bulk_models: Sequence[type[models.Model]], before_keys: Callable[[], None]) -> Iterator[None]:
        """On PostgreSQL, load the big tables without their secondary indexes and foreign keys.

        Before: the indexes no constraint uses (the trigram GIN indexes, plain and partial btrees,
        partial unique indexes) and the foreign keys of ``bulk_models``' tables are dropped, in
        the command's transaction. After: each is created again from its own definition
        (``pg_get_indexdef`` / ``pg_get_constraintdef``) — one sort per index instead of a
        maintained insert per row, one anti-join per foreign key instead of a deferred trigger
        per row; a partial unique index and a foreign key are checked as they are rebuilt, so the
        data is validated as before. Then ``ANALYZE``. Unique constraints (slugs, names, m2m pairs)
        stay in place during the load. Elsewhere (SQLite) nothing changes.
        """
        if connection.vendor != "postgresql" or not bulk_models:
            yield
            before_keys()
            return
        tables = [model._meta.db_table for model in bulk_models]
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # fire pending checks (of --replace) now
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            cursor.execute(
                """SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
                   FROM pg_index i
                   WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisprimary
                     AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
                   ORDER BY i.indrelid, i.indexrelid""",
                [tables],
            )
            indexes = cursor.fetchall()
            cursor.execute(
                """SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid)
                   FROM pg_constraint WHERE contype = 'f' AND conrelid = ANY(%s::regclass[])
                   ORDER BY conrelid, conname""",
                [tables],
            )
            foreign_keys = cursor.fetchall()
            for table, name, _definition in foreign_keys:
                cursor.execute(psycopg_sql.SQL("ALTER TABLE {} DROP CONSTRAINT {}").format(
                    psycopg_sql.Identifier(table), psycopg_sql.Identifier(name)))
            for model in TRIGGER_TABLES:
                cursor.execute(psycopg_sql.SQL("ALTER TABLE {} DISABLE TRIGGER USER").format(
                    psycopg_sql.Identifier(model._meta.db_table)))
            for name, _definition in indexes:
                cursor.execute(psycopg_sql.SQL("DROP INDEX {}").format(psycopg_sql.SQL(name)))
        yield
        with connection.cursor() as cursor:
            for model in TRIGGER_TABLES:
                cursor.execute(psycopg_sql.SQL("ALTER TABLE {} ENABLE TRIGGER USER").format(
                    psycopg_sql.Identifier(model._meta.db_table)))
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            # One sort in memory per index (a trigram GIN index collects its entries in up to this
            # much memory before it merges them), and btree builds with parallel workers.
            cursor.execute("SET LOCAL maintenance_work_mem = %s", [MAINTENANCE_WORK_MEM])
            cursor.execute("SET LOCAL max_parallel_maintenance_workers = 2")
            indexes_and_stats = [
                *((name, psycopg_sql.SQL(definition)) for name, definition in indexes),
                *((table, psycopg_sql.SQL("ANALYZE {}").format(psycopg_sql.Identifier(table))) for table in tables),
            ]
            keys = [
                (name, psycopg_sql.SQL("ALTER TABLE {} ADD CONSTRAINT {} {}").format(
                    psycopg_sql.Identifier(table), psycopg_sql.Identifier(name), psycopg_sql.SQL(definition)))
                for table, name, definition in foreign_keys
            ]
            self.run_steps(cursor, indexes_and_stats, "indexes, analyze")
            before_keys()  # with the indexes and statistics in place, before the keys are checked
            self.run_steps(cursor, keys, "foreign keys")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        if self.show_progress:
            slowest = sorted(((t, name) for name, t in self.timings.items()), reverse=True)[:6]
            self.stderr.write("slowest steps: " + ", ".join(f"{name} {t:.1f} s" for t, name in slowest))

    def run_steps(self, cursor, steps: list[tuple[str, psycopg_sql.Composable]], label: str) -> None:
        bar = self.progress(len(steps), label, "steps")
        for name, statement in steps:
            bar.set_postfix_str(name, refresh=False)
            started = time.monotonic()
            cursor.execute(statement)
            self.timings[name] = time.monotonic() - started
            bar.update()
        bar.close()

    def reserve_ids(self, model: type[models.Model], count: int) -> Sequence[int]:
        """``count`` primary keys for new rows of ``model``, in order (PostgreSQL: drawn from its sequence)."""
        table = model._meta.db_table
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, count]
                )
                ids = [pk for (pk,) in cursor.fetchall()]
                # Usually one unbroken run: keep it as a range (8 bytes instead of 36 per id).
                return range(ids[0], ids[-1] + 1) if ids and ids[-1] - ids[0] == count - 1 else ids
            # SQLite (the suite's small runs, one writer): the ids after the largest one, given explicitly.
            start = (model.objects.aggregate(top=models.Max("pk"))["top"] or 0) + 1
            return range(start, start + count)

    def table(self, model: type[models.Model], columns: Sequence[str]) -> "CopyTable":
        """A writer of ``model`` rows given as tuples of ``columns`` (attnames; the rest get their defaults)."""
        return CopyTable(model, columns, now=self.now)

    def stream(self, table: "CopyTable", rows: Iterable[tuple], label: str, total: int | None = None) -> int:
        """Write ``rows`` (tuples) as they are generated, in batches; returns how many.

        On PostgreSQL one ``COPY ... FROM STDIN`` per call, fed with pre-formatted text lines a batch at
        a time through a queued writer (a thread sends while this one generates the next batch, so
        PostgreSQL parses and stores rows while Python makes them, and only a batch is held in memory);
        elsewhere ``bulk_create`` per batch.
        """
        bar = self.progress(total, label)
        written = 0
        batches = _batched(rows, self.batch_size)
        if connection.vendor != "postgresql":
            for batch in batches:
                table.model.objects.bulk_create([table.instance(row) for row in batch])
                written += len(batch)
                bar.update(len(batch))
        else:
            with connection.cursor() as cursor:
                raw = cursor.cursor
                with raw.copy(table.copy_sql(), writer=QueuedLibpqWriter(raw)) as writer:
                    for batch in batches:
                        writer.write(table.text(batch))
                        written += len(batch)
                        bar.update(len(batch))
        if bar.total is None:
            bar.total = written
        bar.close()
        return written

    def insert(self, model: type[models.Model], rows: list[dict[str, Any]], label: str, *, ids: bool = True) -> None:
        """Insert ``rows`` (dicts of attname -> value) in batches; with ``ids``, set each row's ``"id"``.

        The small tables' way (zones, events, ambassadors, leads): the ids are reserved first (from the
        table's sequence on PostgreSQL), then the rows go through :meth:`stream`. Fields a row does
        not name get their model default.
        """
        if not rows:
            return
        if ids:
            for row, pk in zip(rows, self.reserve_ids(model, len(rows)), strict=True):
                row["id"] = pk
        names = list(dict.fromkeys(name for row in rows for name in row))
        table = self.table(model, names)
        missing = {name: table.defaults[name] for name in names if name != "id"}
        self.stream(table, (tuple(row.get(name, missing.get(name)) for name in names) for row in rows),
                    label, total=len(rows))

    def spool(self, table: "CopyTable") -> "Spool":
        """Rows of a child table held (compactly) while its parents stream, written after them."""
        return Spool(table, self.batch_size, as_text=connection.vendor == "postgresql")

    def stream_spool(self, spool: "Spool", label: str) -> int:
        spool.flush()
        if not spool.as_text:
            return self.stream(spool.table, spool.rows, label, total=len(spool.rows))
        bar = self.progress(spool.count, label)
        suffix = spool.table.suffix.encode()
        with connection.cursor() as cursor:
            raw = cursor.cursor
            with raw.copy(spool.table.copy_sql(), writer=QueuedLibpqWriter(raw)) as writer:
                while spool.chunks:
                    chunk, lines = spool.chunks.pop(0)
                    writer.write(chunk.replace(b"\n", suffix) if suffix != b"\n" else chunk)
                    bar.update(lines)
        bar.close()
        return spool.count

    # -- the data -------------------------------------------------------------------------------

    def generate(self, n_projects: int) -> dict[str, int]:
        sectors = self.sectors()
        honours = self.honours()
        zones = self.zones()
        events = self.events(n_projects, sectors)
        enterprises = self.enterprises(max(20, n_projects // 4), honours)
        signed, n_links, n_milestones = self.projects(n_projects, sectors, zones, events, enterprises)
        counts = {
            "sectors": len(sectors), "zones": len(zones), "events": len(events), "enterprises": len(enterprises),
            "projects": n_projects, "investor links": n_links, "milestones": n_milestones,
        }
        # What the other apps' parts link to: sectors, enterprises (id, name), the signed projects' ids.
        made = {"sectors": sectors, "enterprises": enterprises, "signed_project_ids": signed, "projects": n_projects}
        for generator in demo_generators():
            counts.update(generator.generate(self, made))
        return counts

    def sectors(self) -> list[Sector]:
        """Existing sectors if there are any (linked to, never changed); else a demo "335"-like tree."""
        existing = list(Sector.objects.order_by("pk"))
        if existing:
            return existing
        created = []
        for position, (name, name_en, tier, children) in enumerate(SECTOR_TREE):
            parent = Sector.objects.create(
                name=f"{MARK}{name}", name_en=f"[Demo] {name_en}", slug=f"{SLUG_PREFIX}sector-{position + 1:02d}",
                tier=tier, position=position,
            )
            created.append(parent)
            for j, child in enumerate(children):
                created.append(
                    Sector.objects.create(
                        name=f"{MARK}{child}", slug=f"{SLUG_PREFIX}sector-{position + 1:02d}-{j + 1}",
                        tier=tier, parent=parent, position=j,
                    )
                )
        return created

    def honours(self) -> list[Honour]:
        existing = list(Honour.objects.order_by("pk"))
        if existing:
            return existing
        return [
            Honour.objects.create(name=f"{MARK}{name}", slug=f"{SLUG_PREFIX}{slug}", position=i)
            for i, (name, slug) in enumerate(HONOURS)
        ]

    def zones(self) -> list[dict]:
        rng = self.rng
        kinds = list(ZoneKind)
        rows = [
            {
                "name": f"{MARK}{_brand(rng)}片区{i + 1:02d}", "slug": f"{SLUG_PREFIX}zone-{i + 1:02d}",
                "kind": rng.choice(kinds), "positioning": f"{MARK}{rng.choice(THEMES)}产业集聚区",
                "area_km2": Decimal(rng.randint(200, 30000)) / 1000,
                "development_model": rng.choice(list(DevelopmentModel)), "status": rng.choice(list(BuildStatus)),
                "is_published": i % 10 != 9, "review_status": ReviewStatus.APPROVED,
                "published_at": self.now if i % 10 != 9 else None,
            }
            for i in range(40)
        ]
        self.insert(RenewalZone, rows, "zones")
        return rows

    def events(self, n_projects: int, sectors: list[Sector]) -> list[dict]:
        rng = self.rng
        rows = []
        for i in range(max(5, n_projects // 400)):
            held_on = _day(rng, EARLIEST, ANCHOR)
            rows.append({
                "name": f"{MARK}{held_on.year}年第{i + 1}场集中签约活动", "slug": f"{SLUG_PREFIX}event-{i + 1:04d}",
                "held_on": held_on, "place": f"{MARK}青山区会议中心",
                "announced_project_count": rng.randint(5, 40),
                "announced_total_investment": _money(rng) * 20,
                "summary": f"{MARK}集中签约活动（合成数据）。",
                "is_published": True, "published_at": _aware(held_on), "review_status": ReviewStatus.APPROVED,
            })
        self.insert(SigningEvent, rows, "events")
        links = [
            {"signingevent_id": event["id"], "sector_id": sector.pk}
            for event in rows
            for sector in rng.sample(sectors, k=min(3, len(sectors)))
        ]
        self.insert(SigningEvent.sectors.through, links, "event sectors", ids=False)
        return rows

    def enterprises(self, count: int, honours: list[Honour]) -> list["EnterpriseRef"]:
        """``count`` enterprises (the first tenth groups, 15 % of the rest their subsidiaries), streamed."""
        rng = self.rng
        ids = self.reserve_ids(Enterprise, count)
        n_groups = max(1, count // 10)
        group_ids = ids[:n_groups]
        now = self.now
        refs: list[EnterpriseRef] = []
        kinds = KIND_WEIGHTS
        columns = ("id", "name", "short_name", "slug", "province", "city", "kind", "parent_id", "description",
                   "is_published", "published_at", "review_status")

        def rows() -> Iterator[tuple]:
            for i, pk in enumerate(ids):
                parent = rng.choice(group_ids) if i >= n_groups and rng.random() < 0.15 else None
                province, city = rng.choice(ORIGINS)
                brand = _brand(rng)
                published = rng.random() < 0.9
                name = f"{MARK}{city}{brand}{rng.choice(THEMES)}{rng.choice(ENTERPRISE_SUFFIXES)}（{i + 1:06d}）"
                slug = f"{SLUG_PREFIX}enterprise-{i + 1:06d}"
                refs.append(EnterpriseRef(pk, name, slug, published))
                yield (pk, name, f"{MARK}{brand}", slug, province, city,
                       _weighted(rng, kinds), parent, ENTERPRISE_DESCRIPTION, published, now if published else None,
                       ReviewStatus.APPROVED)

        self.stream(self.table(Enterprise, columns), rows(), "enterprises", total=count)
        links = self.table(Enterprise.honours.through, ("enterprise_id", "honour_id"))
        self.stream(links, (
            (pk, h.pk)
            for pk in ids
            if rng.random() < 0.12
            for h in rng.sample(honours, k=min(len(honours), rng.randint(1, 2)))
        ), "honours")
        return refs

    def projects(self, count, sectors, zones, events, enterprises) -> tuple[list[int], int, int]:
        """``count`` projects streamed into their table as they are made; then their investor links and
        milestones (spooled as compact text meanwhile). Returns the ids of the signed projects (every
        stage but 在谈) and the two counts."""
        rng = self.rng
        ids = self.reserve_ids(Project, count)
        name_pool = []
        bar = self.progress(min(count, NAME_POOL), "project names (pinyin keys)", "names")
        for _ in range(min(count, NAME_POOL)):
            theme = rng.choice(THEMES)
            name = f"{MARK}{_brand(rng)}{theme}{rng.choice(PROJECT_KINDS)}"
            name_pool.append((name, name_sort_key(name), theme, f"{MARK}{theme}方向的合成项目，用于演示与压力测试。"))
            bar.update()
        bar.close()
        columns = (
            "id", "code", "name", "name_sort", "slug", "sector_id", "signing_event_id", "zone_id", "address",
            "total_investment", "funds_in_place", "is_headquarters", "summary", "description", "stage",
            "signed_on", "registered_on", "started_on", "completed_on", "production_on", "planned_jobs", "land_area_mu",
            "responsible_unit", "staff_note", "is_published", "published_at", "review_status",
        )
        links = self.spool(self.table(Project.investors.through, ("project_id", "enterprise_id")))
        milestones = self.spool(self.table(ProjectMilestone, ("project_id", "stage", "date", "note")))
        entries = self.spool(self.table(FundsEntry, ("project_id", "received_on", "amount", "note")))
        signed: list[int] = []
        review_statuses = list(ReviewStatus)
        streets = ["化工", "冶金", "建设", "和平"]
        n_investors_choices = [1, 1, 1, 1, 2, 3]
        date_fields = list(STAGE_DATE_FIELDS.items())
        undated = (Stage.ON_HOLD, Stage.TERMINATED, Stage.NEGOTIATING)
        funded_share = FUNDED_SHARE
        staff_note = f"{MARK}内部备注（合成）。"
        random_ = rng.random
        add_link, add_milestone, add_entry = links.rows.append, milestones.rows.append, entries.rows.append
        batch_size = self.batch_size
        # The export's stored cells, made here rather than by the set-based rebuild after the load
        # (PostgreSQL, where the database sorts names as Python does; checked afterwards, see
        # check_export_cells).
        cells = self.spool(self.table(ProjectExportCells, (
            "project_id", "investor_slugs", "investor_slugs_all", "milestones")))
        self.cells_made = make_cells = connection.vendor == "postgresql" and self.sorts_like_python()
        add_cells = cells.rows.append
        precision = json.dumps(ProjectMilestone._meta.get_field("date_precision").get_default())
        dated_cell = {
            stage: ('{"stage":' + json.dumps(stage) + ',"date":"', '","date_precision":' + precision + ',"note":'
                    + json.dumps(MILESTONE_NOTE, ensure_ascii=False) + "}")
            for stage in STAGE_DATE_FIELDS
        }
        undated_cell = {
            stage: '{"stage":' + json.dumps(stage) + ',"date":null,"date_precision":' + precision + ',"note":'
            + json.dumps(STAGE_CHANGE_NOTE, ensure_ascii=False) + "}"
            for stage in undated
        }

        def rows() -> Iterator[tuple]:
            for i, pk in enumerate(ids):
                if i % batch_size == 0:
                    links.flush(at_least=batch_size)
                    milestones.flush(at_least=batch_size)
                    entries.flush(at_least=batch_size)
                    cells.flush(at_least=batch_size)
                stage = _weighted(rng, STAGE_WEIGHTS)
                dates = self.stage_dates(stage)
                event = None
                if dates.get("signed_on") and random_() < 0.4:
                    event = rng.choice(events)
                    if not self.move_signing(dates, event["held_on"]):
                        event = None
                # Amounts as their text, in whole 万元 and hundredths (exact, as Decimal arithmetic was).
                units = _money_units(rng) if random_() < 0.85 else None
                total = funds = None
                if units is not None:
                    total = f"{units}.00"
                    if stage in funded_share:
                        share = round(round(rng.uniform(0, funded_share[stage] + 0.1), 2) * 100)  # hundredths
                        funds = _cents_text(units * min(share, 100)) if share else None
                        if funds is not None:  # received on the latest date the project reached
                            add_entry((pk, max(dates.values()), funds, FUNDS_NOTE))
                published = random_() < 0.85
                first_day = min(dates.values()) if dates else _day(rng, datetime.date(2024, 1, 1), ANCHOR)
                name, name_sort, _theme, summary = rng.choice(name_pool)
                zone = rng.choice(zones) if random_() < 0.7 else None
                sector_id = rng.choice(sectors).pk if random_() < 0.95 else None
                address = f"{MARK}青山区{rng.choice(streets)}大道{rng.randint(1, 999)}号"
                is_headquarters = random_() < 0.08
                planned_jobs = rng.randint(20, 3000) if random_() < 0.5 else None
                land_area = _cents_text(rng.randint(500, 100000)) if random_() < 0.4 else None
                unit = rng.choice(UNITS)
                note = staff_note if random_() < 0.3 else ""
                review_status = ReviewStatus.APPROVED if published else rng.choice(review_statuses)
                n_investors = 0 if stage == Stage.NEGOTIATING and random_() < 0.5 else rng.choice(n_investors_choices)
                investors = rng.sample(enterprises, k=n_investors)
                for enterprise in investors:
                    add_link((pk, enterprise.id))
                cell = []
                for milestone_stage, field in date_fields:
                    if field in dates:
                        add_milestone((pk, milestone_stage, dates[field], MILESTONE_NOTE))
                        if make_cells:
                            before, after = dated_cell[milestone_stage]
                            cell.append(before + dates[field].isoformat() + after)
                if stage in undated:
                    add_milestone((pk, stage, None, STAGE_CHANGE_NOTE))
                    cell.append(undated_cell[stage])
                if make_cells:
                    # As the export orders them: investors by name then id, milestones by date
                    # (undated last) then the order they were recorded in, which is this one.
                    if n_investors > 1:
                        investors.sort(key=_name_and_id)
                    add_cells((
                        pk, "; ".join([e.slug for e in investors if e.is_published]) or None,
                        "; ".join([e.slug for e in investors]) or None, "[" + ",".join(cell) + "]" if cell else None,
                    ))
                if stage != Stage.NEGOTIATING:
                    signed.append(pk)
                yield (
                    pk, f"DEMO-{first_day.year}-{i + 1:06d}", name, name_sort, f"{SLUG_PREFIX}project-{i + 1:06d}",
                    sector_id, event["id"] if event else None, zone["id"] if zone else None, address,
                    total, funds, is_headquarters, summary, PROJECT_DESCRIPTION, stage,
                    dates.get("signed_on"), dates.get("registered_on"), dates.get("started_on"),
                    dates.get("completed_on"), dates.get("production_on"), planned_jobs, land_area, unit, note,
                    published, _aware(first_day) if published else None, review_status,
                )

        self.stream(self.table(Project, columns), rows(), "projects", total=count)
        n_links = self.stream_spool(links, "investor links")
        n_milestones = self.stream_spool(milestones, "milestones")
        self.stream_spool(entries, "funds entries")
        if make_cells:
            self.stream_spool(cells, "export cells")
        self.cell_sample = ids[:: max(1, count // CELL_SAMPLE)]
        return signed, n_links, n_milestones

    def stage_dates(self, stage: str) -> dict[str, datetime.date]:
        """Main-path dates up to the stage (on hold / terminated: up to a random earlier stage), in order."""
        rng = self.rng
        # On hold / terminated: how far along the main path it got before the halt.
        reached = MAIN_PATH.index(stage) if stage in MAIN_PATH else rng.randint(0, len(MAIN_PATH) - 2)
        path = list(MAIN_PATH[1 : reached + 1])
        if not path:
            return {}
        steps = [rng.randint(*STEP_DAYS[s]) for s in path[1:]]
        latest_start = ANCHOR - datetime.timedelta(days=sum(steps))
        day = _day(rng, EARLIEST, latest_start)
        dates = {STAGE_DATE_FIELDS[path[0]]: day}
        for s, step in zip(path[1:], steps, strict=True):
            day = day + datetime.timedelta(days=step)
            dates[STAGE_DATE_FIELDS[s]] = day
        return dates

    @staticmethod
    def move_signing(dates: dict[str, datetime.date], held_on: datetime.date) -> bool:
        """Sign the project at the event, if that keeps every later date in order."""
        if any(d < held_on for name, d in dates.items() if name != "signed_on"):
            return False
        dates["signed_on"] = held_on
        return True


def demo_generators() -> list:
    """The other apps' parts of the demo (settings.QINGSHAN_DEMO_GENERATORS), in order."""
    return [import_string(dotted) for dotted in settings.QINGSHAN_DEMO_GENERATORS]


def delete_demo_data() -> None:
    """Delete generated records only (slug ``demo-*`` / name ``【演示】*``), children first."""
    demo_projects = Project.objects.filter(slug__startswith=SLUG_PREFIX)
    for generator in demo_generators():
        generator.delete(demo_projects=demo_projects)
    ProjectMilestone.objects.filter(project__in=demo_projects)._raw_delete(ProjectMilestone.objects.db)
    FundsEntry.objects.filter(project__in=demo_projects)._raw_delete(Project.objects.db)
    ProjectYearFigures.objects.filter(project__in=demo_projects)._raw_delete(Project.objects.db)
    ProjectExportCells.objects.filter(project__in=demo_projects)._raw_delete(Project.objects.db)
    Project.investors.through.objects.filter(project__in=demo_projects)._raw_delete(Project.objects.db)
    Project.institutes.through.objects.filter(project__in=demo_projects)._raw_delete(Project.objects.db)
    demo_projects._raw_delete(Project.objects.db)
    demo_enterprises = Enterprise.objects.filter(slug__startswith=SLUG_PREFIX)
    Enterprise.honours.through.objects.filter(enterprise__in=demo_enterprises)._raw_delete(Enterprise.objects.db)
    demo_enterprises.filter(parent__isnull=False)._raw_delete(Enterprise.objects.db)
    demo_enterprises._raw_delete(Enterprise.objects.db)
    SigningEvent.sectors.through.objects.filter(signingevent__slug__startswith=SLUG_PREFIX).delete()
    SigningEvent.objects.filter(slug__startswith=SLUG_PREFIX).delete()
    RenewalZone.objects.filter(slug__startswith=SLUG_PREFIX).delete()
    Sector.objects.filter(slug__startswith=SLUG_PREFIX, parent__isnull=False).delete()
    Sector.objects.filter(slug__startswith=SLUG_PREFIX).delete()
    Honour.objects.filter(slug__startswith=SLUG_PREFIX).delete()
