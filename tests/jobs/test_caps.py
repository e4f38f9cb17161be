"""Caps on unfinished jobs: at most JOBS_MAX_PER_USER queued or running per person, JOBS_MAX_TOTAL for
everybody; a refusal is said in Chinese wherever a job is started (API export, the admin's export and
import hand-offs, 确认导入, a --background command), nothing is started, and two starts at the same
moment cannot both pass (PostgreSQL, two connections)."""

import io
import threading
import time

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections
from django.urls import reverse

from jobs import services
from jobs.admin_handoff import ADMIN_EXPORT_KIND
from jobs.exports import EXPORT_KIND
from jobs.imports import IMPORT_KIND
from jobs.models import Job, JobStatus
from jobs.services import JobLimitReached, job_cancel, job_start
from projects.jobs import REFRESH_EXPORT_LINES_KIND
from projects.models import Project
from tests.factories import NegotiatingProjectFactory, SectorFactory, SuperUserFactory

from .test_admin_handoff import EVERY_COLUMN, EXPORT_URL, IMPORT_URL, csv_upload, job_id_of
from .test_export_job import run_worker

pytestmark = pytest.mark.django_db(transaction=True)
MINE = "每人最多 3 个"
EVERYBODY = "后台任务较多"


def queue(user, n: int = 1) -> list[Job]:
    """``n`` queued jobs of ``user`` (an API export each; no worker runs them)."""
    return [job_start(kind=EXPORT_KIND, title=f"占位导出{i}", user=user,
                      params={"path": "/api/v1/projects/", "query": "format=csv", "host": "testserver"})
            for i in range(n)]


@pytest.fixture
def officer():
    return SuperUserFactory(username="officer")


def test_a_person_has_at_most_three_unfinished_jobs_and_a_finished_one_frees_a_place(officer):
    first, *_others = queue(officer, 3)
    with pytest.raises(JobLimitReached) as refused:
        queue(officer)
    assert "您已有 3 个后台任务在排队或运行，每人最多 3 个" in refused.value.messages[0]
    assert Job.objects.count() == 3
    job_cancel(job=first, user=officer)
    queue(officer)
    assert Job.objects.unfinished().filter(started_by=officer).count() == 3


def test_everybody_together_has_at_most_the_total(settings):
    settings.JOBS_MAX_TOTAL = 4
    people = [SuperUserFactory(username=f"p{n}") for n in range(3)]
    queue(people[0], 2)
    queue(people[1], 2)
    with pytest.raises(JobLimitReached) as refused:
        queue(people[2])
    assert "全部已有 4 个任务在排队或运行（上限 4 个）" in refused.value.messages[0]
    # A job a write queues for itself (no person) is never refused: refusing it would refuse the write.
    job_start(kind=REFRESH_EXPORT_LINES_KIND, title="重新计算项目导出行", user=None)
    # A command a person runs in the background counts against the total.
    with pytest.raises(CommandError, match=EVERYBODY):
        call_command("progress_alerts", "--background", stdout=io.StringIO())
    assert Job.objects.count() == 5


def test_a_background_command_below_the_total_is_queued(settings):
    settings.JOBS_MAX_TOTAL = 1
    out = io.StringIO()
    call_command("progress_alerts", "--background", stdout=out)
    assert "已排队为后台任务" in out.getvalue() and Job.objects.count() == 1


@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="row and advisory locks are PostgreSQL's; SQLite lets one writer through at a time")
@pytest.mark.parametrize("same_person", [True, False], ids=["per-person", "total"])
def test_two_starts_at_the_same_moment_cannot_both_pass(settings, monkeypatch, same_person):
    """Both requests count before either commits (each waits 0.5 s after counting); with the lock the
    second counts only after the first committed, and is refused."""
    settings.JOBS_MAX_TOTAL = 3
    starters = [SuperUserFactory(username="a"), SuperUserFactory(username="b")]
    if same_person:
        starters[1] = starters[0]
        queue(starters[0], 2)
    else:
        queue(SuperUserFactory(username="c"), 2)
    check = services.job_limits_check

    def slow_check(*, user):
        check(user=user)
        time.sleep(0.5)  # the gap between counting and inserting, made wide

    monkeypatch.setattr(services, "job_limits_check", slow_check)
    gate = threading.Barrier(2)
    outcomes: list[str] = []

    def start(user):
        try:
            gate.wait()
            queue(user)
            outcomes.append("started")
        except JobLimitReached:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=start, args=(user,)) for user in starters]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["refused", "started"]
    assert Job.objects.unfinished().count() == 3


# --- wherever a job is started --------------------------------------------------------------------
@pytest.fixture
def at_my_limit(client, officer, settings):
    settings.JOBS_EXPORT_ROWS = {"csv": 2, "xlsx": 2}
    client.force_login(officer)
    return queue(officer, 3)


def test_the_api_export_answers_429_in_chinese(client, at_my_limit):
    for n in range(3):
        NegotiatingProjectFactory(name=f"导出项目{n}")
    answer = client.get("/api/v1/projects/?format=csv")
    assert answer.status_code == 429 and answer["Retry-After"] == "60"
    assert MINE in answer.json()["detail"]
    assert Job.objects.count() == 3


def test_the_admin_export_page_comes_back_with_the_reason_and_the_choices(client, at_my_limit):
    for n in range(3):
        NegotiatingProjectFactory(name=f"导出项目{n}")
    response = client.post(EXPORT_URL, {"format": "1", **EVERY_COLUMN})
    assert response.status_code == 200
    assert MINE in response.content.decode()
    assert response.context["form"]["format"].value() == "1"
    assert not Job.objects.filter(kind=ADMIN_EXPORT_KIND).exists() and Job.objects.count() == 3


def test_the_admin_import_page_comes_back_with_the_reason_on_the_file(client, at_my_limit):
    SectorFactory(name="氢能")
    response = client.post(IMPORT_URL, {"format": "0", "import_file": csv_upload(60), "resource": "0"})
    assert response.status_code == 200
    errors = response.context["form"].errors["import_file"]
    assert MINE in errors[0] and "文件未导入" in errors[0]
    assert MINE in response.content.decode()
    assert not Job.objects.filter(kind=IMPORT_KIND).exists() and not Project.objects.exists()


def test_confirm_import_at_the_limit_keeps_the_preview_to_confirm_later(client, officer):
    SectorFactory(name="氢能")
    client.force_login(officer)
    preview_id = job_id_of(client.post(IMPORT_URL, {"format": "0", "import_file": csv_upload(60)}))
    run_worker()
    assert Job.objects.get(pk=preview_id).status == JobStatus.SUCCEEDED
    placeholders = queue(officer, 3)
    commit_url = reverse("admin:projects_project_import_commit", args=[preview_id])
    refused = client.post(commit_url, follow=True)
    assert refused.redirect_chain[-1][0] == reverse("admin:projects_project_import_job", args=[preview_id])
    page = refused.content.decode()
    assert MINE in page and "确认导入" in page  # the clean preview, its button still there
    assert Job.objects.filter(kind=IMPORT_KIND).count() == 1 and not Project.objects.exists()
    job_cancel(job=placeholders[0], user=officer)
    assert job_id_of(client.post(commit_url)) != preview_id


def test_the_jobs_page_says_how_many_places_are_used(client, officer):
    client.force_login(officer)
    queue(officer, 2)
    page = client.get(reverse("admin:jobs_job_changelist")).content.decode()
    assert "排队或运行中的任务：2 个，每人最多 3 个。" in page and "已达上限" not in page
    queue(officer)
    page = client.get(reverse("admin:jobs_job_changelist")).content.decode()
    assert "排队或运行中的任务：3 个，每人最多 3 个。" in page and "已达上限" in page
