"""
Reads for the public pages. Every function returns published records only, carries its own
select_related/prefetch_related (so a page runs a fixed number of queries whatever the row count),
and hides related records that are not published themselves (an unpublished investor, event, zone
or institute never reaches a page through a published project).
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, QuerySet, Sum

from ledger.cache import cached_public_data, public_data_version
from ledger.permissions import shown

from . import yardsticks
from .models import Enterprise, Honour, Project, RenewalZone, ResearchInstitute, Sector, SigningEvent
from .stages import Stage

PROJECTS_PER_PAGE = 20
LATEST_PROJECTS = 6


def public_investors() -> QuerySet[Enterprise]:
    return Enterprise.objects.public().select_related("parent").prefetch_related("honours")


def _with_public_relations(queryset: QuerySet[Project]) -> QuerySet[Project]:
    """Projects with their sector, event, zone and published investors (``public_investors``)."""
    return queryset.select_related("sector", "sector__parent", "signing_event", "zone").prefetch_related(
        Prefetch("investors", queryset=public_investors(), to_attr="public_investors")
    )


def hide_unpublished_relations(projects: Iterable[Project]) -> list[Project]:
    """Set ``public_event`` and ``public_zone``: the event and zone when published, else None."""
    projects = list(projects)
    for project in projects:
        project.public_event, project.public_zone = shown(project.signing_event), shown(project.zone)
    return projects


def project_list_queryset() -> QuerySet[Project]:
    """The base of the project list (the FilterSet narrows and orders it)."""
    return _with_public_relations(Project.objects.public())


def latest_projects(*, limit: int = LATEST_PROJECTS) -> list[Project]:
    """The most recently published projects."""
    queryset = project_list_queryset().order_by("-published_at", "-id")[:limit]
    return hide_unpublished_relations(queryset)


def _project_page(queryset: QuerySet[Project], **lookup) -> Project:
    project = (
        _with_public_relations(queryset)
        .prefetch_related(
            Prefetch("institutes", queryset=ResearchInstitute.objects.public(), to_attr="public_institutes"),
            "milestones",
        )
        .get(**lookup)
    )
    return hide_unpublished_relations([project])[0]


def project_detail(slug: str) -> Project:
    """A published project with everything its page shows; raises Project.DoesNotExist."""
    return _project_page(Project.objects.public(), slug=slug)


def project_preview(pk: int) -> Project:
    """Any project (a draft too) with what its public page shows, for the staff preview; its
    unpublished relations stay hidden as the public would see them."""
    return _project_page(Project.objects.all(), pk=pk)


def event_preview(pk: int) -> SigningEvent:
    return SigningEvent.objects.with_recorded_figures(public_only=True).prefetch_related("sectors").get(pk=pk)


def institute_preview(pk: int) -> ResearchInstitute:
    return ResearchInstitute.objects.select_related("zone").get(pk=pk)


def zone_preview(pk: int) -> RenewalZone:
    return _zone_counts(RenewalZone.objects.all()).get(pk=pk)


def public_events() -> QuerySet[SigningEvent]:
    """Published events with their recorded figures (published projects only) and sectors."""
    return (
        SigningEvent.objects.public()
        .with_recorded_figures(public_only=True)
        .prefetch_related("sectors")
        .order_by("-held_on", "-id")
    )


def latest_event() -> SigningEvent | None:
    return public_events().order_by("-held_on", "-id").first()


def event_projects(event: SigningEvent) -> list[Project]:
    queryset = project_list_queryset().filter(signing_event=event).order_by("name", "id")
    return hide_unpublished_relations(queryset)


def public_institutes() -> QuerySet[ResearchInstitute]:
    return ResearchInstitute.objects.public().select_related("zone")


def institute_projects(institute: ResearchInstitute) -> list[Project]:
    queryset = project_list_queryset().filter(institutes=institute).order_by("name", "id")
    return hide_unpublished_relations(queryset)


def _zone_counts(queryset: QuerySet[RenewalZone]) -> QuerySet[RenewalZone]:
    return queryset.annotate(
        public_project_count=Count("projects", filter=Q(projects__is_published=True), distinct=True),
        public_institute_count=Count("institutes", filter=Q(institutes__is_published=True), distinct=True),
    )


def public_zones() -> QuerySet[RenewalZone]:
    return _zone_counts(RenewalZone.objects.public()).order_by("kind", "name", "id")


def zone_projects(zone: RenewalZone) -> list[Project]:
    queryset = project_list_queryset().filter(zone=zone).order_by("name", "id")
    return hide_unpublished_relations(queryset)


def zone_institutes(zone: RenewalZone) -> QuerySet[ResearchInstitute]:
    return ResearchInstitute.objects.public().filter(zone=zone).order_by("name", "id")


@dataclass
class SectorOption:
    """A sector in the filter menu, indented by its depth in the tree."""

    sector: Sector
    depth: int

    @property
    def indent(self) -> str:
        """Visual indentation for a <select> option (options cannot be styled reliably)."""
        return "\u3000" * self.depth + "└ " if self.depth else ""


def sector_options() -> list[SectorOption]:
    """Every sector in tree order (parents before their children), in one query."""
    sectors = list(Sector.objects.order_by("position", "name", "id"))
    by_parent: dict[int | None, list[Sector]] = {}
    for sector in sectors:
        by_parent.setdefault(sector.parent_id, []).append(sector)
    known = {sector.pk for sector in sectors}
    options: list[SectorOption] = []

    def walk(parent_id: int | None, depth: int) -> None:
        for sector in by_parent.get(parent_id, []):
            options.append(SectorOption(sector=sector, depth=depth))
            if depth < 10:
                walk(sector.pk, depth + 1)

    walk(None, 0)
    # Sectors whose parent is missing (cannot happen with PROTECT, but never drop a row silently).
    for parent_id, children in by_parent.items():
        if parent_id is not None and parent_id not in known:
            options.extend(SectorOption(sector=sector, depth=0) for sector in children)
    return options


@dataclass(frozen=True)
class SectorInvestment:
    sector: Sector | None  # None: the signed projects without a sector (未分类)
    investment_wan: Decimal | None  # None: none of them has a published amount
    project_count: int
    without_amount: int = 0


def _root_of(sector: Sector, sectors: dict[int, Sector]) -> Sector:
    seen: set[int] = set()
    while sector.parent_id is not None and sector.parent_id in sectors and sector.pk not in seen:
        seen.add(sector.pk)
        sector = sectors[sector.parent_id]
    return sector


def _add(left: Decimal | None, right: Decimal | None) -> Decimal | None:
    return left if right is None else (right if left is None else left + right)


def investment_by_top_sector(*, queryset: QuerySet[Project] | None = None) -> list[SectorInvestment]:
    """Signed investment of published projects rolled up to the top-level sector, largest first.

    The same projects as 累计签约 (``yardsticks.ever_signed_condition``, a confirmed duplicate once),
    so the bars add up to that figure: projects without a sector are one more bar (未分类), last.
    Two queries: the sector tree, and one aggregate grouped by sector.
    """
    projects = yardsticks.public_projects() if queryset is None else yardsticks.counted_projects(queryset)
    sectors = {sector.pk: sector for sector in Sector.objects.all()}
    rows = (
        projects.filter(yardsticks.ever_signed_condition())
        .values("sector_id")
        .annotate(total=Sum("total_investment"), count=Count("pk"),
                  missing=Count("pk", filter=Q(total_investment__isnull=True)))
        .order_by()
    )
    totals: dict[int | None, tuple[Decimal | None, int, int]] = {}
    for row in rows:
        key = _root_of(sectors[row["sector_id"]], sectors).pk if row["sector_id"] is not None else None
        total, count, missing = totals.get(key, (None, 0, 0))
        totals[key] = (_add(total, row["total"]), count + row["count"], missing + row["missing"])
    result = [
        SectorInvestment(sector=sectors[pk] if pk is not None else None, investment_wan=total, project_count=count,
                         without_amount=missing)
        for pk, (total, count, missing) in totals.items()
    ]
    result.sort(key=lambda item: (
        item.sector is None, -(item.investment_wan or 0), -item.project_count,
        item.sector.position if item.sector else 0, item.sector.name if item.sector else "",
    ))
    return result


@dataclass(frozen=True)
class MenuItem:
    """One option of a filter menu: just what the menu shows (cheap to keep in the cache and read back)."""

    slug: str
    name: str
    name_en: str = ""
    indent: str = ""


def _menu(queryset: QuerySet) -> list[MenuItem]:
    return [MenuItem(slug, name, name_en) for slug, name, name_en in queryset.values_list("slug", "name", "name_en")]


# The conference menu of the project filter lists the most recent ones: a ledger holds thousands (the
# 1M demo 2,500: a 172 KB list page, 40 ms of it the options). An older one is chosen from the
# conferences' page, and stays in the menu while it is the filter (``event_menu``).
EVENT_MENU_SIZE = 100


def event_menu(*, events: list[MenuItem], selected: str) -> list[MenuItem]:
    """The conference menu, with the selected conference added when it is older than the menu's."""
    if not selected or any(item.slug == selected for item in events):
        return events
    older = _menu(SigningEvent.objects.public().filter(slug=selected))  # one query, only then
    return [*events, *older]


def _filter_choices() -> dict:
    return {
        "sectors": [MenuItem(option.sector.slug, option.sector.name, option.sector.name_en, option.indent)
                    for option in sector_options()],
        "zones": _menu(RenewalZone.objects.public().order_by("kind", "name")),
        "events": _menu(SigningEvent.objects.public().order_by("-held_on", "name")[:EVENT_MENU_SIZE]),
        "honours": _menu(Honour.objects.order_by("position", "name")),
    }


def filter_choices() -> dict:
    """The menus of the project filter form (published zones and events only).

    They change only when the records do, so they come from the public data cache: one query (the
    data version) per request, four when the data has changed.
    """
    return {**cached_public_data("filter-choices", _filter_choices), "stages": Stage.choices}


# --- The home page -------------------------------------------------------------------------------


def data_version() -> str:
    """The public data version, for a page that reads several cached entries (one query)."""
    return public_data_version()


@dataclass(frozen=True)
class HomeSummary:
    """Everything the home page shows, computed from the published records once per change of them."""

    figures: yardsticks.HeadlineFigures
    by_sector: list[SectorInvestment]
    funnel: list[yardsticks.StageCount]
    latest_event: SigningEvent | None
    latest_projects: list[Project]
    signed_years: list[int]  # years with at least one published signing, latest first
    top_sectors: list[Sector]  # the choices of the year-and-sector summary


def _home_summary(today: datetime.date | None) -> HomeSummary:
    years = yardsticks.public_projects().filter(signed_on__isnull=False).dates("signed_on", "year", order="DESC")
    return HomeSummary(
        figures=yardsticks.headline_figures(today=today),
        by_sector=investment_by_top_sector(),
        funnel=yardsticks.stage_funnel(),
        latest_event=latest_event(),
        latest_projects=latest_projects(),
        signed_years=[day.year for day in years],
        top_sectors=list(Sector.objects.filter(parent__isnull=True).order_by("position", "name", "id")),
    )


def home_summary(*, today: datetime.date | None = None, version: str | None = None) -> HomeSummary:
    """The home page's figures, charts and latest records (public data cache; see qingshan/cache.py)."""
    year = yardsticks.current_year(today)
    return cached_public_data(f"home:{year}", lambda: _home_summary(today), version=version)


@dataclass(frozen=True)
class YearSummary:
    """The public yardsticks for one signing year and (optionally) one top-level sector."""

    figures: yardsticks.PublicYardsticks
    same_year_projects: list[Project]  # the first of them, latest signing first
    sector: Sector | None


YEAR_SUMMARY_LIST = 10


def _year_summary(year: int, sector: Sector | None) -> YearSummary:
    sector_ids = Sector.objects.descendant_ids([sector.pk]) if sector is not None else None
    same_year = yardsticks.public_yardstick_records("same_year", year=year, sector_ids=sector_ids)
    same_year = same_year.select_related("sector").order_by("-signed_on", "-id")[:YEAR_SUMMARY_LIST]
    return YearSummary(
        figures=yardsticks.public_yardsticks(year=year, sector_ids=sector_ids),
        same_year_projects=list(same_year),
        sector=sector,
    )


def year_summary(*, year: int, sector: Sector | None = None, version: str | None = None) -> YearSummary:
    """The public summary for ``year`` and ``sector`` (with its sub-sectors), from the data cache."""
    name = f"year:{year}:{sector.pk if sector is not None else 'all'}"
    return cached_public_data(name, lambda: _year_summary(year, sector), version=version)
