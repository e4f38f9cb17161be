"""The desk's kinds of job (registered with ``jobs`` when the app is ready): the daily digest, the
escalation of overdue 督办 items, the due reminders and the reminders of planned dates, queued every
morning by the product's schedule (``jobs.schedule``, registered at the end of this module) or by
hand with ``--background``, and run by the worker.

Each runs its command and keeps what it printed as a text file on the 任务 page. One attempt only:
both mail people, and a digest retried after a worker died mid-way could mail a person twice (the
notices already marked mailed are not mailed again, but the one in flight would be); a failed run is
started again by hand or by the next day's schedule.
"""

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

DIGEST_KIND = "desk.digest"
ESCALATE_KIND = "desk.escalate_supervision"
PLAN_REMINDERS_KIND = "desk.plan_reminders"
REMINDERS_KIND = "desk.reminders"


def _command_as_file(command: str, *, prefix: str, progress: Progress, message: str) -> JobOutcome:
    progress.update(5, message)
    out = io.StringIO()
    call_command(command, stdout=out)
    descriptor, name = tempfile.mkstemp(prefix=f"job-{prefix}-", suffix=".txt")
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(out.getvalue())
    filename = f"qingshan-{prefix}-{timezone.localdate():%Y%m%d}.txt"
    return JobOutcome(path=Path(name), filename=filename, summary={"lines": out.getvalue().count("\n")})


def run_digest(job: Job, progress: Progress) -> JobOutcome:
    return _command_as_file("desk_digest", prefix="desk-digest", progress=progress, message=_("正在发送每日汇总邮件…"))


def run_escalate(job: Job, progress: Progress) -> JobOutcome:
    return _command_as_file("escalate_supervision", prefix="supervision-escalation", progress=progress,
                            message=_("正在升级逾期督办事项…"))


def run_reminders(job: Job, progress: Progress) -> JobOutcome:
    return _command_as_file("desk_reminders", prefix="desk-reminders", progress=progress,
                            message=_("正在发送到期提醒…"))


def run_plan_reminders(job: Job, progress: Progress) -> JobOutcome:
    return _command_as_file("plan_reminders", prefix="plan-reminders", progress=progress,
                            message=_("正在发送计划节点提醒…"))


register_job_kind(DIGEST_KIND, run_digest, max_attempts=1)
# Safe to retry: a reminder already sent is never sent again (its key).
register_job_kind(PLAN_REMINDERS_KIND, run_plan_reminders, max_attempts=2)
register_job_kind(ESCALATE_KIND, run_escalate, max_attempts=1)
register_job_kind(REMINDERS_KIND, run_reminders, max_attempts=2)  # a reminder carries its day's key

# The product's own schedule (``jobs.schedule``; ``JOBS_SCHEDULE`` moves an entry): every morning the
# escalation first, so the reminders and the digest that follow include what it escalated.
register_periodic(ESCALATE_KIND, title=gettext_lazy("升级逾期督办事项（定时）"), at=datetime.time(7, 15))
register_periodic(REMINDERS_KIND, title=gettext_lazy("到期提醒（定时）"), at=datetime.time(7, 20))
register_periodic(PLAN_REMINDERS_KIND, title=gettext_lazy("计划节点提醒（定时）"), at=datetime.time(7, 25))
register_periodic(DIGEST_KIND, title=gettext_lazy("每日通知汇总（定时）"), at=datetime.time(7, 30))
