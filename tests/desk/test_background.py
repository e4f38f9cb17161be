"""``escalate_supervision --background`` and ``desk_digest --background``: queued as jobs, run by the
real db_worker, doing what the command does and keeping what it printed as a file."""

import datetime
import io

import pytest
from django.core import mail
from django.core.management import call_command

from desk import services
from desk.jobs import DIGEST_KIND, ESCALATE_KIND
from desk.models import EmailMode, Notification, NotificationKind, SupervisionLevel
from jobs.models import Job, JobStatus
from tests.jobs.conftest import job_files  # noqa: F401  (job files in the test's own folder)
from tests.jobs.test_export_job import run_worker

from .test_services import item_for

pytestmark = pytest.mark.django_db(transaction=True)


def queued(command: str) -> Job:
    out = io.StringIO()
    call_command(command, "--background", stdout=out)
    job = Job.objects.get()
    assert f"#{job.pk}" in out.getvalue() and job.status == JobStatus.QUEUED
    return job


def test_escalation_in_the_background_escalates_once_and_keeps_the_list(project, officer, today):
    overdue = item_for(project, officer, deadline=today - datetime.timedelta(days=2))
    job = queued("escalate_supervision")
    assert job.kind == ESCALATE_KIND and job.max_attempts == 1
    overdue.refresh_from_db()
    assert overdue.level == SupervisionLevel.BLUE  # queued, not run
    run_worker()
    job.refresh_from_db()
    overdue.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert overdue.level == SupervisionLevel.YELLOW
    with job.result_file.open("rb") as handle:
        assert "共升级 1 项督办事项" in handle.read().decode()


def test_the_digest_in_the_background_mails_each_notice_once(officer):
    services.preference_set(user=officer, email_mode=EmailMode.DIGEST)
    services.notification_send(recipient=officer, kind=NotificationKind.ASSIGNED, message="后台汇总的通知")
    job = queued("desk_digest")
    assert job.kind == DIGEST_KIND and mail.outbox == []
    run_worker()
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert len(mail.outbox) == 1 and "后台汇总的通知" in mail.outbox[0].body
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()
    with job.result_file.open("rb") as handle:
        assert "已发送 1 封汇总邮件" in handle.read().decode()
