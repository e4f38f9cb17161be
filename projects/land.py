"""
亩均效益: what a project yields per 亩 of land, and the carriers' thresholds.

- 投资强度 (investment intensity) = fixed-asset investment ÷ land area, in 万元/亩;
- 亩均产值 / 亩均税收 = a year's output / tax (``ProjectYearFigures``) ÷ land area, in 万元/亩.

A figure needs both of its parts; otherwise it is None (shown as 未填写), never 0. Over many projects
each sum is taken over the projects that have both parts, so a project without land does not dilute
the others. A carrier (``RenewalZone``) may set a threshold for each; a project is below it when its
figure is known and lower. Saving a signing (a project entering 已签约 or a later stage, or a signed
project whose carrier, land or fixed-asset investment changes) below its carrier's investment
intensity threshold is not refused: the door records a warning in the history entry's reason and the
admin shows it (``signing_warnings``, called by ``ProjectRules``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Sum
from django.utils.translation import gettext as _

from .models import Project, ProjectYearFigures, RenewalZone
from .stages import MAIN_PATH, Stage

PLACES = Decimal("0.01")


def per_mu(amount: Decimal | None, land: Decimal | None) -> Decimal | None:
    """``amount`` ÷ ``land`` to 0.01 万元/亩; None unless both are known and the land is not zero."""
    if amount is None or not land:
        return None
    return (Decimal(amount) / Decimal(land)).quantize(PLACES, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class LandFigures:
    """One project's, or the sums of many (``projects`` counted in each ratio)."""

    year: int | None
    land_area_mu: Decimal | None
    fixed_asset_investment: Decimal | None
    investment_intensity: Decimal | None
    output_value: Decimal | None
    output_per_mu: Decimal | None
    tax: Decimal | None
    tax_per_mu: Decimal | None
    intensity_projects: int = 0
    output_projects: int = 0
    tax_projects: int = 0


def project_land_figures(*, project: Project, year: int | None = None) -> LandFigures:
    """The project's figures for ``year`` (its latest year with figures when None). One query."""
    rows = ProjectYearFigures.objects.filter(project=project)
    if year is not None:
        rows = rows.filter(year=year)
    latest = rows.order_by("-year").first()
    land, investment = project.land_area_mu, project.fixed_asset_investment
    output = latest.output_value if latest else None
    tax = latest.tax if latest else None
    return LandFigures(
        year=latest.year if latest else year, land_area_mu=land, fixed_asset_investment=investment,
        investment_intensity=per_mu(investment, land), output_value=output, output_per_mu=per_mu(output, land),
        tax=tax, tax_per_mu=per_mu(tax, land),
    )


def _year_value(name: str, year: int) -> Subquery:
    return Subquery(ProjectYearFigures.objects.filter(project_id=OuterRef("pk"), year=year).values(name)[:1])


def land_figures(*, projects: QuerySet[Project], year: int) -> LandFigures:
    """The sums of ``projects`` for ``year``, each ratio over the projects that have both its parts.
    One query."""
    figures = _aggregate(projects, year)
    return _figures(figures, year)


def _aggregate(projects: QuerySet[Project], year: int, *, group: str | None = None):
    annotated = projects.annotate(_output=_year_value("output_value", year), _tax=_year_value("tax", year))
    land = Q(land_area_mu__isnull=False)
    both = {
        "intensity": land & Q(fixed_asset_investment__isnull=False),
        "output": land & Q(_output__isnull=False),
        "tax": land & Q(_tax__isnull=False),
    }
    sums = {
        "intensity_land": Sum("land_area_mu", filter=both["intensity"]),
        "investment": Sum("fixed_asset_investment", filter=both["intensity"]),
        "intensity_projects": Count("pk", filter=both["intensity"]),
        "output_land": Sum("land_area_mu", filter=both["output"]),
        "output": Sum("_output", filter=both["output"]),
        "output_projects": Count("pk", filter=both["output"]),
        "tax_land": Sum("land_area_mu", filter=both["tax"]),
        "tax": Sum("_tax", filter=both["tax"]),
        "tax_projects": Count("pk", filter=both["tax"]),
        "land": Sum("land_area_mu"),
    }
    if group is None:
        return annotated.order_by().aggregate(**sums)
    return list(annotated.order_by().values(group).annotate(**sums).order_by(group))


def _figures(row: dict, year: int) -> LandFigures:
    return LandFigures(
        year=year, land_area_mu=row["land"], fixed_asset_investment=row["investment"],
        investment_intensity=per_mu(row["investment"], row["intensity_land"]),
        output_value=row["output"], output_per_mu=per_mu(row["output"], row["output_land"]),
        tax=row["tax"], tax_per_mu=per_mu(row["tax"], row["tax_land"]),
        intensity_projects=row["intensity_projects"], output_projects=row["output_projects"],
        tax_projects=row["tax_projects"],
    )


@dataclass(frozen=True)
class Thresholds:
    investment_intensity: Decimal | None
    output_per_mu: Decimal | None
    tax_per_mu: Decimal | None

    @classmethod
    def of(cls, zone: RenewalZone | None) -> Thresholds:
        if zone is None:
            return cls(None, None, None)
        return cls(zone.min_investment_intensity, zone.min_output_per_mu, zone.min_tax_per_mu)

    @property
    def any(self) -> bool:
        return any(value is not None for value in (self.investment_intensity, self.output_per_mu, self.tax_per_mu))


def shortfalls(figures: LandFigures, thresholds: Thresholds) -> list[str]:
    """Each known figure below its threshold, as a sentence ("投资强度 300.00 万元/亩，低于载体门槛 400.00 万元/亩")."""
    below = []
    for label, value, minimum in (
        (_("投资强度"), figures.investment_intensity, thresholds.investment_intensity),
        (_("亩均产值"), figures.output_per_mu, thresholds.output_per_mu),
        (_("亩均税收"), figures.tax_per_mu, thresholds.tax_per_mu),
    ):
        if value is not None and minimum is not None and value < minimum:
            below.append(_("%(label)s %(value)s 万元/亩，低于载体门槛 %(minimum)s 万元/亩") % {
                "label": label, "value": value, "minimum": minimum})
    return below


@dataclass
class ZoneRow:
    """One carrier's projects for a year: the sums, the carrier's thresholds and what falls below."""

    zone: RenewalZone | None
    figures: LandFigures
    thresholds: Thresholds
    below: list[str] = field(default_factory=list)


def land_figures_by_zone(*, projects: QuerySet[Project], year: int) -> list[ZoneRow]:
    """``land_figures`` per carrier (zone) of ``projects`` that have land, with its thresholds. Two queries."""
    rows = _aggregate(projects.filter(land_area_mu__isnull=False), year, group="zone_id")
    zones = RenewalZone.objects.in_bulk([row["zone_id"] for row in rows if row["zone_id"] is not None])
    result = []
    for row in rows:
        zone = zones.get(row["zone_id"])
        figures, thresholds = _figures(row, year), Thresholds.of(zone)
        result.append(ZoneRow(zone=zone, figures=figures, thresholds=thresholds, below=shortfalls(figures, thresholds)))
    return sorted(result, key=lambda r: (r.zone is None, r.zone.name if r.zone else ""))


# -- the warning at signing ----------------------------------------------------------------------
# The stored columns the door reads with the row lock to tell whether a save changes what the
# warning depends on.
WARNING_FIELDS = ("stage", "zone_id", "land_area_mu", "fixed_asset_investment")


def signing_warnings(*, project: Project, stored: dict | None) -> list[str]:
    """What a save of ``project`` (``stored``: its locked stored columns, None if new) must warn
    about: a signed project below its carrier's investment intensity threshold, or whose intensity
    cannot be checked against one. Empty when the save changes nothing the check depends on. Reads
    the carrier only when it has to (one query)."""
    if project.stage not in _SIGNED_STAGES or project.zone_id is None:
        return []
    if stored is not None and all(stored.get(name) == getattr(project, name) for name in WARNING_FIELDS):
        return []
    zone = project.zone
    thresholds = Thresholds.of(zone)
    if thresholds.investment_intensity is None:
        return []
    intensity = per_mu(project.fixed_asset_investment, project.land_area_mu)
    if intensity is None:
        return [_("载体“%(zone)s”设有投资强度门槛（%(minimum)s 万元/亩），但项目未填写用地面积或固定资产投资，无法核对。")
                % {"zone": zone, "minimum": thresholds.investment_intensity}]
    if intensity < thresholds.investment_intensity:
        return [_("签约低于载体“%(zone)s”的门槛：投资强度 %(value)s 万元/亩，低于 %(minimum)s 万元/亩。")
                % {"zone": zone, "value": intensity, "minimum": thresholds.investment_intensity}]
    return []


# A signing and every stage after it (on hold and terminated are off the path: no warning).
_SIGNED_STAGES = frozenset(MAIN_PATH[MAIN_PATH.index(Stage.SIGNED):])
