"""
The office's headline figures (考核指标), computed from the ledger so any figure can be reproduced.

Which projects each figure counts is ``projects.counting`` (signed, started, same year, a duplicate
once); the public site uses PUBLISHED projects only, the admin dashboard may pass its own queryset.
Here the counts become figures:

- 签约额 (signed investment) is the sum of ``total_investment`` (万元) of the signed projects whose
  amount was published, with the number of signed projects whose amount was not; when no signed
  project has a published amount the sum is ``None`` (未公布), never 0;
- 开工率 (start rate) is started signed projects / signed projects, as a percentage;
- 当年签约当年开工 (signed and started in the same year) is a count of ``same_year_condition``.

Each function takes an optional ``queryset``: the projects to measure. Without it, the published
projects are measured.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from ledger.money import wan_to_yi
from projects.counting import (
    ever_signed_condition,
    in_sectors,
    measured_projects,
    public_projects,
    public_yardstick_conditions,
    reached_stage_condition,
    same_year_condition,
    signed_and_started_same_year,
    signed_condition,
    started_condition,
    with_alert_and_years,
    with_years,
    yardstick_conditions,
)
from projects.funds import funds_summary
from projects.models import Project
from projects.stages import MAIN_PATH, Stage

PERCENT_PLACES = Decimal("0.1")


def percentage(part: int, whole: int) -> Decimal | None:
    """``part / whole`` as a percentage with one decimal; None when there is nothing to divide by."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(PERCENT_PLACES)


@dataclass(frozen=True)
class HeadlineFigures:
    """The figures on the home page; every one reproducible with the filters it links to."""

    year: int
    signed_this_year: int
    signed_total: int
    signed_investment_wan: Decimal | None  # None: no signed project has a published amount
    signed_without_amount: int
    started_of_signed: int
    start_rate_percent: Decimal | None
    signed_and_started_same_year: int

    @property
    def signed_investment_yi(self) -> Decimal | None:
        return wan_to_yi(self.signed_investment_wan)


def current_year(today: datetime.date | None = None) -> int:
    return (today or timezone.localdate()).year


def headline_figures(
    *, queryset: QuerySet[Project] | None = None, today: datetime.date | None = None
) -> HeadlineFigures:
    """All headline figures in one query."""
    year = current_year(today)
    signed = ever_signed_condition()
    figures = with_years(measured_projects(queryset)).aggregate(
        signed_total=Count("pk", filter=signed),
        signed_this_year=Count("pk", filter=signed_condition() & Q(signed_on__year=year)),
        signed_investment=Sum("total_investment", filter=signed),
        signed_without_amount=Count("pk", filter=signed & Q(total_investment__isnull=True)),
        started_of_signed=Count("pk", filter=signed & started_condition()),
        same_year=Count("pk", filter=same_year_condition()),
    )
    return HeadlineFigures(
        year=year,
        signed_this_year=figures["signed_this_year"],
        signed_total=figures["signed_total"],
        signed_investment_wan=figures["signed_investment"],
        signed_without_amount=figures["signed_without_amount"],
        started_of_signed=figures["started_of_signed"],
        start_rate_percent=percentage(figures["started_of_signed"], figures["signed_total"]),
        signed_and_started_same_year=figures["same_year"],
    )


def _signed_in(queryset: QuerySet[Project] | None, year: int | None) -> QuerySet[Project]:
    if year is None:
        return measured_projects(queryset).filter(ever_signed_condition())
    return measured_projects(queryset).filter(signed_condition(), signed_on__year=year)


def signed_count(*, year: int | None = None, queryset: QuerySet[Project] | None = None) -> int:
    """Projects signed (累计签约; in ``year`` when given, by signing date)."""
    return _signed_in(queryset, year).count()


def signed_investment_wan(*, year: int | None = None, queryset: QuerySet[Project] | None = None) -> Decimal | None:
    """Total published investment of signed projects in 万元 (in ``year`` when given); None when none is published."""
    return _signed_in(queryset, year).aggregate(total=Sum("total_investment"))["total"]


def start_rate_percent(*, queryset: QuerySet[Project] | None = None) -> Decimal | None:
    """开工率: share of signed projects that have started, in percent (None when nothing is signed)."""
    figures = measured_projects(queryset).aggregate(
        signed=Count("pk", filter=ever_signed_condition()),
        started=Count("pk", filter=ever_signed_condition() & started_condition()),
    )
    return percentage(figures["started"], figures["signed"])


def signed_and_started_same_year_count(
    *, year: int | None = None, queryset: QuerySet[Project] | None = None
) -> int:
    """当年签约当年开工: projects signed and started in the same year (that year, when given)."""
    qs = signed_and_started_same_year(measured_projects(queryset))
    if year is not None:
        qs = qs.filter(signed_on__year=year)
    return qs.count()


@dataclass(frozen=True)
class StageCount:
    stage: str
    label: str
    count: int


def stage_funnel(*, queryset: QuerySet[Project] | None = None) -> list[StageCount]:
    """How many projects have reached each stage of the main path (在谈 → 已投产), in one query."""
    figures = measured_projects(queryset).aggregate(
        **{stage: Count("pk", filter=reached_stage_condition(stage)) for stage in MAIN_PATH}
    )
    return [StageCount(stage=stage, label=Stage(stage).label, count=figures[stage]) for stage in MAIN_PATH]


# ---------------------------------------------------------------------------------------------
# The full set of yardsticks for a chosen year and sector (admin dashboard; the home page may use
# it with the published projects). Each figure is a count or sum over
# ``projects.counting.yardstick_records(kind, …)``, the very queryset its link opens, so a figure and
# the list behind it cannot disagree; ``yardstick_conditions`` there says what each kind counts.
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Yardsticks:
    year: int
    signed: int
    signed_investment_wan: Decimal | None
    signed_without_amount: int
    started: int
    start_rate_percent: Decimal | None
    on_track: int
    performance_rate_percent: Decimal | None
    funded: int
    funded_total_investment_wan: Decimal | None
    funds_in_place_wan: Decimal | None
    funds_rate_percent: Decimal | None
    completed: int
    in_production: int
    same_year: int
    funds_received_wan: Decimal | None  # 当年到位资金; None: no entry dated in the year (无记录, never 0)
    funds_received_verified_wan: Decimal | None


def yardsticks(
    *, year: int, queryset: QuerySet[Project] | None = None, sector_ids: set[int] | None = None
) -> Yardsticks:
    """Every yardstick for signing year ``year``: one query, and one for 当年到位资金."""
    scoped = in_sectors(measured_projects(queryset), sector_ids=sector_ids)
    figures = _figures(with_alert_and_years(scoped), yardstick_conditions(year))
    received = funds_summary(projects=scoped, year=year)
    return Yardsticks(year=year, performance_rate_percent=percentage(figures["on_track"], figures["signed"]),
                      funds_received_wan=received.total if received.entries else None,
                      funds_received_verified_wan=received.verified if received.entries else None, **figures)


def _figures(queryset: QuerySet[Project], conditions: dict[str, Q], **extra) -> dict:
    """One aggregate query: a count per condition, the signed amount and the funds figures, plus ``extra``.

    Shared by the staff yardsticks and the public summary so that both compute every figure alike.
    """
    funds = {}
    if "funded" in conditions:  # staff only: the funds in place is an internal figure
        funds = {"funded_total": Sum("total_investment", filter=conditions["funded"]),
                 "funded_in_place": Sum("funds_in_place", filter=conditions["funded"])}
    figures = queryset.aggregate(
        **{kind: Count("pk", filter=condition) for kind, condition in conditions.items()},
        signed_investment=Sum("total_investment", filter=conditions["signed"]),
        signed_without_amount=Count("pk", filter=conditions["signed"] & Q(total_investment__isnull=True)),
        **funds,
        **extra,
    )
    figures.update(
        signed_investment_wan=figures.pop("signed_investment"),
        start_rate_percent=percentage(figures["started"], figures["signed"]),
    )
    if funds:
        # None, not 0, where no amount is published: the page then says 未公布.
        funded_total = figures.pop("funded_total")
        in_place = figures.pop("funded_in_place")
        if funded_total is not None and in_place is None:
            in_place = Decimal("0")  # amounts known, no funds in place reported for any of them
        figures.update(
            funded_total_investment_wan=funded_total,
            funds_in_place_wan=in_place,
            funds_rate_percent=percentage(in_place or 0, funded_total or 0),
        )
    return figures


# ---------------------------------------------------------------------------------------------
# The public summary for a chosen year and sector (home page, ``/?year=2025&sector=<slug>``).
#
# The same figures as ``yardsticks()`` over the published projects, except 履约率: whether a project
# is *on track* depends on its progress alert (``projects.progress``), computed from when staff last
# touched the record (``updated_at``, including edits of staff-only fields) and from the date of
# the request. That is internal progress information, not a published fact, so the public page
# leaves it out; the admin dashboard shows it. 资金到位率 likewise (``projects.counting``).
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PublicYardsticks:
    year: int
    signed: int
    signed_investment_wan: Decimal | None
    signed_without_amount: int
    started: int
    start_rate_percent: Decimal | None
    in_production: int
    same_year: int

    @property
    def signed_investment_yi(self) -> Decimal | None:
        return wan_to_yi(self.signed_investment_wan)


def public_yardsticks(*, year: int, sector_ids: set[int] | None = None) -> PublicYardsticks:
    """The public figures for signing year ``year`` (and a sector with its sub-sectors) in one query."""
    conditions = public_yardstick_conditions(year)
    figures = _figures(with_years(in_sectors(public_projects(), sector_ids=sector_ids)), conditions)
    return PublicYardsticks(year=year, **figures)


