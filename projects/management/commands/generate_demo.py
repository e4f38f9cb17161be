"""
Fill the database with clearly synthetic demo records, for load tests and demos at scale.

    python manage.py generate_demo --projects 100000 --seed 1

Every generated name starts with ``【演示】`` and every slug with ``demo-``, so demo records are
never mistaken for (or mixed with) the facts of the source report: nothing the report holds is
changed, and ``--replace`` deletes demo records only. Existing sectors and honours are reused
(linked to, never modified); without any, demo ones are created.

The output is a function of ``--projects`` and ``--seed`` alone (dates count back from a fixed
anchor, not from today). Rows go in with ``bulk_create`` in batches, bypassing the services on
purpose: the generator builds only combinations the stage table and the database constraints
accept (a test checks the result against ``Project.full_clean()`` and the stage rules).
"""

import datetime
import functools
import itertools
import random
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from psycopg import sql as psycopg_sql
from tqdm import tqdm

from ledger.cache import public_pages_changed
from projects.export_cells import export_cells_rebuild
from projects.models import (
    BuildStatus,
    DevelopmentModel,
    Enterprise,
    EnterpriseKind,
    Honour,
    Project,
    ProjectExportCells,
    ProjectMilestone,
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
                 (Stage.IN_PRODUCTION, 13), (Stage.ON_HOLD, 5), (Stage.TERMINATED, 3)]
# Share of the total investment in place, at most (plus 10 %), by stage.
FUNDED_SHARE = {Stage.SIGNED: 0.1, Stage.REGISTERED: 0.3, Stage.STARTED: 0.6, Stage.IN_PRODUCTION: 0.9}
# Days between consecutive main-path dates: signed -> registered -> started -> in production.
STEP_DAYS = {Stage.REGISTERED: (20, 200), Stage.STARTED: (30, 400), Stage.IN_PRODUCTION: (150, 800)}
# Project names are drawn from a pool of this many distinct names, each with its pinyin sort key
# computed once by projects.sorting.name_sort_key (≈ 1 ms a name: per project it took most of the run).
NAME_POOL = 10_000

# The tables of the million-row load (see Command.bulk_load).
BULK_MODELS = (Enterprise, Enterprise.honours.through, Project, Project.investors.through, ProjectMilestone)


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


def _money(rng: random.Random) -> Decimal:
    """Total investment in 万元: log-normal, median about 2 亿元, from a few hundred 万 to hundreds of 亿."""
    value = min(max(rng.lognormvariate(9.9, 1.5), 300), 5_000_000)
    step = 100 if value >= 1000 else 10
    return Decimal(int(value / step) * step).quantize(Decimal("0.01"))


def _brand(rng: random.Random) -> str:
    return rng.choice(BRAND_CHARS) + rng.choice(BRAND_CHARS)


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
        with transaction.atomic():
            if Project.objects.filter(slug__startswith=SLUG_PREFIX).exists():
                if not replace:
                    raise CommandError("Demo records already exist; pass --replace to delete and regenerate them.")
                delete_demo_data()
            with self.bulk_load(BULK_MODELS if not keep_indexes else ()):
                counts = self.generate(projects)
            # The export's stored cells (investors, institutes, milestones) of every project, in one
            # set-based statement, as the write door keeps them (PostgreSQL; nothing on SQLite).
            if self.show_progress:
                self.stderr.write("export cells: rebuilding …")
            export_cells_rebuild()
            public_pages_changed()  # cached pages and figures are out of date (on commit)
        if options["verbosity"] > 0:
            summary = ", ".join(f"{name} {count:,}" for name, count in counts.items())
            self.stdout.write(self.style.SUCCESS(f"Generated demo data (seed {seed}): {summary}."))

    # -- inserting ------------------------------------------------------------------------------

    def progress(self, total: int, label: str, unit: str = "rows") -> tqdm:
        """A textual bar on stderr with the rate (rows/s); one line left per finished step."""
        return tqdm(total=total, desc=label, unit=unit, disable=not self.show_progress, leave=True,
                    unit_scale=True, mininterval=0.5, dynamic_ncols=True)

    @contextmanager
    def bulk_load(self, bulk_models: Sequence[type[models.Model]]) -> Iterator[None]:
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
            for name, _definition in indexes:
                cursor.execute(psycopg_sql.SQL("DROP INDEX {}").format(psycopg_sql.SQL(name)))
        yield
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
            bar = self.progress(len(indexes) + len(foreign_keys) + len(tables), "indexes, keys, analyze", "steps")
            for name, definition in indexes:
                bar.set_postfix_str(name, refresh=False)
                cursor.execute(definition)
                bar.update()
            for table, name, definition in foreign_keys:
                bar.set_postfix_str(name, refresh=False)
                cursor.execute(psycopg_sql.SQL("ALTER TABLE {} ADD CONSTRAINT {} {}").format(
                    psycopg_sql.Identifier(table), psycopg_sql.Identifier(name), psycopg_sql.SQL(definition)))
                bar.update()
            for table in tables:
                bar.set_postfix_str(table, refresh=False)
                cursor.execute(psycopg_sql.SQL("ANALYZE {}").format(psycopg_sql.Identifier(table)))
                bar.update()
            bar.close()
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")

    def _chunks(self, rows: Sequence, label: str) -> Iterator[Sequence]:
        bar = self.progress(len(rows), label)
        for start in range(0, len(rows), self.batch_size):
            chunk = rows[start : start + self.batch_size]
            yield chunk
            bar.update(len(chunk))
        bar.close()

    def insert(self, model: type[models.Model], rows: list[dict[str, Any]], label: str, *, ids: bool = True) -> None:
        """Insert ``rows`` (dicts of attname -> value) in batches; with ``ids``, set each row's ``"id"``.

        On PostgreSQL the rows go in through ``COPY ... FROM STDIN`` with ids drawn from the
        table's sequence beforehand (several times faster than multi-row INSERTs); elsewhere
        through ``bulk_create``. Fields a row does not name get their model default.
        """
        if not rows:
            return
        fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        defaults = {f.attname: self.now if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
                    else f.get_default() for f in fields}
        if connection.vendor != "postgresql":
            for chunk in self._chunks(rows, label):
                objs = model.objects.bulk_create([model(**{**defaults, **row}) for row in chunk])
                for row, obj in zip(chunk, objs, strict=True):
                    row["id"] = obj.pk
            return
        table = model._meta.db_table
        columns = (["id"] if ids else []) + [f.column for f in fields]
        attnames = [f.attname for f in fields]
        copy_sql = psycopg_sql.SQL("COPY {} ({}) FROM STDIN").format(
            psycopg_sql.Identifier(table), psycopg_sql.SQL(", ").join(map(psycopg_sql.Identifier, columns))
        )
        with connection.cursor() as cursor:
            if ids:
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, len(rows)]
                )
                for row, (pk,) in zip(rows, cursor.fetchall(), strict=True):
                    row["id"] = pk
            for chunk in self._chunks(rows, label):
                with cursor.cursor.copy(copy_sql) as copy:
                    for row in chunk:
                        values = [row.get(name, defaults[name]) for name in attnames]
                        copy.write_row([row["id"], *values] if ids else values)

    # -- the data -------------------------------------------------------------------------------

    def generate(self, n_projects: int) -> dict[str, int]:
        sectors = self.sectors()
        honours = self.honours()
        zones = self.zones()
        events = self.events(n_projects, sectors)
        enterprises = self.enterprises(max(20, n_projects // 4), honours)
        projects, n_links, n_milestones = self.projects(n_projects, sectors, zones, events, enterprises)
        counts = {
            "sectors": len(sectors), "zones": len(zones), "events": len(events), "enterprises": len(enterprises),
            "projects": len(projects), "investor links": n_links, "milestones": n_milestones,
        }
        made = {"sectors": sectors, "enterprises": enterprises, "projects": projects}
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

    def enterprises(self, count: int, honours: list[Honour]) -> list[dict]:
        rng = self.rng

        def row(i: int, parent: dict | None) -> dict:
            province, city = rng.choice(ORIGINS)
            brand = _brand(rng)
            published = rng.random() < 0.9
            return {
                "name": f"{MARK}{city}{brand}{rng.choice(THEMES)}{rng.choice(ENTERPRISE_SUFFIXES)}（{i + 1:06d}）",
                "short_name": f"{MARK}{brand}", "slug": f"{SLUG_PREFIX}enterprise-{i + 1:06d}",
                "province": province, "city": city, "kind": _weighted(rng, KIND_WEIGHTS),
                "parent_id": parent["id"] if parent else None,
                "description": f"{MARK}合成企业，仅用于演示与压力测试。",
                "is_published": published, "published_at": self.now if published else None,
                "review_status": ReviewStatus.APPROVED,
            }

        n_groups = max(1, count // 10)
        groups = [row(i, None) for i in range(n_groups)]
        self.insert(Enterprise, groups, "enterprise groups")
        rest = [row(i, rng.choice(groups) if rng.random() < 0.15 else None) for i in range(n_groups, count)]
        self.insert(Enterprise, rest, "enterprises")
        created = groups + rest
        links = [
            {"enterprise_id": e["id"], "honour_id": h.pk}
            for e in created
            if rng.random() < 0.12
            for h in rng.sample(honours, k=min(len(honours), rng.randint(1, 2)))
        ]
        self.insert(Enterprise.honours.through, links, "honours", ids=False)
        return created

    def projects(self, count, sectors, zones, events, enterprises) -> tuple[list[dict], int, int]:
        rng = self.rng
        rows: list[dict] = []
        investor_sets: list[list[dict]] = []
        name_pool = []
        for _ in range(min(count, NAME_POOL)):
            theme = rng.choice(THEMES)
            name = f"{MARK}{_brand(rng)}{theme}{rng.choice(PROJECT_KINDS)}"
            name_pool.append((name, name_sort_key(name), theme))
        bar = self.progress(count, "projects (generating)")
        for i in range(count):
            if i % 10_000 == 9_999:
                bar.update(10_000)
            stage = _weighted(rng, STAGE_WEIGHTS)
            dates = self.stage_dates(stage)
            event = None
            if dates.get("signed_on") and rng.random() < 0.4:
                event = rng.choice(events)
                if not self.move_signing(dates, event["held_on"]):
                    event = None
            total = _money(rng) if rng.random() < 0.85 else None
            funds = None
            if total is not None and stage in FUNDED_SHARE:
                funds = (total * Decimal(str(round(rng.uniform(0, FUNDED_SHARE[stage] + 0.1), 2)))).quantize(
                    Decimal("0.01")
                )
                funds = min(funds, total)
            published = rng.random() < 0.85
            first_day = min(dates.values()) if dates else _day(rng, datetime.date(2024, 1, 1), ANCHOR)
            name, name_sort, theme = rng.choice(name_pool)
            zone = rng.choice(zones) if rng.random() < 0.7 else None
            rows.append({
                "code": f"DEMO-{first_day.year}-{i + 1:06d}",
                "name": name,
                "name_sort": name_sort,
                "slug": f"{SLUG_PREFIX}project-{i + 1:06d}",
                "sector_id": rng.choice(sectors).pk if rng.random() < 0.95 else None,
                "signing_event_id": event["id"] if event else None,
                "zone_id": zone["id"] if zone else None,
                "address": f"{MARK}青山区{rng.choice(['化工', '冶金', '建设', '和平'])}大道{rng.randint(1, 999)}号",
                "total_investment": total, "funds_in_place": funds,
                "is_headquarters": rng.random() < 0.08,
                "summary": f"{MARK}{theme}方向的合成项目，用于演示与压力测试。",
                "description": f"{MARK}本项目为生成的演示数据，不对应任何真实项目。",
                "stage": stage, **dates,
                "planned_jobs": rng.randint(20, 3000) if rng.random() < 0.5 else None,
                "land_area_mu": Decimal(rng.randint(500, 100000)) / 100 if rng.random() < 0.4 else None,
                "responsible_unit": rng.choice(UNITS),
                "staff_note": f"{MARK}内部备注（合成）。" if rng.random() < 0.3 else "",
                "is_published": published,
                "published_at": _aware(first_day) if published else None,
                "review_status": ReviewStatus.APPROVED if published else rng.choice(list(ReviewStatus)),
            })
            n_investors = 0 if stage == Stage.NEGOTIATING and rng.random() < 0.5 else rng.choice([1, 1, 1, 1, 2, 3])
            investor_sets.append(rng.sample(enterprises, k=n_investors))
        bar.update(count - bar.n)
        bar.close()
        self.insert(Project, rows, "projects")

        links = [
            {"project_id": p["id"], "enterprise_id": e["id"]}
            for p, investors in zip(rows, investor_sets, strict=True)
            for e in investors
        ]
        self.insert(Project.investors.through, links, "investor links", ids=False)
        milestones = [m for p in rows for m in self.project_milestones(p)]
        self.insert(ProjectMilestone, milestones, "milestones", ids=False)
        return rows, len(links), len(milestones)

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

    @staticmethod
    def project_milestones(project: dict) -> list[dict]:
        """One milestone per dated stage reached; an undated one for 在谈 / 暂缓 / 终止 (as the services log them)."""
        rows = [
            {"project_id": project["id"], "stage": stage, "date": project[field], "note": f"{MARK}节点记录"}
            for stage, field in STAGE_DATE_FIELDS.items()
            if project.get(field) is not None
        ]
        if project["stage"] in (Stage.ON_HOLD, Stage.TERMINATED, Stage.NEGOTIATING):
            rows.append({"project_id": project["id"], "stage": project["stage"], "date": None,
                         "note": f"{MARK}阶段变更"})
        return rows


def demo_generators() -> list:
    """The other apps' parts of the demo (settings.QINGSHAN_DEMO_GENERATORS), in order."""
    return [import_string(dotted) for dotted in settings.QINGSHAN_DEMO_GENERATORS]


def delete_demo_data() -> None:
    """Delete generated records only (slug ``demo-*`` / name ``【演示】*``), children first."""
    demo_projects = Project.objects.filter(slug__startswith=SLUG_PREFIX)
    for generator in demo_generators():
        generator.delete(demo_projects=demo_projects)
    ProjectMilestone.objects.filter(project__in=demo_projects)._raw_delete(ProjectMilestone.objects.db)
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
