"""
The office's headline figures (考核指标), computed from the ledger so any figure can be reproduced.

Definitions (the public site uses PUBLISHED projects only; the admin dashboard may pass its own
queryset):

- a project is *signed* (累计签约) when it has reached 已签约: its stage is 已签约 or later, or it
  carries a signing date or the date of a later stage (``ever_signed_condition``; a project recorded
  as in production whose signing date was never published was signed all the same). The funnel's
  已签约 step is this same count. Figures *for a year* need the signing date (``signed_condition``):
  a project without one belongs to no year;
- a project has *started* (开工) when it has a start or production date, or its current stage is
  已开工 or 已投产 (see ``reached_stage_condition``);
- 签约额 (signed investment) is the sum of ``total_investment`` (万元) of the signed projects whose
  amount was published, with the number of signed projects whose amount was not; when no signed
  project has a published amount the sum is ``None`` (未公布), never 0;
- 开工率 (start rate) is started signed projects / signed projects, as a percentage;
- 当年签约当年开工 (signed and started in the same year) counts signed projects whose start date
  falls in the calendar year of their signing date.

Each function takes an optional ``queryset``: the projects to measure. Without it, the published
projects are measured.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import ExtractYear
from django.utils import timezone

from ledger.money import wan_to_yi

from .alerts import AlertColour, with_alert
from .funds import funds_summary
from .models import DuplicateFlag, DuplicateStatus, Project
from .stages import MAIN_PATH, Stage, reached_condition

PERCENT_PLACES = Decimal("0.1")


def public_projects() -> QuerySet[Project]:
    """The projects the public may see, and so the only ones the public figures count
    (a confirmed duplicate signing counts once: see ``counted_projects``)."""
    return counted_projects(Project.objects.public())


def _projects(queryset: QuerySet[Project] | None) -> QuerySet[Project]:
    return public_projects() if queryset is None else counted_projects(queryset)


def reached_stage_condition(stage: str) -> Q:
    """Projects that have reached ``stage`` of the main path (``stages.reached_condition``)."""
    return reached_condition(stage)


def signed_condition() -> Q:
    """Signed with a known signing date (the condition of every figure for a year)."""
    return Q(signed_on__isnull=False)


def ever_signed_condition() -> Q:
    """Reached 已签约, dated or not: 累计签约, the funnel's 已签约 step and the sector chart."""
    return reached_stage_condition(Stage.SIGNED)


def started_condition() -> Q:
    return reached_stage_condition(Stage.STARTED)


def same_year_condition() -> Q:
    """Signed and started in the same calendar year (needs both dates)."""
    return Q(signed_on__isnull=False, started_on__isnull=False, _signed_year=F("_started_year"))


def with_years(queryset: QuerySet[Project]) -> QuerySet[Project]:
    """Annotate ``_signed_year`` and ``_started_year`` so same-year conditions can be expressed."""
    return queryset.annotate(_signed_year=ExtractYear("signed_on"), _started_year=ExtractYear("started_on"))


def signed_and_started_same_year(queryset: QuerySet[Project]) -> QuerySet[Project]:
    """The projects of ``queryset`` signed and started in the same calendar year."""
    return with_years(queryset).filter(same_year_condition())


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
    figures = with_years(_projects(queryset)).aggregate(
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
        return _projects(queryset).filter(ever_signed_condition())
    return _projects(queryset).filter(signed_condition(), signed_on__year=year)


def signed_count(*, year: int | None = None, queryset: QuerySet[Project] | None = None) -> int:
    """Projects signed (累计签约; in ``year`` when given, by signing date)."""
    return _signed_in(queryset, year).count()


def signed_investment_wan(*, year: int | None = None, queryset: QuerySet[Project] | None = None) -> Decimal | None:
    """Total published investment of signed projects in 万元 (in ``year`` when given); None when none is published."""
    return _signed_in(queryset, year).aggregate(total=Sum("total_investment"))["total"]


def start_rate_percent(*, queryset: QuerySet[Project] | None = None) -> Decimal | None:
    """开工率: share of signed projects that have started, in percent (None when nothing is signed)."""
    figures = _projects(queryset).aggregate(
        signed=Count("pk", filter=ever_signed_condition()),
        started=Count("pk", filter=ever_signed_condition() & started_condition()),
    )
    return percentage(figures["started"], figures["signed"])


def signed_and_started_same_year_count(
    *, year: int | None = None, queryset: QuerySet[Project] | None = None
) -> int:
    """当年签约当年开工: projects signed and started in the same year (that year, when given)."""
    qs = signed_and_started_same_year(_projects(queryset))
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
    figures = _projects(queryset).aggregate(
        **{stage: Count("pk", filter=reached_stage_condition(stage)) for stage in MAIN_PATH}
    )
    return [StageCount(stage=stage, label=Stage(stage).label, count=figures[stage]) for stage in MAIN_PATH]


# ---------------------------------------------------------------------------------------------
# The full set of yardsticks for a chosen year and sector (admin dashboard; the home page may use
# it with the published projects). Each figure is a count or sum over ``records(kind, …)``, the
# very queryset its link opens, so a figure and the list behind it cannot disagree.
#
# For signing year Y (and a sector with everything below it):
# - signed: projects signed in Y (``signed_condition`` with ``signed_on`` in Y);
# - amount: sum of their published ``total_investment`` (万元; None when none is published), with
#   the number of them whose amount is not published (``signed_without_amount``);
# - started: signed-in-Y projects that have started since (``started_condition``); 开工率 =
#   started / signed;
# - 履约率 (obligations on track) = on_track / signed, where a signed project is *on track* unless
#   it is on hold (暂缓), terminated (终止), or still live but silent past the red progress-alert
#   threshold (no milestone or update for ``PROGRESS_ALERT_RED_DAYS``, 90 by default; see
#   ``projects.alerts``);
# - 资金到位率 = sum of ``funds_in_place`` / sum of ``total_investment`` over the signed-in-Y
#   projects whose total investment is known (``funded`` records);
# - 当年到位资金 (funds received in Y): the entries of the funds ledger dated in Y, of every project
#   in scope whatever year it was signed (``projects.funds``), with the verified part; entries
#   without a date (the opening balances) belong to no year;
# - completed (竣工): projects completed in Y (``completed_on`` in Y), whatever year they were signed;
# - in_production (投产): projects that went into production in Y (``production_on`` in Y),
#   whatever year they were signed;
# - same_year (当年签约当年开工): signed-in-Y projects whose start date also falls in Y.
# ---------------------------------------------------------------------------------------------

YARDSTICK_KINDS = ("signed", "started", "on_track", "funded", "completed", "in_production", "same_year")


def _scoped(queryset: QuerySet[Project], *, sector_ids: set[int] | None) -> QuerySet[Project]:
    if sector_ids is not None:
        queryset = queryset.filter(sector_id__in=sector_ids)
    return queryset


def yardstick_conditions(year: int) -> dict[str, Q]:
    """The condition behind each kind of record, for signing year ``year`` (needs ``with_alert``/``with_years``)."""
    signed = signed_condition() & Q(signed_on__year=year)
    return {
        "signed": signed,
        "started": signed & started_condition(),
        "on_track": signed & ~Q(stage__in=[Stage.ON_HOLD, Stage.TERMINATED]) & ~Q(alert_colour=AlertColour.RED),
        "funded": signed & Q(total_investment__isnull=False),
        "completed": Q(completed_on__year=year),
        "in_production": Q(production_on__year=year),
        "same_year": signed & same_year_condition(),
    }


def _annotated(queryset: QuerySet[Project]) -> QuerySet[Project]:
    return with_years(with_alert(queryset))


def yardstick_records(
    kind: str, *, year: int, queryset: QuerySet[Project] | None = None, sector_ids: set[int] | None = None
) -> QuerySet[Project]:
    """The projects behind one figure (``kind`` in ``YARDSTICK_KINDS``)."""
    condition = yardstick_conditions(year)[kind]
    return _annotated(_scoped(_projects(queryset), sector_ids=sector_ids)).filter(condition)


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
    funds_received_wan: Decimal | None  # None: no entry dated in the year (无记录, never 0)
    funds_received_verified_wan: Decimal | None


def yardsticks(
    *, year: int, queryset: QuerySet[Project] | None = None, sector_ids: set[int] | None = None
) -> Yardsticks:
    """Every yardstick for signing year ``year``: one query, and one for 当年到位资金."""
    scoped = _scoped(_projects(queryset), sector_ids=sector_ids)
    figures = _figures(_annotated(scoped), yardstick_conditions(year))
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
# is *on track* depends on its progress alert (``projects.alerts``), computed from when staff last
# touched the record (``updated_at``, including edits of staff-only fields) and from the date of
# the request. That is internal progress information, not a published fact, so the public page
# leaves it out; the admin dashboard shows it. So with 资金到位率: the funds in place is the sum of
# the funds ledger, staff-only records (their sources, their evidence) that apply at once, without a
# reviewer; a public figure built on them would be a change nobody reviewed.
# ---------------------------------------------------------------------------------------------

PUBLIC_YARDSTICK_KINDS = ("signed", "started", "in_production", "same_year")


def public_yardstick_conditions(year: int) -> dict[str, Q]:
    """The condition behind each public figure for signing year ``year`` (needs ``with_years``)."""
    conditions = yardstick_conditions(year)
    return {kind: conditions[kind] for kind in PUBLIC_YARDSTICK_KINDS}


def public_yardstick_records(kind: str, *, year: int, sector_ids: set[int] | None = None) -> QuerySet[Project]:
    """The published projects behind one public figure (``kind`` in ``PUBLIC_YARDSTICK_KINDS``)."""
    condition = public_yardstick_conditions(year)[kind]
    return with_years(_scoped(public_projects(), sector_ids=sector_ids)).filter(condition)


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
    figures = _figures(with_years(_scoped(public_projects(), sector_ids=sector_ids)), conditions)
    return PublicYardsticks(year=year, **figures)


def counted_projects(queryset: QuerySet[Project]) -> QuerySet[Project]:
    """Projects that count in headline totals: a project a reviewer confirmed as a duplicate
    announcement of an earlier one is left out, so it counts once (see ``projects.duplicates``)."""
    confirmed = DuplicateFlag.objects.filter(project_id=OuterRef("pk"), status=DuplicateStatus.CONFIRMED)
    return queryset.exclude(Exists(confirmed))
