"""
The public summary (home page): the yardsticks over the published records, the investment per
top-level sector, the stage funnel and the latest records beside them, computed once per change of
the published data (the public data cache, ``ledger.cache.cached_public_data``).
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum

from ledger.cache import cached_public_data, public_data_version
from projects import counting, selectors
from projects.models import Project, Sector, SigningEvent

from . import yardsticks
from .models import AnnouncedFigure


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

    The same projects as 累计签约 (``projects.counting.ever_signed_condition``, a confirmed duplicate once),
    so the bars add up to that figure: projects without a sector are one more bar (未分类), last.
    Two queries: the sector tree, and one aggregate grouped by sector.
    """
    projects = counting.public_projects() if queryset is None else counting.counted_projects(queryset)
    sectors = {sector.pk: sector for sector in Sector.objects.all()}
    rows = (
        projects.filter(counting.ever_signed_condition())
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
    years = counting.public_projects().filter(signed_on__isnull=False).dates("signed_on", "year", order="DESC")
    return HomeSummary(
        figures=yardsticks.headline_figures(today=today),
        by_sector=investment_by_top_sector(),
        funnel=yardsticks.stage_funnel(),
        latest_event=selectors.latest_event(),
        latest_projects=selectors.latest_projects(),
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
    same_year = counting.public_yardstick_records("same_year", year=year, sector_ids=sector_ids)
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


@dataclass(frozen=True)
class AnnouncedBeside:
    """A published announced figure and, where the ledger counts the same thing, its own count:
    shown side by side, each labelled (报道公布, 本库记录), never added up."""

    figure: AnnouncedFigure
    recorded: int | None  # the ledger's public count for the figure's year; None: no comparable yardstick
    year: int


def _announced() -> list[AnnouncedBeside]:
    figures = list(AnnouncedFigure.objects.public().order_by("position", "-period_on", "id"))
    counts = {year: yardsticks.public_yardsticks(year=year)
              for year in sorted({figure.period_on.year for figure in figures if figure.yardstick})}
    return [
        AnnouncedBeside(figure=figure, year=figure.period_on.year,
                        recorded=getattr(counts[figure.period_on.year], figure.yardstick) if figure.yardstick else None)
        for figure in figures
    ]


def announced_figures(*, version: str | None = None) -> list[AnnouncedBeside]:
    """The published announced figures, each with the ledger's own count beside it (public data cache)."""
    return cached_public_data("announced", _announced, version=version)
