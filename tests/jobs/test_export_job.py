"""An export too long for a request, end to end on the real engine: API → job → db_worker → file → download.

Runs on whichever database the suite runs on (SQLite by default, PostgreSQL with DATABASE_URL).
"""

import datetime
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from jobs.models import Job, JobStatus
from tests.factories import NegotiatingProjectFactory, StaffUserFactory, SuperUserFactory

pytestmark = pytest.mark.django_db(transaction=True)
API = "/api/v1/projects/"


def run_worker():
    """django-tasks' own database worker, until the queue is empty."""
    call_command("db_worker", "--batch", "--no-reload", "--no-startup-delay", "--interval", "0", verbosity=0)


@pytest.fixture
def three_projects():
    return [NegotiatingProjectFactory(name=f"导出项目{n}") for n in range(3)]


def test_a_large_export_is_a_job_whose_file_only_its_starter_downloads(client, settings, three_projects):
    settings.JOBS_EXPORT_ROWS = {"csv": 10_000, "xlsx": 10_000}
    owner = SuperUserFactory(username="owner")
    other = SuperUserFactory(username="other")
    client.force_login(owner)
    direct = b"".join(client.get(f"{API}?format=csv").streaming_content)  # under the limit: streamed at once

    settings.JOBS_EXPORT_ROWS = {"csv": 2, "xlsx": 2}
    answer = client.get(f"{API}?format=csv")
    assert answer.status_code == 202, answer.content
    job = Job.objects.get(pk=answer.json()["job"])
    assert (job.status, job.started_by, job.kind) == (JobStatus.QUEUED, owner, "api.export")
    assert answer.json()["status_url"].endswith(reverse("admin:jobs_job_status", args=[job.pk]))

    run_worker()

    job.refresh_from_db()
    assert (job.status, job.progress, job.error) == (JobStatus.SUCCEEDED, 100, "")
    status = client.get(reverse("admin:jobs_job_status", args=[job.pk])).json()
    assert status["finished"] and status["download_url"] == reverse("admin:jobs_job_download", args=[job.pk])

    download = client.get(status["download_url"])
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith('attachment; filename="qingshan-projects-')
    body = b"".join(download.streaming_content)
    assert body == direct  # byte for byte what the request would have streamed
    assert body.decode("utf-8-sig").count("导出项目") == 3

    client.force_login(other)
    assert client.get(status["download_url"]).status_code == 403
    assert client.get(reverse("admin:jobs_job_status", args=[job.pk])).status_code == 403
    page = client.get(reverse("admin:jobs_job_changelist"))
    assert page.status_code == 200 and job.title not in page.content.decode()

    client.logout()
    assert client.get(status["download_url"]).status_code == 302  # to the admin's login


def test_the_jobs_page_shows_my_jobs_with_a_progress_bar_and_cancel(client, settings, three_projects):
    settings.JOBS_EXPORT_ROWS = {"csv": 2, "xlsx": 2}
    owner = SuperUserFactory(username="owner")
    client.force_login(owner)
    job = Job.objects.get(pk=client.get(f"{API}?format=xlsx").json()["job"])

    page = client.get(reverse("admin:jobs_job_changelist")).content.decode()
    assert job.title in page and '<progress class="job-progress" max="100" value="0"' in page
    assert "jobs/progress.js" in page and "<script>" not in page and "style=" not in page

    assert client.post(reverse("admin:jobs_job_cancel", args=[job.pk])).status_code == 302
    job.refresh_from_db()
    assert job.status == JobStatus.CANCELLED
    run_worker()  # the queued task finds its job cancelled and leaves it so
    job.refresh_from_db()
    assert job.status == JobStatus.CANCELLED and not job.result_file


def test_a_staff_user_cannot_cancel_anothers_job(client, settings, three_projects):
    settings.JOBS_EXPORT_ROWS = {"csv": 2, "xlsx": 2}
    client.force_login(SuperUserFactory(username="owner"))
    job_id = client.get(f"{API}?format=csv").json()["job"]
    client.force_login(StaffUserFactory(username="colleague"))
    assert client.post(reverse("admin:jobs_job_cancel", args=[job_id])).status_code == 403
    assert Job.objects.get(pk=job_id).status == JobStatus.QUEUED


def test_an_anonymous_large_xlsx_is_refused_with_a_pointer_to_csv(client, settings, three_projects):
    settings.JOBS_EXPORT_ROWS = {"csv": 2, "xlsx": 2}
    answer = client.get(f"{API}?format=xlsx&q=导出")
    assert answer.status_code == 400
    assert "请改用 CSV" in answer.json()["detail"] and "format=csv" in answer.json()["detail"]
    assert not Job.objects.exists()
    csv = client.get(f"{API}?format=csv")  # the CSV is streamed, whatever its size
    assert csv.status_code == 200 and b"".join(csv.streaming_content).decode("utf-8-sig").count("导出项目") == 3


def test_an_expired_file_is_gone(client, settings, three_projects):
    settings.JOBS_EXPORT_ROWS = {"csv": 2, "xlsx": 2}
    settings.JOBS_FILE_HOURS = -1
    client.force_login(SuperUserFactory(username="owner"))
    job_id = client.get(f"{API}?format=csv").json()["job"]
    run_worker()
    answer = client.get(reverse("admin:jobs_job_download", args=[job_id]))
    assert answer.status_code == 410 and "已过期" in answer.content.decode()


def test_an_xlsx_export_job_gives_a_typed_workbook(client, settings, three_projects):
    settings.JOBS_EXPORT_ROWS = {"csv": 2, "xlsx": 2}
    client.force_login(SuperUserFactory(username="owner"))
    job_id = client.get(f"{API}?format=xlsx").json()["job"]
    run_worker()
    download = client.get(reverse("admin:jobs_job_download", args=[job_id]))
    assert download.status_code == 200 and download["Content-Disposition"].endswith('.xlsx"')
    workbook = load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    sheet = workbook.active
    header = [cell.value for cell in sheet[1]]
    rows = [dict(zip(header, (cell.value for cell in row), strict=True)) for row in sheet.iter_rows(min_row=2)]
    assert sorted(row["项目名称"] for row in rows) == ["导出项目0", "导出项目1", "导出项目2"]
    assert all(row["总投资（万元）"] == 10000 and isinstance(row["已发布"], bool) for row in rows)
    assert all(isinstance(row["创建时间"], datetime.datetime) for row in rows)
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == f"A1:{sheet.cell(1, len(header)).column_letter}4"
