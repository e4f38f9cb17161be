"""
Each project's progress (进度): its last *real progress* and the colour of its progress alert (进度预警).

A project is *live* while someone still owes it work: 在谈, 已签约, 已注册落户, 已开工, 已竣工. Its last
activity is its last real progress: the later of its creation, its last recorded milestone and
what other apps register as progress (``register_progress_source``: the desk's logged visits and
resolved 督办 items). An edit is not progress: a typo fix or a publish leaves a stalled project
stalled. Silent for ``PROGRESS_ALERT_YELLOW_DAYS`` days (60 by default) it is yellow, for
``PROGRESS_ALERT_RED_DAYS`` (90) red. Projects in production, on hold or terminated carry no alert.

The project changelist's 进度预警 filter, the yardsticks' 履约率 (``figures``), the desk's stalled
list and the weekly alert list (``figures.alerts``) all read this one annotation.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Project, ProjectMilestone
from .stages import Stage

LIVE_STAGES: tuple[str, ...] = (Stage.NEGOTIATING, Stage.SIGNED, Stage.REGISTERED, Stage.STARTED, Stage.COMPLETED)


class AlertColour(models.TextChoices):
    RED = "red", _("红色预警")
    YELLOW = "yellow", _("黄色预警")
    GREEN = "green", _("正常推进")
    NONE = "none", _("不预警（已投产、暂缓或终止）")


@dataclass(frozen=True)
class Thresholds:
    yellow_days: int
    red_days: int


def thresholds() -> Thresholds:
    """The thresholds in force, from settings (``PROGRESS_ALERT_YELLOW_DAYS`` / ``_RED_DAYS``)."""
    yellow = int(getattr(settings, "PROGRESS_ALERT_YELLOW_DAYS", 60))
    red = int(getattr(settings, "PROGRESS_ALERT_RED_DAYS", 90))
    return Thresholds(yellow_days=yellow, red_days=max(red, yellow))


# Each returns, for ``OuterRef("pk")`` (a project), a subquery of the latest datetime of a kind of
# real progress; registered from another app's ``AppConfig.ready`` (the desk), so that this module
# names no app above it.
_PROGRESS_SOURCES: list[Callable[[], models.Expression]] = []


def register_progress_source(source: Callable[[], models.Expression]) -> None:
    if source not in _PROGRESS_SOURCES:
        _PROGRESS_SOURCES.append(source)


def progress_expression() -> models.Expression:
    """The latest real progress of each project: creation, milestones and the registered sources."""
    latest_milestone = (
        ProjectMilestone.objects.filter(project_id=models.OuterRef("pk")).order_by("-created_at").values("created_at")[:1]
    )
    sources = [models.Subquery(latest_milestone), *(source() for source in _PROGRESS_SOURCES)]
    return Greatest("created_at", *(Coalesce(source, "created_at") for source in sources))


def with_alert(queryset: models.QuerySet[Project], *, now: datetime.datetime | None = None) -> models.QuerySet:
    """Annotate ``last_activity`` (datetime) and ``alert_colour`` (an ``AlertColour`` value)."""
    now = now or timezone.now()
    limits = thresholds()
    return queryset.annotate(last_activity=progress_expression()).annotate(
        alert_colour=models.Case(
            models.When(~models.Q(stage__in=LIVE_STAGES), then=models.Value(AlertColour.NONE)),
            models.When(
                last_activity__lt=now - datetime.timedelta(days=limits.red_days), then=models.Value(AlertColour.RED)
            ),
            models.When(
                last_activity__lt=now - datetime.timedelta(days=limits.yellow_days),
                then=models.Value(AlertColour.YELLOW),
            ),
            default=models.Value(AlertColour.GREEN),
            output_field=models.CharField(),
        )
    )


def filter_by_colour(
    queryset: models.QuerySet[Project], colour: str, *, now: datetime.datetime | None = None
) -> models.QuerySet:
    return with_alert(queryset, now=now).filter(alert_colour=colour)
