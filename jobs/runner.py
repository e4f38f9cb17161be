"""Carrying out one job inside a worker: claim it, run its kind with a heartbeat, store the file, record the end.

Durability: the job's work writes nothing half-way. Its file is written aside (a temporary file)
and saved into the job store only when whole; ledger writes run in the work's own transaction
(imports are all or nothing). A worker killed mid-run leaves the job ``running`` with a heartbeat
that stops; ``services.jobs_recover`` puts it back in the queue (while attempts remain) or marks it
failed.
"""

from __future__ import annotations

import datetime
import logging
import os

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Job, JobStatus
from .progress import JobCancelled, Progress, heartbeat_seconds
from .registry import JobOutcome, job_kind

logger = logging.getLogger("jobs")


def file_lifetime() -> datetime.timedelta:
    return datetime.timedelta(hours=float(getattr(settings, "JOBS_FILE_HOURS", 24)))


def _claim(job_id: int) -> Job | None:
    with transaction.atomic():
        job = Job.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.finished:
            return None
        now = timezone.now()
        if job.cancel_requested:
            Job.objects.filter(pk=job.pk).update(status=JobStatus.CANCELLED, finished_at=now,
                                                 message=_("已取消"))
            return None
        fresh = now - datetime.timedelta(seconds=heartbeat_seconds() * 5)
        if job.status == JobStatus.RUNNING and job.heartbeat_at and job.heartbeat_at > fresh:
            return None  # delivered twice: another worker is running it right now
        job.status = JobStatus.RUNNING
        job.attempts += 1
        job.started_at = job.heartbeat_at = now
        job.progress = 0
        job.message = _("开始运行")
        job.error = ""
        job.save(update_fields=["status", "attempts", "started_at", "heartbeat_at", "progress", "message", "error"])
        return job


def _error_text(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return "；".join(exc.messages)
    return str(exc) or type(exc).__name__


def execute(job_id: int) -> str:
    """Run one job; returns its final status. Errors of the work are recorded on the job (and re-raised)."""
    job = _claim(job_id)
    if job is None:
        return "skipped"
    progress = Progress(job.pk)
    progress.start()
    try:
        outcome: JobOutcome = job_kind(job.kind).run(job, progress)
    except JobCancelled:
        progress.stop()
        Job.objects.filter(pk=job.pk).update(status=JobStatus.CANCELLED, finished_at=timezone.now(),
                                             message=_("已取消，未写入任何数据"))
        return JobStatus.CANCELLED
    except Exception as exc:
        progress.stop()
        logger.exception("job %s (%s) failed", job.pk, job.kind)
        Job.objects.filter(pk=job.pk).update(status=JobStatus.FAILED, finished_at=timezone.now(),
                                             error=_error_text(exc)[:2000], message=_("失败，未写入任何数据"))
        raise
    progress.stop()
    stored = ""
    if outcome.path is not None:
        with open(outcome.path, "rb") as handle:
            job.result_file.save(outcome.filename or os.path.basename(outcome.path), File(handle), save=False)
        stored = job.result_file.name
        os.unlink(outcome.path)
    now = timezone.now()
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.SUCCEEDED, progress=100, message=_("已完成"), result_file=stored,
        result_name=outcome.filename, result=outcome.summary, finished_at=now, heartbeat_at=now,
        expires_at=now + file_lifetime() if stored else None,
    )
    return JobStatus.SUCCEEDED
