"""
What counts (计数口径): the conditions on projects behind every office figure, so that the figures
(``figures.yardsticks``), the lists they link to (the FilterSets' ``signed``/``started``/``same_year``
filters, the admin's 指标明细 filter) and the public summary select exactly the same records.

- a project is *signed* (累计签约) when it has reached 已签约: its stage is 已签约 or later, or it
  carries a signing date or the date of a later stage (``ever_signed_condition``; a project recorded
  as in production whose signing date was never published was signed all the same). The funnel's
  已签约 step is this same count. Figures *for a year* need the signing date (``signed_condition``):
  a project without one belongs to no year;
- a project has *started* (开工) when it has a start or production date, or its current stage is
  已开工 or 已投产 (see ``reached_stage_condition``);
- 当年签约当年开工 (signed and started in the same year): signed projects whose start date falls in
  the calendar year of their signing date;
- a project a reviewer confirmed as a duplicate announcement of an earlier one counts once
  (``counted_projects``).

``measured_projects(queryset)``: the projects a figure measures, the published ones when no
queryset is given (the admin dashboard passes every record).
"""

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import ExtractYear

from .models import DuplicateFlag, DuplicateStatus, Project
from .progress import AlertColour, with_alert
from .stages import Stage, reached_condition


def public_projects() -> QuerySet[Project]:
    """The projects the public may see, and so the only ones the public figures count
    (a confirmed duplicate signing counts once: see ``counted_projects``)."""
    return counted_projects(Project.objects.public())


def measured_projects(queryset: QuerySet[Project] | None) -> QuerySet[Project]:
    """``queryset`` with each duplicate once, or the published projects when it is None."""
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


# ---------------------------------------------------------------------------------------------
# The full set of yardsticks for a chosen year and sector (admin dashboard; the home page may use
# it with the published projects). Each figure is a count or sum over ``yardstick_records(kind, …)``,
# the very queryset its link opens, so a figure and the list behind it cannot disagree.
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
#   ``projects.progress``);
# - 资金到位率 = sum of ``funds_in_place`` / sum of ``total_investment`` over the signed-in-Y
#   projects whose total investment is known (``funded`` records);
# - 当年到位资金 (funds received in Y, ``figures.yardsticks``): the entries of the funds ledger dated
#   in Y, of every project in scope whatever year it was signed (``projects.funds``), with the
#   verified part; entries without a date (the opening balances) belong to no year;
# - completed (竣工): projects completed in Y (``completed_on`` in Y), whatever year they were signed;
# - in_production (投产): projects that went into production in Y (``production_on`` in Y),
#   whatever year they were signed;
# - same_year (当年签约当年开工): signed-in-Y projects whose start date also falls in Y.
# ---------------------------------------------------------------------------------------------

YARDSTICK_KINDS = ("signed", "started", "on_track", "funded", "completed", "in_production", "same_year")


def in_sectors(queryset: QuerySet[Project], *, sector_ids: set[int] | None) -> QuerySet[Project]:
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


def with_alert_and_years(queryset: QuerySet[Project]) -> QuerySet[Project]:
    return with_years(with_alert(queryset))


def yardstick_records(
    kind: str, *, year: int, queryset: QuerySet[Project] | None = None, sector_ids: set[int] | None = None
) -> QuerySet[Project]:
    """The projects behind one figure (``kind`` in ``YARDSTICK_KINDS``)."""
    condition = yardstick_conditions(year)[kind]
    return with_alert_and_years(in_sectors(measured_projects(queryset), sector_ids=sector_ids)).filter(condition)


# ---------------------------------------------------------------------------------------------
# The public summary for a chosen year and sector (home page, ``/?year=2025&sector=<slug>``).
#
# The same figures as ``yardsticks()`` over the published projects, except 履约率: whether a project
# is *on track* depends on its progress alert (``projects.progress``), computed from when staff last
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
    return with_years(in_sectors(public_projects(), sector_ids=sector_ids)).filter(condition)


def counted_projects(queryset: QuerySet[Project]) -> QuerySet[Project]:
    """Projects that count in headline totals: a project a reviewer confirmed as a duplicate
    announcement of an earlier one is left out, so it counts once (see ``projects.duplicates``)."""
    confirmed = DuplicateFlag.objects.filter(project_id=OuterRef("pk"), status=DuplicateStatus.CONFIRMED)
    return queryset.exclude(Exists(confirmed))
