"""
Service timings (服务时效): the median days each step of a project's path took, per responsible unit
and per officer, from the ledger's own dates.

Steps: lead → 签约 (the earliest referral date of the leads that brought the project, registered by
the ambassadors app: ``register_lead_date``), 签约 → 注册, 注册 → 开工, 开工 → 竣工, 竣工 → 投产. A
project counts in a step when both dates are known to the day (a month or year precision would make
the days up) and the later one is not before the earlier; each median says how many projects it is
over. The milestone dates are those the timeline shows (each stage change logs them), so a median is
reproducible from the records it links to (``timing_records``: the same condition).
"""

from __future__ import annotations

import statistics
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import F, Q, QuerySet
from django.db.models.functions import Least
from django.utils.translation import gettext_lazy as _

from ledger.models import DatePrecision
from ledger.people import display_name

from .models import Project
from .stages import STAGE_DATE_FIELDS, Stage

LEAD = "lead"


@dataclass(frozen=True)
class Step:
    key: str  # "lead-signed", "signed-registered", …
    earlier: str  # a stage, or LEAD
    later: str

    @property
    def label(self) -> str:
        first = _("线索") if self.earlier == LEAD else Stage(self.earlier).label
        return f"{first}→{Stage(self.later).label}"


_PATH = (LEAD, Stage.SIGNED, Stage.REGISTERED, Stage.STARTED, Stage.COMPLETED, Stage.IN_PRODUCTION)
STEPS: tuple[Step, ...] = tuple(Step(f"{a}-{b}", a, b) for a, b in zip(_PATH, _PATH[1:], strict=False))
STEP_BY_KEY = {step.key: step for step in STEPS}
GROUPS = ("unit", "officer")

# Returns, for ``OuterRef("pk")`` (a project), the earliest day-precision referral date of its leads.
_LEAD_DATE_SOURCES: list[Callable[[], models.Expression]] = []


def register_lead_date(source: Callable[[], models.Expression]) -> None:
    """The app that keeps leads says when a project's first lead was referred (``AmbassadorsConfig.ready``)."""
    if source not in _LEAD_DATE_SOURCES:
        _LEAD_DATE_SOURCES.append(source)


def _lead_expression() -> models.Expression:
    if not _LEAD_DATE_SOURCES:
        return models.Value(None, output_field=models.DateField())
    sources = [source() for source in _LEAD_DATE_SOURCES]
    return sources[0] if len(sources) == 1 else Least(*sources)


def _date(point: str) -> str:
    return "_lead_on" if point == LEAD else STAGE_DATE_FIELDS[point]


def _known(point: str) -> Q:
    """The point's date is known to the day."""
    if point == LEAD:
        return Q(_lead_on__isnull=False)
    name = STAGE_DATE_FIELDS[point]
    return Q(**{f"{name}__isnull": False, f"{name}_precision": DatePrecision.DAY})


def step_condition(step: Step) -> Q:
    """The projects counted in ``step`` (needs ``with_lead_date``)."""
    return _known(step.earlier) & _known(step.later) & Q(**{f"{_date(step.later)}__gte": F(_date(step.earlier))})


def with_lead_date(projects: QuerySet[Project]) -> QuerySet[Project]:
    return projects.annotate(_lead_on=_lead_expression())


def _group_field(by: str) -> str:
    if by not in GROUPS:
        raise ValueError(by)
    return "responsible_unit" if by == "unit" else "officer_id"


def group_key(by: str, value) -> str:
    """The text naming a group in a link (an officer's id, ``none``; a unit's name, ``""`` for none)."""
    if by == "officer":
        return "none" if value is None else str(value)
    return value or ""


def _group_filter(by: str, key: str) -> Q:
    if by == "officer":
        return Q(officer__isnull=True) if key == "none" else Q(officer_id=int(key))
    return Q(responsible_unit=key)


@dataclass
class Cell:
    median_days: float | None
    count: int


@dataclass
class TimingRow:
    by: str
    key: str
    label: str
    cells: dict[str, Cell] = field(default_factory=dict)

    @property
    def ordered(self) -> list[tuple[Step, Cell]]:
        return [(step, self.cells[step.key]) for step in STEPS]


def _cells(rows: list[dict]) -> dict[str, Cell]:
    cells = {}
    for step in STEPS:
        early, late = _date(step.earlier), _date(step.later)
        days = [(row[late] - row[early]).days for row in rows if row[f"_in_{step.key}"]]
        cells[step.key] = Cell(median_days=statistics.median(days) if days else None, count=len(days))
    return cells


def service_timings(*, projects: QuerySet[Project], by: str) -> tuple[list[TimingRow], TimingRow]:
    """Per unit (``by="unit"``) or officer (``"officer"``) of ``projects``: the median days of each
    step, and the same over all of them. One query (two with officers' names)."""
    group = _group_field(by)
    names = [_date(point) for point in _PATH]
    rows = list(with_lead_date(projects).annotate(**{
        f"_in_{step.key}": models.ExpressionWrapper(step_condition(step), output_field=models.BooleanField())
        for step in STEPS
    }).order_by().values(group, *names, *(f"_in_{step.key}" for step in STEPS)))
    counted = [row for row in rows if any(row[f"_in_{step.key}"] for step in STEPS)]
    grouped: dict = {}
    for row in counted:
        grouped.setdefault(row[group], []).append(row)
    labels = _labels(by, grouped)
    table = [TimingRow(by=by, key=group_key(by, value), label=labels[value], cells=_cells(group_rows))
             for value, group_rows in grouped.items()]
    table.sort(key=lambda row: (row.key in ("", "none"), row.label))
    return table, TimingRow(by=by, key="", label=str(_("全部")), cells=_cells(counted))


def _labels(by: str, grouped: dict) -> dict:
    if by == "unit":
        return {value: value or str(_("（未填写责任单位）")) for value in grouped}
    people = get_user_model().objects.in_bulk([value for value in grouped if value is not None])
    return {value: _person_name(people[value]) if value in people else str(_("（未指定招商专员）"))
            for value in grouped}


def _person_name(user) -> str:
    """姓名 as people write it (``ledger.people``)."""
    return display_name(user)


def timing_records(*, projects: QuerySet[Project], step: str, by: str | None = None, key: str = "") -> QuerySet[Project]:
    """The projects one median is over (``step`` a key of ``STEP_BY_KEY``; all groups when ``by`` is None)."""
    condition = step_condition(STEP_BY_KEY[step])
    if by is not None:
        _group_field(by)
        condition &= _group_filter(by, key)
    return with_lead_date(projects).filter(condition)
