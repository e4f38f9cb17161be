"""
The yardsticks dashboard on the admin index (领导驾驶舱): the office's figures for a chosen year and
sector, and a funnel per signing conference. Figures come from ``figures.yardsticks`` (the same
functions as the public home page, here over every record rather than the published ones), and
every figure links to the admin project list filtered to exactly the records behind it
(``projects.admin_filters.YardstickFilter`` applies the same ``counting.yardstick_records``).
"""

import datetime
import statistics
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ledger.money import format_money
from projects import counting
from projects.models import DuplicateFlag, DuplicateStatus, Project, Sector, SigningEvent
from projects.stages import MAIN_PATH, STAGE_DATE_FIELDS, Stage

from . import yardsticks

#: Funnel steps after signing, in order: (stage, date field).
FUNNEL_STEPS: tuple[str, ...] = (Stage.SIGNED, Stage.REGISTERED, Stage.STARTED, Stage.COMPLETED, Stage.IN_PRODUCTION)
SAME_YEAR_LIST_LIMIT = 50


def staff_projects() -> QuerySet[Project]:
    """What the dashboard measures: every record of the ledger (staff see unpublished ones too)."""
    return counting.counted_projects(Project.objects.all())


def changelist_url(value: str) -> str:
    return reverse("admin:projects_project_changelist") + "?" + urlencode({"yardstick": value})


def funds_url(year: int) -> str:
    """The funds ledger's entries dated in ``year`` (当年到位资金)."""
    return reverse("admin:projects_fundsentry_changelist") + "?" + urlencode({"received_year": year})


def yardstick_value(kind: str, *, year: int, sector: Sector | None) -> str:
    """The ``yardstick`` parameter naming the records behind one figure: ``signed.2026.12`` / ``signed.2026.all``."""
    return f"{kind}.{year}.{sector.pk if sector else 'all'}"


def event_value(stage: str, event: SigningEvent) -> str:
    return f"event-{stage}.{event.pk}"


@dataclass(frozen=True)
class Figure:
    label: str
    value: str
    note: str
    url: str


@dataclass
class FunnelRow:
    event: SigningEvent
    counts: dict[str, int] = field(default_factory=dict)
    urls: dict[str, str] = field(default_factory=dict)
    median_days: dict[str, float | None] = field(default_factory=dict)

    @property
    def cells(self) -> list[tuple[int, str]]:
        return [(self.counts[stage], self.urls[stage]) for stage in FUNNEL_STEPS]

    @property
    def medians(self) -> list[float | None]:
        return [self.median_days[stage] for stage in FUNNEL_STEPS[1:]]


def _percent(value: Decimal | None) -> str:
    return "—" if value is None else f"{value}%"


def year_choices(today: datetime.date | None = None) -> list[int]:
    this_year = (today or timezone.localdate()).year
    return list(range(this_year, this_year - 8, -1))


def amount_note(amount_wan: Decimal | None, without_amount: int) -> str:
    """What the 签约额 figure leaves out: never a silent 0 for amounts that were not published."""
    if not without_amount:
        return str(_("签约项目总投资之和"))
    if amount_wan is None:
        return str(_("%(count)d 个签约项目均未公布投资额") % {"count": without_amount})
    return str(_("已公布金额之和；另有 %(count)d 个项目未公布投资额，未计入") % {"count": without_amount})


def figures(*, year: int, sector: Sector | None) -> tuple[yardsticks.Yardsticks, list[Figure]]:
    sector_ids = Sector.objects.descendant_ids([sector.pk]) if sector else None
    sticks = yardsticks.yardsticks(year=year, queryset=staff_projects(), sector_ids=sector_ids)

    def url(kind: str) -> str:
        return changelist_url(yardstick_value(kind, year=year, sector=sector))

    rows = [
        Figure(_("签约项目"), str(sticks.signed), _("%(year)d 年签约") % {"year": year}, url("signed")),
        Figure(_("签约额"), format_money(sticks.signed_investment_wan, empty=str(_("未公布"))),
               amount_note(sticks.signed_investment_wan, sticks.signed_without_amount), url("signed")),
        Figure(_("履约率"), _percent(sticks.performance_rate_percent),
               _("%(on)d / %(signed)d：未暂缓、未终止、且未超过红色预警期限") % {"on": sticks.on_track, "signed": sticks.signed},
               url("on_track")),
        Figure(_("开工率"), _percent(sticks.start_rate_percent),
               _("%(started)d / %(signed)d：签约项目中已开工的") % {"started": sticks.started, "signed": sticks.signed},
               url("started")),
        Figure(_("资金到位率"), _percent(sticks.funds_rate_percent),
               _("到位资金 %(in_place)s / 总投资 %(total)s（%(count)d 个已知总投资的签约项目）")
               % {"in_place": format_money(sticks.funds_in_place_wan, empty=str(_("未公布"))),
                  "total": format_money(sticks.funded_total_investment_wan, empty=str(_("未公布"))),
                  "count": sticks.funded},
               url("funded")),
        Figure(_("当年到位资金"), format_money(sticks.funds_received_wan, empty=str(_("无记录"))),
               _("%(year)d 年到位的资金（按到位日期，不论签约年份）；其中已核实 %(verified)s")
               % {"year": year, "verified": format_money(sticks.funds_received_verified_wan, empty="—")},
               funds_url(year)),
        Figure(_("竣工项目"), str(sticks.completed), _("%(year)d 年竣工（不论签约年份）") % {"year": year},
               url("completed")),
        Figure(_("投产项目"), str(sticks.in_production), _("%(year)d 年投产（不论签约年份）") % {"year": year},
               url("in_production")),
        Figure(_("当年签约当年开工"), str(sticks.same_year), _("%(year)d 年签约且同年开工") % {"year": year},
               url("same_year")),
    ]
    return sticks, rows


def _median_days(pairs: list[tuple[datetime.date | None, datetime.date | None]]) -> float | None:
    days = [(later - earlier).days for earlier, later in pairs if earlier and later]
    return statistics.median(days) if days else None


def conference_funnel(queryset: QuerySet[Project] | None = None) -> list[FunnelRow]:
    """Per signing conference: how many of its projects signed, registered, started and reached
    production since, and the median days each step took (pairs with both dates only). Two queries."""
    projects = queryset if queryset is not None else staff_projects()
    date_fields = [STAGE_DATE_FIELDS[stage] for stage in FUNNEL_STEPS]
    rows = list(projects.filter(signing_event__isnull=False).values("signing_event_id", "stage", *date_fields))
    events = {event.pk: event for event in SigningEvent.objects.filter(pk__in={row["signing_event_id"] for row in rows})}
    funnel: dict[int, FunnelRow] = {}
    grouped: dict[int, list[dict]] = {}
    for row in rows:
        grouped.setdefault(row["signing_event_id"], []).append(row)
    for event_id, event_rows in grouped.items():
        event = events[event_id]
        funnel_row = FunnelRow(event=event)
        for stage in FUNNEL_STEPS:
            funnel_row.counts[stage] = sum(1 for row in event_rows if reached(row, stage))
            funnel_row.urls[stage] = changelist_url(event_value(stage, event))
        for earlier, later in zip(FUNNEL_STEPS, FUNNEL_STEPS[1:], strict=False):
            funnel_row.median_days[later] = _median_days(
                [(row[STAGE_DATE_FIELDS[earlier]], row[STAGE_DATE_FIELDS[later]]) for row in event_rows]
            )
        funnel[event_id] = funnel_row
    return sorted(funnel.values(), key=lambda r: (r.event.held_on, r.event.pk), reverse=True)


def reached(row: dict, stage: str) -> bool:
    """Python twin of ``counting.reached_stage_condition`` for one values() row."""
    index = MAIN_PATH.index(stage)
    if row["stage"] in MAIN_PATH[index:]:
        return True
    return any(row.get(STAGE_DATE_FIELDS[later]) for later in MAIN_PATH[index:] if later in STAGE_DATE_FIELDS)


def dashboard_context(request, *, today: datetime.date | None = None) -> dict:
    """Everything ``templates/admin/index.html`` shows; a fixed number of queries."""
    years = year_choices(today)
    try:
        year = int(request.GET.get("year", years[0]))
    except (TypeError, ValueError):
        year = years[0]
    if not 1978 <= year <= 2100:
        year = years[0]
    sectors = list(Sector.objects.order_by("position", "name"))
    sector = next((s for s in sectors if s.slug == request.GET.get("sector")), None)
    sticks, rows = figures(year=year, sector=sector)
    sector_ids = Sector.objects.descendant_ids([sector.pk]) if sector else None
    same_year = list(
        counting.yardstick_records("same_year", year=year, queryset=staff_projects(), sector_ids=sector_ids)
        .select_related("sector", "signing_event")
        .order_by("signed_on", "id")[:SAME_YEAR_LIST_LIMIT]
    )
    return {
        "dashboard_year": year,
        "dashboard_years": years if year in years else [year, *years],
        "dashboard_sector": sector,
        "dashboard_sectors": sectors,
        "dashboard_figures": rows,
        "dashboard_yardsticks": sticks,
        "dashboard_same_year": same_year,
        "dashboard_same_year_more": sticks.same_year > len(same_year),
        "dashboard_same_year_url": changelist_url(yardstick_value("same_year", year=year, sector=sector)),
        "dashboard_funnel": conference_funnel(),
        "dashboard_pending_duplicates": DuplicateFlag.objects.filter(status=DuplicateStatus.PENDING).count(),
        "dashboard_funnel_steps": [Stage(stage).label for stage in FUNNEL_STEPS],
        "dashboard_funnel_step_pairs": [
            _("%(a)s→%(b)s") % {"a": Stage(a).label, "b": Stage(b).label}
            for a, b in zip(FUNNEL_STEPS, FUNNEL_STEPS[1:], strict=False)
        ],
    }
