"""
The public projects as an OC4IDS 0.9.5 project package (Open Contracting for Infrastructure Data
Standard, open-contracting/infrastructure ``schema/project-level/``), written as a stream.

What maps to what:

- ``id``: ``qingshan-invest-<primary key>`` (stable when a project is renamed); the project code
  staff quote (``QS-2026-0001``), when there is one, is in ``identifiers``.
- ``status`` from the stage table (``STAGE_STATUS``): 在谈 identification; 已签约 and 已注册落户
  preparation; 已开工 implementation; 已竣工 completion (construction finished and accepted: the
  codelist's handover and close-out); 已投产 maintenance (the codelist's "also called operation");
  终止 cancelled. 暂缓 has no code in the closed codelist: the field is left out and the
  description says so.
- ``budget.amount``: 总投资 in CNY (万元 × 10,000, an exact integer: amounts are kept to 0.01 万元),
  only where the office published one; otherwise no budget.
- ``parties``: the office (``publicAuthority``, also the package's publisher) and each published
  investor (``funder``); an unpublished investor is left out, as on the project's page.
- ``additionalClassifications``: the project's sector and its ancestors in the "335" tree
  (scheme ``qingshan-335``); ``sector`` (the projectSector codelist) only where a code plainly
  fits (文旅: cultureSportsAndRecreation).
- ``locations``: the project's address and point (WGS-84, GeoJSON ``[longitude, latitude]``) and
  its published zone; none when the ledger holds neither.
- ``milestones`` and periods from the stage dates (签约, 注册落户, 开工, 竣工, 投产), all ``met``. The plan's
  dates are staff-only and never read.

Dates: the standard has date-times only. A date known to the day is written as that day's start
in China (``2026-02-10T00:00:00+08:00``) in ``milestones[].dateMet`` and as the ``startDate`` of
the period the stage opens (签约: ``preparationPeriod``, 开工: ``implementationPeriod``,
竣工: ``completionPeriod``, 投产: ``maintenancePeriod``). A date known only to the month or year (the
report's "2025年") is never written as a date: its milestone has no ``dateMet`` and states the date
with its precision in ``description`` ("日期（仅知年份）：2025年"), and no period starts from it.

Only published, unarchived projects and public fields; staff-only fields are never read here.
``package_chunks`` yields the package as JSON text piece by piece, reading the projects in chunks
by primary key, so the whole ledger streams in flat memory.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterator
from decimal import Decimal

from django.db.models import QuerySet
from django.utils import timezone

from ledger.models import WAN_PER_YI, DatePrecision, format_date

from .models import Project, Sector
from .stages import Stage

OC4IDS_VERSION = "0.9"  # the package's ``version``: major.minor of the schema (0.9.5)
ID_PREFIX = "qingshan-invest"
CLASSIFICATION_SCHEME = "qingshan-335"
CHINA = datetime.timezone(datetime.timedelta(hours=8))
YUAN_PER_WAN = 10_000
assert WAN_PER_YI == YUAN_PER_WAN  # 1 亿 = 10,000 万; 1 万 = 10,000 元

OFFICE = {"id": "qingshan-investment-promotion-office", "name": "武汉市青山区招商局"}
DISTRICT_ADDRESS = {"locality": "武汉市青山区", "region": "湖北省", "countryName": "中国"}

STAGE_STATUS: dict[str, str | None] = {
    Stage.NEGOTIATING: "identification",
    Stage.SIGNED: "preparation",
    Stage.REGISTERED: "preparation",
    Stage.STARTED: "implementation",
    Stage.COMPLETED: "completion",
    Stage.IN_PRODUCTION: "maintenance",
    Stage.ON_HOLD: None,
    Stage.TERMINATED: "cancelled",
}

# (stage, date field, milestone type, milestone code, the period the stage opens)
MILESTONES: tuple[tuple[str, str, str, str | None, str | None], ...] = (
    (Stage.SIGNED, "signed_on", "approval", None, "preparationPeriod"),
    (Stage.REGISTERED, "registered_on", "approval", None, None),
    (Stage.STARTED, "started_on", "delivery", "commencement", "implementationPeriod"),
    (Stage.COMPLETED, "completed_on", "delivery", None, "completionPeriod"),
    (Stage.IN_PRODUCTION, "production_on", "delivery", None, "maintenancePeriod"),
)
MILESTONE_TITLES = {Stage.SIGNED: "签约", Stage.REGISTERED: "注册落户", Stage.STARTED: "开工", Stage.COMPLETED: "竣工",
                    Stage.IN_PRODUCTION: "投产"}
PRECISION_WORDS = {DatePrecision.MONTH: "仅知年月", DatePrecision.YEAR: "仅知年份"}

# Sectors of the "335" tree (by slug) whose projectSector code is plain; the others get none.
PROJECT_SECTORS = {"culture-tourism": "cultureSportsAndRecreation"}

CHUNK_SIZE = 1000


def day_start(value: datetime.date) -> str:
    """The start of a day in China as an RFC 3339 date-time."""
    return datetime.datetime.combine(value, datetime.time(), tzinfo=CHINA).isoformat()


def moment(value: datetime.datetime) -> str:
    return timezone.localtime(value, CHINA).isoformat(timespec="seconds")


def yuan(amount_wan: Decimal) -> int:
    """万元 to yuan, exactly (amounts are stored to 0.01 万元 = 100 元)."""
    value = amount_wan * YUAN_PER_WAN
    if value != value.to_integral_value():  # pragma: no cover - the field has two decimal places
        raise ValueError(f"{amount_wan} 万元 is not a whole number of yuan")
    return int(value)


def sector_path(sector_id: int | None, sectors: dict[int, Sector]) -> list[Sector]:
    """The sector and its ancestors, root first (the tree read once: ``sectors`` by pk)."""
    path: list[Sector] = []
    while sector_id is not None and sector_id in sectors and all(s.pk != sector_id for s in path):
        sector = sectors[sector_id]
        path.insert(0, sector)
        sector_id = sector.parent_id
    return path


def milestones(row: dict) -> tuple[list[dict], dict[str, dict]]:
    """The met stage milestones (in order) and the periods their day-precise dates open."""
    found, periods = [], {}
    for stage, field, kind, code, period in MILESTONES:
        date = row[field]
        if date is None:
            continue
        precision = row[f"{field}_precision"]
        milestone: dict = {"id": stage, "title": MILESTONE_TITLES[stage], "type": kind, "status": "met"}
        if code:
            milestone["code"] = code
        notes = []
        if precision == DatePrecision.DAY:
            milestone["dateMet"] = day_start(date)
            if period:
                periods[period] = {"startDate": milestone["dateMet"]}
        else:
            notes.append(f"日期（{PRECISION_WORDS[precision]}）：{format_date(date, precision)}")
        if stage == Stage.SIGNED and row["signing_event__is_published"]:
            notes.append(f"签约活动：{row['signing_event__name']}")
        if notes:
            milestone["description"] = "；".join(notes)
        found.append(milestone)
    return found, periods


def point(latitude: Decimal | None, longitude: Decimal | None) -> dict | None:
    """A GeoJSON point ([longitude, latitude], WGS-84), or None without both."""
    if latitude is None or longitude is None:
        return None
    return {"type": "Point", "coordinates": [float(longitude), float(latitude)]}


def locations(row: dict) -> list[dict]:
    found = []
    site_point = point(row["latitude"], row["longitude"])
    if row["address"] or site_point:
        site: dict = {"id": "site", "description": row["address"] or row["name"]}
        if site_point:
            site["geometry"] = site_point
        site["address"] = {**({"streetAddress": row["address"]} if row["address"] else {}), **DISTRICT_ADDRESS}
        found.append(site)
    if row["zone__is_published"]:
        place: dict = {"id": f"zone-{row['zone__slug']}", "description": row["zone__name"],
                       "address": dict(DISTRICT_ADDRESS)}
        zone_point = point(row["zone__latitude"], row["zone__longitude"])
        if zone_point:
            place["geometry"] = zone_point
        found.append(place)
    return found


def party(investor: dict) -> dict:
    """A published investor as a party (``INVESTOR_COLUMNS`` of the investor link)."""
    found: dict = {"id": f"enterprise-{investor['enterprise__slug']}", "name": investor["enterprise__name"],
                   "roles": ["funder"]}
    place = {key: value for key, value in (("region", investor["enterprise__province"]),
                                           ("locality", investor["enterprise__city"])) if value}
    if place:
        found["address"] = {**place, "countryName": "中国"}
    return found


def project_record(row: dict, *, investors: list[dict], sectors: dict[int, Sector], page_url: str) -> dict:
    """One project in OC4IDS, from its ``PROJECT_COLUMNS`` and its published investors' columns."""
    record: dict = {"id": f"{ID_PREFIX}-{row['id']}", "updated": moment(row["updated_at"]), "language": "zh",
                    "title": row["name"]}
    if row["code"]:
        record["identifiers"] = [{"id": row["code"], "scheme": "qingshan-invest-project-code"}]
    texts = [text for text in (row["summary"], row["description"]) if text]
    if row["stage"] == Stage.ON_HOLD:
        texts.append("项目状态：暂缓。")
    if texts:
        record["description"] = "\n\n".join(texts)
    status = STAGE_STATUS.get(row["stage"])
    if status:
        record["status"] = status
    path = sector_path(row["sector_id"], sectors)
    codes = [PROJECT_SECTORS[s.slug] for s in path if s.slug in PROJECT_SECTORS]
    if codes:
        record["sector"] = list(dict.fromkeys(codes))
    if path:
        record["additionalClassifications"] = [
            {"scheme": CLASSIFICATION_SCHEME, "id": s.slug, "description": s.name} for s in path
        ]
    if row["total_investment"] is not None:
        record["budget"] = {"description": "总投资",
                            "amount": {"amount": yuan(row["total_investment"]), "currency": "CNY"}}
    record["publicAuthority"] = {"id": OFFICE["id"], "name": OFFICE["name"]}
    record["parties"] = [{**OFFICE, "roles": ["publicAuthority"]}, *(party(i) for i in investors)]
    places = locations(row)
    if places:
        record["locations"] = places
    found, periods = milestones(row)
    if found:
        record["milestones"] = found
    record.update(periods)
    record["documents"] = [{"id": "page", "title": "项目公开页面", "url": page_url, "format": "text/html",
                            "language": "zh"}]
    return record


# The public columns a project's record reads (never a staff-only one), with its shown relations'.
PROJECT_COLUMNS = (
    "id", "code", "name", "slug", "summary", "description", "stage", "total_investment", "address", "latitude",
    "longitude", "updated_at", "sector_id",
    *(f"{field}{suffix}" for _s, field, *_rest in MILESTONES for suffix in ("", "_precision")),
    "signing_event__name", "signing_event__is_published",
    "zone__slug", "zone__name", "zone__is_published", "zone__latitude", "zone__longitude",
)
INVESTOR_COLUMNS = ("project_id", "enterprise__slug", "enterprise__name", "enterprise__province", "enterprise__city")


def in_chunks(queryset: QuerySet[Project], *, size: int | None = None) -> Iterator[list[tuple[dict, list[dict]]]]:
    """The projects of ``queryset`` by primary key, ``size`` (``CHUNK_SIZE``) at a time, each with its
    published investors, as plain rows (no model instances): two queries a chunk."""
    size = size or CHUNK_SIZE
    last = None
    while True:
        chunk_queryset = queryset.order_by("pk")
        if last is not None:
            chunk_queryset = chunk_queryset.filter(pk__gt=last)
        rows = list(chunk_queryset.values(*PROJECT_COLUMNS)[:size])
        if rows:
            investors: dict[int, list[dict]] = {}
            links = Project.investors.through.objects.filter(
                project_id__in=[row["id"] for row in rows], enterprise__is_published=True,
            ).order_by("project_id", "enterprise__name", "enterprise_id").values(*INVESTOR_COLUMNS)
            for link in links:
                investors.setdefault(link["project_id"], []).append(link)
            yield [(row, investors.get(row["id"], [])) for row in rows]
        if len(rows) < size:
            return
        last = rows[-1]["id"]


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def package_chunks(
    *, queryset: QuerySet[Project], uri: str, publisher_uri: str, published: datetime.datetime,
    page_url, size: int | None = None,
) -> Iterator[str]:
    """The package as JSON text, a piece at a time: the head, the projects of each chunk, the tail.

    ``queryset``: public projects (filtered); ``page_url(slug)``: the absolute address of a project's page.
    """
    sectors = {sector.pk: sector for sector in Sector.objects.only("id", "slug", "name", "parent_id")}
    head = {"uri": uri, "publishedDate": moment(published), "version": OC4IDS_VERSION,
            "publisher": {"name": OFFICE["name"], "uri": publisher_uri}}
    yield _dumps(head)[:-1] + ',"projects":['
    separator = ""
    for chunk in in_chunks(queryset, size=size):
        records = (project_record(row, investors=investors, sectors=sectors, page_url=page_url(row["slug"]))
                   for row, investors in chunk)
        yield separator + ",".join(_dumps(record) for record in records)
        separator = ","
    yield "]}"
