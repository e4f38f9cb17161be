"""
The 计划与效益 page (admin → 招商项目 → 计划与效益): the plan and its facts for a chosen year, over every
live record (a confirmed duplicate signing counts once), each figure linking to the records behind it.

- 到位资金: the entries dated in the year (当年到位资金), verified and not, and the ledger's total with
  what has no date (``projects.funds``);
- the plan: per stage, the projects behind it today, yellow and red (``projects.plans``);
- 亩均效益 per carrier: land, fixed-asset investment, 投资强度, the year's 亩均产值/亩均税收 against the
  carrier's thresholds (``projects.land``);
- service timings: the median days of each step per responsible unit and per officer
  (``projects.timings``).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import Count, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from . import funds, land, plans, timings
from .counting import counted_projects
from .models import Project


def staff_projects() -> QuerySet[Project]:
    """What the page measures: every live record (a confirmed duplicate signing counts once)."""
    return counted_projects(Project.objects.filter(archived_at__isnull=True))


def projects_url(**params) -> str:
    return reverse("admin:projects_project_changelist") + "?" + urlencode(params)


def funds_url(**params) -> str:
    return reverse("admin:projects_fundsentry_changelist") + "?" + urlencode(params)


@dataclass(frozen=True)
class BehindRow:
    stage: str
    label: str
    behind: int
    red: int
    behind_url: str
    red_url: str


def behind_plan(*, projects: QuerySet[Project], on: datetime.date) -> list[BehindRow]:
    """Per planned stage: the projects behind it on ``on`` (yellow or red) and the red ones. One query."""
    counts = projects.aggregate(**{
        f"{stage}_{kind}": Count("pk", filter=plans.behind_condition(stage, on=on, red=kind == "red"))
        for stage in plans.PLANNED_STAGES for kind in ("behind", "red")
    })
    return [
        BehindRow(stage=stage, label=str(plans.BEHIND_LABELS[stage]), behind=counts[f"{stage}_behind"],
                  red=counts[f"{stage}_red"], behind_url=projects_url(plan=f"{stage}.behind"),
                  red_url=projects_url(plan=f"{stage}.red"))
        for stage in plans.PLANNED_STAGES
    ]


def timing_url(step: str, by: str | None = None, key: str = "") -> str:
    return projects_url(timing=f"{step}.{by}.{key}" if by else step)


@dataclass(frozen=True)
class TimingLine:
    label: str
    cells: list[tuple[timings.Cell, str]]  # per step: the median and the link to its projects


def timing_lines(rows: list[timings.TimingRow], total: timings.TimingRow, *, by: str) -> list[TimingLine]:
    lines = [TimingLine(label=row.label, cells=[(cell, timing_url(step.key, by, row.key)) for step, cell in row.ordered])
             for row in rows]
    lines.append(TimingLine(label=total.label, cells=[(cell, timing_url(step.key)) for step, cell in total.ordered]))
    return lines


def plan_figures(*, year: int, today: datetime.date) -> dict:
    """Everything the page shows; a fixed number of queries whatever the number of projects."""
    projects = staff_projects()
    unit_rows, unit_total = timings.service_timings(projects=projects, by="unit")
    officer_rows, officer_total = timings.service_timings(projects=projects, by="officer")
    return {
        "funds_year": funds.funds_summary(projects=projects, year=year),
        "funds_all": funds.funds_summary(projects=projects),
        "funds_links": {
            "year": funds_url(received_year=year), "year_verified": funds_url(received_year=year, verified="yes"),
            "year_unverified": funds_url(received_year=year, verified="no"), "all": funds_url(),
            "undated": funds_url(received_year="none"),
        },
        "behind": behind_plan(projects=projects, on=today),
        "red_months": plans.red_delay_months(),
        "zones": land.land_figures_by_zone(projects=projects, year=year),
        "land_total": land.land_figures(projects=projects, year=year),
        "timing_steps": timings.STEPS,
        "timing_tables": [
            (_("按责任单位"), timing_lines(unit_rows, unit_total, by="unit"), "timings-unit"),
            (_("按招商专员"), timing_lines(officer_rows, officer_total, by="officer"), "timings-officer"),
        ],
    }
