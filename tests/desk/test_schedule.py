"""The product schedules its own periodic work: with the scheduler and the worker running (no cron),
an overdue 督办 item escalates at the scheduled time, once per slot, and its escalation shows on its
历史 page and on the project's timeline. The clock is frozen (tests/clock.py)."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from desk.jobs import DIGEST_KIND, ESCALATE_KIND, PLAN_REMINDERS_KIND, REMINDERS_KIND
from desk.models import Notification, NotificationKind, SupervisionLevel
from jobs.models import Job, JobStatus, ScheduledRun
from jobs.schedule import latest_slot, periodic_entries, schedule_tick
from tests.jobs.conftest import job_files  # noqa: F401  (job files in the test's own folder)
from tests.jobs.test_export_job import run_worker

from .test_services import item_for

pytestmark = pytest.mark.django_db(transaction=True)

DAY = datetime.date(2026, 3, 10)  # a Tuesday


def scheduler_checks() -> str:
    out = io.StringIO()
    call_command("jobs_scheduler", "--once", stdout=out)
    return out.getvalue()


def test_an_overdue_item_escalates_on_schedule_with_no_cron(client, clock, project, officer):
    clock.set(DAY, hour=6)
    item = item_for(project, officer, deadline=DAY - datetime.timedelta(days=3))
    scheduler_checks()  # a new installation: the schedule starts here
    run_worker()
    item.refresh_from_db()
    assert item.level == SupervisionLevel.BLUE and not Job.objects.exists()

    clock.moment = clock.moment.replace(hour=7, minute=16)
    printed = scheduler_checks()
    assert "desk.escalate_supervision" in printed
    run_worker()
    item.refresh_from_db()
    assert item.level == SupervisionLevel.YELLOW
    job = Job.objects.get(kind=ESCALATE_KIND)
    assert job.status == JobStatus.SUCCEEDED and job.started_by is None
    assert Notification.objects.filter(recipient=officer, kind=NotificationKind.ESCALATED).count() == 1

    scheduler_checks()  # the same slot again: nothing more is queued
    assert Job.objects.filter(kind=ESCALATE_KIND).count() == 1

    client.force_login(officer)
    history = client.get(reverse("admin:desk_supervisionitem_history", args=[item.pk])).content.decode()
    assert "逾期升级：蓝色 → 黄色" in history and "新建督办事项" in history
    timeline = client.get(reverse("admin:desk_project_page", args=[project.pk])).content.decode()
    assert "逾期升级：蓝色 → 黄色" in timeline.split('id="timeline"')[1]


def test_the_morning_jobs_are_queued_in_order_and_each_slot_once(clock):
    clock.set(DAY, hour=6)
    assert schedule_tick() == []  # first check: nothing queued yet
    clock.moment = clock.moment.replace(hour=7, minute=31)
    kinds = [job.kind for job in schedule_tick()]
    assert kinds == [ESCALATE_KIND, REMINDERS_KIND, PLAN_REMINDERS_KIND, DIGEST_KIND]
    assert schedule_tick() == []
    assert ScheduledRun.objects.filter(kind=DIGEST_KIND).count() == 2  # the starting note and today's run


def test_a_scheduler_that_was_down_runs_a_missed_slot_once_not_a_backlog(clock):
    clock.set(DAY, hour=8)
    schedule_tick()
    clock.set(DAY + datetime.timedelta(days=5), hour=8)
    queued = [job.kind for job in schedule_tick()]
    assert queued.count(ESCALATE_KIND) == 1


def test_the_weekly_alert_list_is_due_on_mondays(clock):
    weekly = next(entry for entry in periodic_entries() if entry.weekday is not None)
    clock.set(DAY, hour=12)
    slot = latest_slot(weekly, now=clock.moment)
    assert slot.date() == datetime.date(2026, 3, 9) and slot.hour == 8


def test_a_setting_moves_or_stops_an_entry(settings, clock):
    settings.JOBS_SCHEDULE = {DIGEST_KIND: "18:00", REMINDERS_KIND: "off"}
    entries = {entry.kind: entry for entry in periodic_entries()}
    assert entries[DIGEST_KIND].at == datetime.time(18, 0) and REMINDERS_KIND not in entries
