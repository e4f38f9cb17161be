"""Starting, cancelling and recovering jobs (the only writes to ``Job`` outside the runner)."""

from __future__ import annotations

import datetime
import os
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile, File
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks_db.models import DBTaskResult

from .models import Job, JobStatus
from .registry import job_kind
from .tasks import run_job


def stale_after() -> datetime.timedelta:
    return datetime.timedelta(seconds=float(getattr(settings, "JOBS_STALE_SECONDS", 60)))


#: Unfinished (queued or running) jobs one person may have, and everybody together (the settings
#: JOBS_MAX_PER_USER and JOBS_MAX_TOTAL override them).
DEFAULT_MAX_PER_USER = 3
DEFAULT_MAX_TOTAL = 20
#: The PostgreSQL advisory lock that makes the count and the new job one step for every starter.
START_LOCK = 0x716A6F6273  # "qjobs"


class JobLimitReached(ValidationError):
    """A job was not started: its starter, or everybody together, has as many unfinished jobs as allowed."""


def max_per_user() -> int:
    return int(getattr(settings, "JOBS_MAX_PER_USER", DEFAULT_MAX_PER_USER))


def max_total() -> int:
    return int(getattr(settings, "JOBS_MAX_TOTAL", DEFAULT_MAX_TOTAL))


def _hold_job_starts(user: AbstractBaseUser | None) -> None:
    """Until the transaction ends, no other capped start counts or adds jobs (a second request at the
    same moment waits here, then counts the job this one added)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [START_LOCK])
    elif user is not None:
        # Elsewhere the starter's row (SQLite ignores the lock: it lets one writing transaction
        # through at a time, and a second start at the same moment fails as "database is locked").
        get_user_model()._default_manager.select_for_update().filter(pk=user.pk).exists()


def job_limits_check(*, user: AbstractBaseUser | None) -> None:
    """Refuse (``JobLimitReached``, in Chinese) a new job of ``user`` (None: a command run by a person,
    capped by the total only) when the caps are reached. Call inside the starting transaction, after
    ``_hold_job_starts``."""
    unfinished = Job.objects.unfinished()
    if user is not None:
        mine = unfinished.filter(started_by=user).count()
        if mine >= max_per_user():
            raise JobLimitReached(_(
                "您已有 %(count)d 个后台任务在排队或运行，每人最多 %(limit)d 个。请等其中一个完成，"
                "或在“我的后台任务”页面取消不需要的任务后再试。"
            ) % {"count": mine, "limit": max_per_user()}, code="job_limit_user")
    total = unfinished.count()
    if total >= max_total():
        raise JobLimitReached(_(
            "后台任务较多：全部已有 %(count)d 个任务在排队或运行（上限 %(limit)d 个）。请过几分钟再试。"
        ) % {"count": total, "limit": max_total()}, code="job_limit_total")


def job_start(*, kind: str, title: str, user: AbstractBaseUser | None, params: dict[str, Any] | None = None,
              input_file: File | None = None, input_name: str = "", capped: bool | None = None) -> Job:
    """Record a job and put it in the queue, in one transaction (the job and its task row commit together).

    ``capped`` (default: when a person starts it, ``user`` given): refuse with ``JobLimitReached``
    when the person has ``JOBS_MAX_PER_USER`` unfinished jobs or everybody ``JOBS_MAX_TOTAL``. A job
    without a user is capped only when asked (``capped=True``, by the total: a command run by a person
    with ``--background``); the work a write queues for itself (the export lines' refresh) is never
    refused, since refusing it would refuse the write. The count and the new job are one step under a
    lock (``_hold_job_starts``): two starts at the same moment cannot both pass.
    """
    registered = job_kind(kind)
    capped = user is not None if capped is None else capped
    with transaction.atomic():
        if capped:
            _hold_job_starts(user)
            job_limits_check(user=user)
        job = Job(kind=kind, title=title[:200], params=params or {}, started_by=user,
                  max_attempts=registered.max_attempts, message=_("排队中"))
        if input_file is not None:
            job.input_file.save(input_name or "input", input_file, save=False)
        job.save()
        job.task_id = str(run_job.enqueue(job.pk).id)
        job.save(update_fields=["task_id"])
    return job


def job_follow_up(*, job: Job, user: AbstractBaseUser, title: str, params: dict[str, Any]) -> tuple[Job, bool]:
    """Start the one next step of a finished job of one's own, on a copy of its input file (an import's
    commit after its preview). Once only: asked again (a second click), it returns the step already
    started. Returns (the step, whether it was started now)."""
    if job.started_by_id != user.pk:
        raise PermissionDenied(_("只能继续自己发起的任务。"))
    with transaction.atomic():
        job = Job.objects.select_for_update().get(pk=job.pk)
        existing = Job.objects.filter(pk=job.params.get("follow_up"), started_by=user).first()
        if existing is not None:
            return existing, False
        input_file = None
        if job.input_file:
            with job.input_file.open("rb") as handle:
                input_file = ContentFile(handle.read())
        step = job_start(kind=job.kind, title=title, user=user, params={**params, "follows": job.pk},
                         input_file=input_file, input_name=os.path.basename(job.input_file.name or "input"))
        Job.objects.filter(pk=job.pk).update(params={**job.params, "follow_up": step.pk})
    return step, True


def job_cancel(*, job: Job, user: AbstractBaseUser) -> Job:
    """Cancel a job of one's own: a queued one at once, a running one at its next progress report."""
    if job.started_by_id != user.pk:
        raise PermissionDenied(_("只能取消自己发起的任务。"))
    with transaction.atomic():
        job = Job.objects.select_for_update().get(pk=job.pk)
        if job.finished:
            return job
        job.cancel_requested = True
        fields = ["cancel_requested"]
        if job.status == JobStatus.QUEUED:
            job.status, job.finished_at, job.message = JobStatus.CANCELLED, timezone.now(), _("已取消")
            fields += ["status", "finished_at", "message"]
        else:
            job.message = _("正在取消…")
            fields.append("message")
        job.save(update_fields=fields)
    return job


def jobs_recover(*, now: datetime.datetime | None = None, stale: datetime.timedelta | None = None) -> list[Job]:
    """Jobs whose worker died (``running`` with no heartbeat for ``JOBS_STALE_SECONDS``): queued again
    while attempts remain, failed otherwise. Their orphaned task rows are marked failed. Safe to run
    from any number of processes at once (rows locked, locked ones skipped)."""
    now = now or timezone.now()
    cutoff = now - (stale if stale is not None else stale_after())
    recovered = []
    with transaction.atomic():
        rows = Job.objects.select_for_update(skip_locked=True).filter(status=JobStatus.RUNNING,
                                                                      heartbeat_at__lt=cutoff)
        for job in rows:
            orphans = DBTaskResult.objects.filter(id=job.task_id) if job.task_id else DBTaskResult.objects.none()
            orphans.filter(status="RUNNING").update(
                status="FAILED", finished_at=now, exception_class_path="jobs.services.WorkerLost",
                traceback=_("工作进程中断（无心跳）"),
            )
            if job.attempts < job.max_attempts and not job.cancel_requested:
                job.status = JobStatus.QUEUED
                job.message = _("工作进程中断，已重新排队（已尝试 %(n)d 次）") % {"n": job.attempts}
                job.task_id = str(run_job.enqueue(job.pk).id)
            else:
                job.status = JobStatus.FAILED
                job.finished_at = now
                job.error = _("工作进程中断，已尝试 %(n)d 次，未写入任何数据。") % {"n": job.attempts}
                job.message = _("失败，未写入任何数据")
            job.save(update_fields=["status", "message", "task_id", "finished_at", "error"])
            recovered.append(job)
    return recovered
