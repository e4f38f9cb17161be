"""
The weekly progress-alert list (每周进度预警清单): the red and yellow projects, per officer.

Each project's colour is ``projects.progress.with_alert`` (its last real progress against the
thresholds in settings); this module picks the alerted ones in the order the list reads them
(``manage.py progress_alerts``, also a kind of job: ``figures.jobs``).
"""

import datetime

from django.db import models
from django.utils import timezone

from projects.models import Project
from projects.progress import AlertColour, with_alert


def alerted_projects(*, now: datetime.datetime | None = None) -> models.QuerySet:
    """Red and yellow projects, reddest and longest silent first, with what a weekly list shows."""
    return (
        with_alert(Project.objects.select_related("officer", "sector"), now=now)
        .filter(alert_colour__in=[AlertColour.RED, AlertColour.YELLOW])
        .order_by(models.F("officer__username").asc(nulls_last=True), "alert_colour", "last_activity", "id")
    )


def days_silent(project: Project, *, now: datetime.datetime | None = None) -> int:
    """Whole days since the project's last activity (needs ``with_alert``)."""
    now = now or timezone.now()
    return (now - project.last_activity).days
