"""The office figures' kinds of job (registered with ``jobs`` when the app is ready): the weekly alert list."""

import io
import os
import tempfile
from pathlib import Path

from django.core.management import call_command
from django.utils import timezone
from django.utils.translation import gettext as _

from jobs.models import Job
from jobs.progress import Progress
from jobs.registry import JobOutcome, register_job_kind

# The kind's name is stored in each job's row; it keeps the name it had when the list lived in projects.
PROGRESS_ALERTS_KIND = "projects.progress_alerts"


def run_progress_alerts(job: Job, progress: Progress) -> JobOutcome:
    """The weekly alert list (``manage.py progress_alerts``), mailed as configured, kept as a text file."""
    progress.update(5, _("正在汇总进度预警…"))
    out = io.StringIO()
    call_command("progress_alerts", *(["--mail"] if job.params.get("mail") else ["--no-mail"]), stdout=out)
    descriptor, name = tempfile.mkstemp(prefix="job-alerts-", suffix=".txt")
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(out.getvalue())
    filename = f"qingshan-progress-alerts-{timezone.localdate():%Y%m%d}.txt"
    return JobOutcome(path=Path(name), filename=filename, summary={"lines": out.getvalue().count("\n")})


register_job_kind(PROGRESS_ALERTS_KIND, run_progress_alerts, max_attempts=1)
