"""The office figures' kinds of job (registered with ``jobs`` when the app is ready): the weekly alert list."""

import datetime
import io
import os
import tempfile
from pathlib import Path

from django.core.management import call_command
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jobs.models import Job
from jobs.progress import Progress
from jobs.registry import JobOutcome, register_job_kind
from jobs.schedule import register_periodic

# The kind's name is stored in each job's row; it keeps the name it had when the list lived in projects.
PROGRESS_ALERTS_KIND = "projects.progress_alerts"


def run_progress_alerts(job: Job, progress: Progress) -> JobOutcome:
    """The weekly alert list (``manage.py progress_alerts``), mailed as configured, kept as a text file."""
    progress.update(5, _("正在汇总进度预警…"))
    out = io.StringIO()
    # A scheduled run (``jobs.schedule``) does what the plain command does: it mails when mail is configured.
    flags = ["--mail"] if job.params.get("mail") else [] if job.params.get("scheduled_for") else ["--no-mail"]
    call_command("progress_alerts", *flags, stdout=out)
    descriptor, name = tempfile.mkstemp(prefix="job-alerts-", suffix=".txt")
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(out.getvalue())
    filename = f"qingshan-progress-alerts-{timezone.localdate():%Y%m%d}.txt"
    return JobOutcome(path=Path(name), filename=filename, summary={"lines": out.getvalue().count("\n")})


register_job_kind(PROGRESS_ALERTS_KIND, run_progress_alerts, max_attempts=1)
# Every Monday morning, by the product's own schedule (``jobs.schedule``).
register_periodic(PROGRESS_ALERTS_KIND, title=gettext_lazy("每周进度预警（定时）"), at=datetime.time(8, 0), weekday=0)
