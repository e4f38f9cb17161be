"""Reminders of planned dates (30 and 7 days before, by default): one notice per project, planned
date and number of days, however often the command runs; a run that missed days catches up once."""

import datetime
import io

import pytest
from django.core.management import call_command

from desk import services
from desk.jobs import PLAN_REMINDERS_KIND
from desk.models import Notification, NotificationKind
from jobs.models import Job, JobStatus
from ledger.models import DatePrecision
from projects.services import project_save
from tests.factories import ProjectFactory
from tests.jobs.conftest import job_files  # noqa: F401  (job files in the test's own folder)
from tests.jobs.test_export_job import run_worker
from tests.queries import exact_queries

D = datetime.date


@pytest.mark.django_db
def test_thirty_then_seven_days_before_once_each(officer):
    project = ProjectFactory(name="提醒项目", officer=officer, planned_started_on=D(2026, 5, 1))
    assert services.plan_reminders_send(today=D(2026, 3, 31)) == 0  # 31 days before
    assert services.plan_reminders_send(today=D(2026, 4, 1)) == 1
    assert services.plan_reminders_send(today=D(2026, 4, 1)) == 0  # again the same day
    assert services.plan_reminders_send(today=D(2026, 4, 10)) == 0  # the 30-day one is sent
    assert services.plan_reminders_send(today=D(2026, 4, 24)) == 1
    assert services.plan_reminders_send(today=D(2026, 4, 28)) == 0
    notices = list(Notification.objects.filter(recipient=officer).order_by("id"))
    assert [n.kind for n in notices] == [NotificationKind.PLAN_DUE] * 2
    assert notices[0].message == "计划开工临近：“提醒项目”计划开工 2026年5月1日，还有 30 天。"
    assert notices[1].message.endswith("还有 7 天。")
    assert notices[0].url.endswith(f"/projects/project/{project.pk}/change/")


@pytest.mark.django_db
def test_a_late_run_sends_the_nearest_reminder_only(officer, settings):
    settings.PLAN_REMINDER_DAYS = (30, 7)
    ProjectFactory(officer=officer, planned_completed_on=D(2026, 6, 1), planned_completed_on_precision=DatePrecision.MONTH,
                   stage="started", started_on=D(2026, 3, 1))
    assert services.plan_reminders_send(today=D(2026, 6, 25)) == 1  # due 06-30: 5 days left
    assert services.plan_reminders_send(today=D(2026, 6, 26)) == 0
    assert Notification.objects.get().message.endswith("计划竣工 2026年6月，还有 5 天。")


@pytest.mark.django_db
def test_a_new_plan_date_is_reminded_again_and_a_reached_stage_not_at_all(officer):
    project = ProjectFactory(officer=officer, planned_registered_on=D(2026, 5, 1))
    services.plan_reminders_send(today=D(2026, 4, 24))
    project.planned_registered_on = D(2026, 5, 8)  # the plan moved: a reminder of the new date
    project_save(project=project, user=None)
    assert services.plan_reminders_send(today=D(2026, 5, 1)) == 1
    project.stage, project.registered_on = "registered", D(2026, 5, 2)
    project_save(project=project, user=None)
    assert services.plan_reminders_send(today=D(2026, 5, 3)) == 0


@pytest.mark.django_db
@pytest.mark.parametrize("count", [1, 50])
def test_the_reminders_cost_two_queries_and_three_per_notice(officer, count):
    for n in range(count):
        ProjectFactory(officer=officer, planned_started_on=D(2026, 5, 1) + datetime.timedelta(days=n % 5))
    with exact_queries(2 + 3 * count, f"plan reminders for {count}"):
        assert services.plan_reminders_send(today=D(2026, 4, 26)) == count
    with exact_queries(2, "a second run"):
        assert services.plan_reminders_send(today=D(2026, 4, 26)) == 0


@pytest.mark.django_db(transaction=True)
def test_the_command_runs_in_the_background(officer):
    ProjectFactory(officer=officer, planned_started_on=datetime.date.today() + datetime.timedelta(days=7))
    out = io.StringIO()
    call_command("plan_reminders", "--background", stdout=out)
    job = Job.objects.get()
    assert job.kind == PLAN_REMINDERS_KIND and not Notification.objects.exists()
    run_worker()
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert Notification.objects.filter(kind=NotificationKind.PLAN_DUE).count() == 1
    with job.result_file.open("rb") as handle:
        assert "已发送 1 条计划节点提醒" in handle.read().decode()
