"""
The plan (计划节点): when a project should reach each stage, and how far behind it is.

Each stage after 在谈 has a planned date (``stages.PLANNED_DATE_FIELDS``) known to a day, a month
or a year (``DatePrecision``). A plan is *due* at the end of what it names: 2026-03-01 on that day,
"2026年3月" on 31 March, "2026年" on 31 December. A live project (``LIVE_STAGES``: not in
production, on hold or terminated) that has not reached a stage (``stages.reached_condition``) is

- yellow (应开工未开工 …) from the day after the stage's plan is due;
- red once ``PLAN_ALERT_RED_MONTHS`` months (3 by default; env ``QS_PLAN_ALERT_RED_MONTHS``) have
  passed after that: planned start 2026-03-01, not started → yellow on 03-02, red on 06-02.

``with_plan_alert`` annotates the colour and the stage it is for (the worst stage, the earliest of
equals) in the query itself, so lists, counts and filters stay one query. The desk shows it with the
silence lights and keeps each project's worst (``desk.selectors``). Reminders before a planned date
(``PLAN_REMINDER_DAYS``, 30 and 7 by default) are the desk's (``desk.services.plan_reminders_send``);
``upcoming_plans`` lists what they remind of.
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ledger.models import DatePrecision, format_date

from .models import Project
from .progress import LIVE_STAGES  # projects someone still owes work: lights and reminders are about these
from .stages import PLANNED_DATE_FIELDS, Stage, reached_condition

PLANNED_STAGES: tuple[str, ...] = tuple(PLANNED_DATE_FIELDS)


class PlanColour(models.TextChoices):
    RED = "red", _("红色（逾期超过宽限期）")
    YELLOW = "yellow", _("黄色（已过计划日期）")
    GREEN = "green", _("按计划推进")
    NONE = "none", _("无计划或不适用")


# What a project behind its plan for a stage is called (应开工未开工 …).
BEHIND_LABELS: dict[str, str] = {
    Stage.SIGNED: _("应签约未签约"),
    Stage.REGISTERED: _("应注册未注册"),
    Stage.STARTED: _("应开工未开工"),
    Stage.COMPLETED: _("应竣工未竣工"),
    Stage.IN_PRODUCTION: _("应投产未投产"),
}


# A planned date's name (计划开工 …).
PLANNED_LABELS: dict[str, str] = {
    Stage.SIGNED: _("计划签约"),
    Stage.REGISTERED: _("计划注册"),
    Stage.STARTED: _("计划开工"),
    Stage.COMPLETED: _("计划竣工"),
    Stage.IN_PRODUCTION: _("计划投产"),
}


def red_delay_months() -> int:
    """How many months after a plan is due its yellow light turns red (``PLAN_ALERT_RED_MONTHS``)."""
    return max(0, int(getattr(settings, "PLAN_ALERT_RED_MONTHS", 3)))


def reminder_days() -> tuple[int, ...]:
    """How many days before a planned date its officer is reminded, largest first (``PLAN_REMINDER_DAYS``)."""
    days = {int(day) for day in getattr(settings, "PLAN_REMINDER_DAYS", (30, 7)) if int(day) > 0}
    return tuple(sorted(days, reverse=True))


def months_before(day: datetime.date, months: int) -> datetime.date:
    """``day`` moved back ``months`` calendar months (the 31st becomes the month's last day)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def due_date(planned: datetime.date, precision: str) -> datetime.date:
    """The last day a plan names: the day itself, the month's last day, or 31 December."""
    if precision == DatePrecision.YEAR:
        return datetime.date(planned.year, 12, 31)
    if precision == DatePrecision.MONTH:
        return datetime.date(planned.year, planned.month, calendar.monthrange(planned.year, planned.month)[1])
    return planned


def _due_before(stage: str, day: datetime.date) -> Q:
    """The stage's plan was due before ``day`` (read at its precision)."""
    name = PLANNED_DATE_FIELDS[stage]
    precision = f"{name}_precision"
    return (
        Q(**{precision: DatePrecision.DAY, f"{name}__lt": day})
        | Q(**{precision: DatePrecision.MONTH, f"{name}__lt": day.replace(day=1)})
        | Q(**{precision: DatePrecision.YEAR, f"{name}__lt": datetime.date(day.year, 1, 1)})
    )


def behind_condition(stage: str, *, on: datetime.date, red: bool = False) -> Q:
    """Live projects behind their plan for ``stage`` on ``on`` (yellow or red; red only with ``red``)."""
    limit = months_before(on, red_delay_months()) if red else on
    return Q(stage__in=LIVE_STAGES) & _due_before(stage, limit) & ~reached_condition(stage)


def _today(on: datetime.date | None) -> datetime.date:
    return on or timezone.localdate()


def with_plan_alert(queryset: QuerySet[Project], *, on: datetime.date | None = None) -> QuerySet[Project]:
    """Annotate ``plan_colour`` (a ``PlanColour`` value) and ``plan_stage`` (the stage it is for, "" if
    none): red for the earliest stage red on ``on``, else yellow for the earliest stage behind."""
    on = _today(on)
    whens = [models.When(behind_condition(stage, on=on, red=True), then=models.Value(stage)) for stage in PLANNED_STAGES]
    whens += [models.When(behind_condition(stage, on=on), then=models.Value(stage)) for stage in PLANNED_STAGES]
    any_red = Q()
    for stage in PLANNED_STAGES:
        any_red |= behind_condition(stage, on=on, red=True)
    any_behind = Q()
    for stage in PLANNED_STAGES:
        any_behind |= behind_condition(stage, on=on)
    has_plan = Q()
    for name in PLANNED_DATE_FIELDS.values():
        has_plan |= Q(**{f"{name}__isnull": False})
    return queryset.annotate(
        plan_stage=models.Case(*whens, default=models.Value(""), output_field=models.CharField()),
        plan_colour=models.Case(
            models.When(any_red, then=models.Value(PlanColour.RED)),
            models.When(any_behind, then=models.Value(PlanColour.YELLOW)),
            models.When(Q(stage__in=LIVE_STAGES) & has_plan, then=models.Value(PlanColour.GREEN)),
            default=models.Value(PlanColour.NONE),
            output_field=models.CharField(),
        ),
    )


def projects_behind_plan(
    *, on: datetime.date, projects: QuerySet[Project], stage: str | None = None, red: bool = False
) -> QuerySet[Project]:
    """The ``projects`` behind their plan on ``on``: for ``stage`` (any planned stage when None), red
    ones only with ``red``."""
    condition = Q()
    for behind in (stage,) if stage else PLANNED_STAGES:
        condition |= behind_condition(behind, on=on, red=red)
    return projects.filter(condition)


def projects_past_planned_start(*, on: datetime.date, projects: QuerySet[Project]) -> QuerySet[Project]:
    """应开工未开工 on ``on``: live ``projects`` whose planned start is due before ``on`` and that have
    not started (yellow and red alike)."""
    return projects_behind_plan(on=on, projects=projects, stage=Stage.STARTED)


def plan_reason(project: Project) -> str:
    """Why a project annotated by ``with_plan_alert`` is behind: "应开工未开工（计划 2026年3月1日）"."""
    stage = getattr(project, "plan_stage", "")
    if not stage:
        return ""
    return str(_("%(behind)s（计划 %(date)s）") % {"behind": BEHIND_LABELS[stage], "date": project.planned_display(stage)})


@dataclass(frozen=True)
class PlannedDate:
    """One stage a project has not reached yet, and when its plan is due."""

    project: Project
    stage: str
    planned_on: datetime.date
    precision: str
    due_on: datetime.date

    @property
    def display(self) -> str:
        return format_date(self.planned_on, self.precision)

    @property
    def label(self) -> str:
        return str(PLANNED_LABELS[self.stage])


def upcoming_plans(*, on: datetime.date, within_days: int) -> list[PlannedDate]:
    """Planned dates of live projects with an officer, due from ``on`` to ``within_days`` days later,
    for stages not reached yet. One query."""
    last = on + datetime.timedelta(days=within_days)
    window = Q()
    for stage, name in PLANNED_DATE_FIELDS.items():
        # Stored dates of month or year plans sit at the start of their period: read a year back.
        window |= Q(**{f"{name}__gte": datetime.date(on.year - 1, 1, 1), f"{name}__lte": last}) & ~reached_condition(stage)
    projects = (Project.objects.filter(window, stage__in=LIVE_STAGES, archived_at__isnull=True, officer__isnull=False)
                .select_related("officer").order_by("pk"))
    reached = {stage: reached_condition(stage) for stage in PLANNED_STAGES}
    upcoming = []
    for project in projects.annotate(**{
        f"_reached_{stage}": models.ExpressionWrapper(condition, output_field=models.BooleanField())
        for stage, condition in reached.items()
    }):
        for stage, name in PLANNED_DATE_FIELDS.items():
            planned = getattr(project, name)
            if planned is None or getattr(project, f"_reached_{stage}"):
                continue
            due = due_date(planned, getattr(project, f"{name}_precision"))
            if on <= due <= last:
                upcoming.append(PlannedDate(project=project, stage=stage, planned_on=planned,
                                            precision=getattr(project, f"{name}_precision"), due_on=due))
    return upcoming
