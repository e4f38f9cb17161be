"""The desk's reads: what 我的工作台 shows one person, in a fixed number of queries."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from itertools import groupby

from django.contrib.auth.models import AbstractBaseUser
from django.db import models
from django.utils import timezone
from django.utils.translation import ngettext

from ledger.models import ReviewStatus
from ledger.revisions import returned_records
from projects.models import Project
from projects.plans import PlanColour, plan_reason, with_plan_alert
from projects.progress import AlertColour, with_alert
from projects.stages import Stage

from .models import Interaction, Notification, SupervisionItem, SupervisionStatus, Task

# Each list on the desk shows at most this many rows (the changelists hold the rest).
DESK_LIMIT = 50
LEADERSHIP_PERMISSION = "desk.view_unit_desks"


@dataclass
class StageGroup:
    stage: str
    label: str
    projects: list[Project]


@dataclass
class UnitRow:
    unit: str
    projects: int = 0
    red: int = 0
    yellow: int = 0
    open_items: int = 0
    overdue_items: int = 0


@dataclass
class Desk:
    today: datetime.date
    my_projects: list[StageGroup]
    stalled: list[Project]
    returned: list[Project]
    to_review: list[Project] | None  # None: not a reviewer
    tasks: list[Task]
    items: list[SupervisionItem]
    units: list[UnitRow] | None = None  # leadership only
    unit_stalled: list[Project] = field(default_factory=list)


def with_lights(queryset: models.QuerySet[Project], *, now: datetime.datetime) -> models.QuerySet[Project]:
    """Both lights of each project and its worst, ``light`` (red, yellow, green or none): the silence
    light (``projects.progress``: no real progress for 60/90 days) and the plan's (``projects.plans``:
    behind a planned date, red after the grace months). Annotations only: no query of their own."""
    red = models.Q(alert_colour=AlertColour.RED) | models.Q(plan_colour=PlanColour.RED)
    yellow = models.Q(alert_colour=AlertColour.YELLOW) | models.Q(plan_colour=PlanColour.YELLOW)
    green = models.Q(alert_colour=AlertColour.GREEN) | models.Q(plan_colour=PlanColour.GREEN)
    annotated = with_plan_alert(with_alert(queryset, now=now), on=timezone.localdate(now))
    return annotated.annotate(light=models.Case(
        models.When(red, then=models.Value(AlertColour.RED)),
        models.When(yellow, then=models.Value(AlertColour.YELLOW)),
        models.When(green, then=models.Value(AlertColour.GREEN)),
        default=models.Value(AlertColour.NONE), output_field=models.CharField(),
    ))


_RANK = {AlertColour.RED: 0, AlertColour.YELLOW: 1}


def _days(project: Project, now: datetime.datetime) -> None:
    """The days since real progress and why the project is red or yellow, worst reason first."""
    project.days_since_progress = (now - project.last_activity).days
    reasons = []
    if project.plan_colour in _RANK:
        reasons.append((_RANK[project.plan_colour], plan_reason(project)))
    if project.alert_colour in _RANK:
        days = project.days_since_progress
        reasons.append((_RANK[project.alert_colour],
                        ngettext("%(days)d 天无实质进展", "%(days)d 天无实质进展", days) % {"days": days}))
    project.light_reasons = [text for _rank, text in sorted(reasons, key=lambda pair: pair[0])]


def desk_for(*, user: AbstractBaseUser, now: datetime.datetime | None = None) -> Desk:
    """My projects by stage (days since real progress), the red/yellow ones (the worst of the silence
    and plan lights, with the reasons: ``with_lights``), records returned to
    me, records waiting for my review, my open tasks and 督办 items (due date, overdue first).
    Four queries (four for a reviewer, seven with leadership) after the two permission lookups,
    whatever the number of projects (tests/desk/test_workbench.py)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    mine = list(with_lights(Project.objects.filter(officer=user, archived_at__isnull=True)
                            .select_related("sector"), now=now).order_by("stage", "last_activity", "id"))
    order = {value: index for index, value in enumerate(Stage.values)}
    mine.sort(key=lambda p: (order.get(p.stage, 99), p.last_activity, p.pk))
    for project in mine:
        _days(project, now)
    groups = [StageGroup(stage=stage, label=str(Stage(stage).label), projects=list(rows))
              for stage, rows in groupby(mine, key=lambda p: p.stage)]
    stalled = sorted((p for p in mine if p.light in (AlertColour.RED, AlertColour.YELLOW)),
                     key=lambda p: (p.light != AlertColour.RED, p.last_activity))
    returned = returned_projects(user=user)
    to_review = None
    if user.has_perm("projects.publish_project"):
        to_review = list(Project.objects.filter(review_status=ReviewStatus.SUBMITTED, archived_at__isnull=True)
                         .select_related("officer").order_by("updated_at", "id")[:DESK_LIMIT])
    tasks = list(Task.objects.filter(assignee=user, done_at__isnull=True)
                 .select_related("project", "supervision_item")
                 .order_by(models.F("due_on").asc(nulls_last=True), "id")[:DESK_LIMIT])
    items = list(SupervisionItem.objects.exclude(status=SupervisionStatus.RESOLVED)
                 .filter(models.Q(owner=user) | models.Q(project__officer=user))
                 .select_related("project").order_by("deadline", "id")[:DESK_LIMIT])
    for row in (*tasks, *items):
        due = row.due_on if isinstance(row, Task) else row.deadline
        row.is_overdue = due is not None and due < today
    desk = Desk(today=today, my_projects=groups, stalled=stalled, returned=returned, to_review=to_review,
                tasks=tasks, items=items)
    if user.has_perm(LEADERSHIP_PERMISSION):
        desk.units, desk.unit_stalled = _units(now=now, today=today)
    return desk


def returned_projects(*, user: AbstractBaseUser) -> list[Project]:
    """The projects sent back to ``user``: returned drafts and returned revisions of published ones, by
    the definition the index's banner counts (``ledger.revisions.returned_records``). Each carries
    ``returned_reason`` (the reviewer's words). One query (none for a reviewer)."""
    returned = returned_records(user, Project)
    if returned is None:
        return []
    records, revisions = returned
    reason = revisions.filter(object_id=models.OuterRef("pk")).order_by("-decided_at", "-pk").values("decision_comment")[:1]
    rows = list(Project.objects.filter(models.Q(pk__in=records.values("pk")) | models.Q(pk__in=revisions.values("object_id")))
                .annotate(revision_reason=models.Subquery(reason)).order_by("-updated_at", "-id")[:DESK_LIMIT])
    for project in rows:
        project.returned_reason = project.revision_reason or project.review_comment
    return rows


def _units(*, now: datetime.datetime, today: datetime.date) -> tuple[list[UnitRow], list[Project]]:
    """Per responsible unit: live projects, red and yellow ones, open and overdue 督办 items (two queries),
    and the red/yellow list of every unit (one query)."""
    live = with_lights(Project.objects.filter(archived_at__isnull=True), now=now)
    counts = (live.values("responsible_unit").annotate(
        total=models.Count("id"),
        red=models.Count("id", filter=models.Q(light=AlertColour.RED)),
        yellow=models.Count("id", filter=models.Q(light=AlertColour.YELLOW)),
    ).order_by("responsible_unit"))
    rows = {row["responsible_unit"]: UnitRow(unit=row["responsible_unit"], projects=row["total"], red=row["red"],
                                             yellow=row["yellow"]) for row in counts}
    item_counts = (SupervisionItem.objects.exclude(status=SupervisionStatus.RESOLVED)
                   .values("responsible_unit").annotate(
                       open=models.Count("id"),
                       overdue=models.Count("id", filter=models.Q(deadline__lt=today))).order_by())
    for row in item_counts:
        unit = rows.setdefault(row["responsible_unit"], UnitRow(unit=row["responsible_unit"]))
        unit.open_items, unit.overdue_items = row["open"], row["overdue"]
    stalled = list(live.filter(light__in=[AlertColour.RED, AlertColour.YELLOW]).select_related("officer")
                   .order_by("responsible_unit", "light", "last_activity", "id")[:DESK_LIMIT])
    for project in stalled:
        _days(project, now)
    return sorted(rows.values(), key=lambda r: (-r.red, -r.yellow, r.unit)), stalled


def unread_count(*, user: AbstractBaseUser) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def latest_notifications(*, user: AbstractBaseUser, limit: int = 10) -> list[Notification]:
    return list(Notification.objects.filter(recipient=user).order_by("-created_at", "-id")[:limit])


def project_sheet(*, project: Project) -> dict:
    """What the printable project sheet shows beside the project: open 督办 items, latest visits."""
    return {
        "items": list(project.supervision_items.exclude(status=SupervisionStatus.RESOLVED).order_by("deadline", "id")),
        "visits": list(Interaction.objects.filter(project=project).prefetch_related("staff")
                       .order_by("-occurred_on", "-id")[:10]),
    }
