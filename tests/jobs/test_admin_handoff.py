"""The admin's import and export pages above their thresholds: the work runs as a job (the real
db_worker), followed on the page that started it; at or below the threshold nothing changes.

JOBS_IMPORT_ROWS is 50 in the test settings; JOBS_EXPORT_ROWS is set per test.
"""

import re

import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from jobs.admin_handoff import ADMIN_EXPORT_KIND
from jobs.imports import IMPORT_KIND
from jobs.models import Job, JobStatus
from projects.models import Project
from tests.factories import NegotiatingProjectFactory, SectorFactory, SuperUserFactory
from tests.queries import exact_queries

from .test_export_job import run_worker

pytestmark = pytest.mark.django_db(transaction=True)
IMPORT_URL = "/admin/projects/project/import/"
EXPORT_URL = "/admin/projects/project/export/"
HEADER = "项目编号,项目名称,投资方,产业领域,项目阶段,签约日期,总投资（万元）\n"


def csv_upload(rows: int, *, bad_row: int | None = None, name: str = "项目.csv") -> SimpleUploadedFile:
    lines = []
    for n in range(rows):
        amount = "一百万" if n == bad_row else "100"
        lines.append(f"BIG-{n},大文件项目{n},,氢能,在谈,,{amount}\n")
    return SimpleUploadedFile(name, ("\ufeff" + HEADER + "".join(lines)).encode())


def job_id_of(response) -> int:
    assert response.status_code == 302, response.content[:500]
    match = re.search(r"/import/job/(\d+)/$", response["Location"]) or re.search(r"/export/job/(\d+)/$",
                                                                                  response["Location"])
    assert match, response["Location"]
    return int(match.group(1))


@pytest.fixture
def owner(client):
    SectorFactory(name="氢能")
    user = SuperUserFactory(username="importer")
    client.force_login(user)
    return user


def test_a_file_at_the_threshold_is_previewed_in_the_request_as_before(client, owner):
    response = client.post(IMPORT_URL, {"format": "0", "import_file": csv_upload(50), "resource": "0"})
    assert response.status_code == 200
    assert response.context["confirm_form"] is not None and "预览" in response.content.decode()
    assert not Job.objects.exists() and not Project.objects.exists()


def test_a_large_import_is_previewed_then_committed_as_jobs_on_the_import_page(client, owner):
    started = client.post(IMPORT_URL, {"format": "0", "import_file": csv_upload(60), "resource": "0"})
    preview_id = job_id_of(started)
    preview = Job.objects.get(pk=preview_id)
    assert (preview.kind, preview.status, preview.started_by, preview.params["commit"]) == (
        IMPORT_KIND, JobStatus.QUEUED, owner, False)

    page = client.get(started["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert '<progress class="job-progress" max="100" value="0"' in html and "jobs/progress.js" in html
    assert 'data-reload-when-done="1"' in html and reverse("admin:jobs_job_status", args=[preview_id]) in html
    assert "取消" in html and "确认导入" not in html
    assert "<script>" not in html and "style=" not in html  # the strict CSP: static files only

    run_worker()
    html = client.get(started["Location"]).content.decode()
    assert "预览：文件检查无误" in html and "共 60 行：将新增 60 条" in html
    assert "确认导入" in html and not Project.objects.exists()  # a preview writes nothing
    jobs_page = client.get(reverse("admin:jobs_job_changelist")).content.decode()
    assert f'<a href="{started["Location"]}">{preview.title}</a>' in jobs_page  # the 任务 page links back

    commit_url = reverse("admin:projects_project_import_commit", args=[preview_id])
    commit_id = job_id_of(client.post(commit_url))
    assert job_id_of(client.post(commit_url)) == commit_id  # a second click finds the first commit
    html = client.get(started["Location"]).content.decode()  # the preview now points to its commit
    assert "job-commit" not in html and reverse("admin:projects_project_import_job", args=[commit_id]) in html
    commit = Job.objects.get(pk=commit_id)
    assert commit.params["commit"] and commit.started_by == owner and commit.input_file.name != preview.input_file.name

    run_worker()
    commit.refresh_from_db()
    assert commit.status == JobStatus.SUCCEEDED and commit.result["committed"], commit.error
    html = client.get(reverse("admin:projects_project_import_job", args=[commit_id])).content.decode()
    assert "导入完成" in html and "共 60 行：新增 60 条" in html
    assert Project.objects.filter(code__startswith="BIG-").count() == 60  # each row once
    assert Job.objects.filter(kind=IMPORT_KIND).count() == 2


def test_the_import_job_page_reads_in_english_in_english(client, owner, settings):
    started = client.post(IMPORT_URL, {"format": "0", "import_file": csv_upload(60)})
    run_worker()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(started["Location"]).content.decode()
    assert "Preview: the file passed every check" in html and "60 rows: 60 will be added" in html
    assert "Confirm import" in html and "确认导入" not in html


def test_a_large_file_with_bad_rows_lists_them_in_chinese_and_cannot_be_committed(client, owner):
    preview_id = job_id_of(client.post(IMPORT_URL, {"format": "0", "import_file": csv_upload(60, bad_row=7)}))
    run_worker()
    html = client.get(reverse("admin:projects_project_import_job", args=[preview_id])).content.decode()
    assert "预览：文件未通过检查" in html and "第 9 行 [总投资（万元）]" in html and "一百万" in html
    assert "确认导入" not in html
    refused = client.post(reverse("admin:projects_project_import_commit", args=[preview_id]))
    assert refused.status_code == 302 and Job.objects.count() == 1 and not Project.objects.exists()


def test_an_unreadable_large_file_gets_the_forms_chinese_error(client, owner):
    garbage = SimpleUploadedFile("项目.xlsx", b"PK\x03\x04" + b"\x00" * 5000)
    response = client.post(IMPORT_URL, {"format": "0", "import_file": garbage})
    assert response.status_code == 200 and "无法读取这个 Excel 文件" in response.content.decode()
    assert not Job.objects.exists()


def test_a_large_xlsx_is_handed_off_on_its_recorded_size_and_previewed_by_the_worker(client, owner):
    data = tablib.Dataset(headers=HEADER.strip().split(","))
    for n in range(60):
        data.append([f"XL-{n}", f"工作簿项目{n}", "", "氢能", "在谈", "", "100"])
    upload = SimpleUploadedFile("项目.xlsx", data.export("xlsx"))
    started = client.post(IMPORT_URL, {"format": "0", "import_file": upload})
    preview = Job.objects.get(pk=job_id_of(started))
    assert preview.params["rows_estimate"] == 60
    run_worker()
    html = client.get(started["Location"]).content.decode()
    assert "共 60 行：将新增 60 条" in html and "确认导入" in html


def test_a_large_csv_the_worker_cannot_read_fails_with_a_chinese_reason_on_the_page(client, owner):
    latin = ("\n".join(["项目编号,项目名称"] + [f"X-{n},名称{n}" for n in range(60)])).encode("utf-16")
    started = client.post(IMPORT_URL, {"format": "0", "import_file": SimpleUploadedFile("项目.csv", latin)})
    run_worker()
    page = client.get(started["Location"])
    html = page.content.decode()
    assert page.status_code == 200 and "导入失败" in html and "无法识别文件的文字编码" in html
    assert "确认导入" not in html and not Project.objects.exists()


def test_cancel_on_the_import_page_comes_back_to_it(client, owner):
    started = client.post(IMPORT_URL, {"format": "0", "import_file": csv_upload(60)})
    job_id = job_id_of(started)
    back = client.post(reverse("admin:jobs_job_cancel", args=[job_id]), {"next": started["Location"]})
    assert back.status_code == 302 and back["Location"] == started["Location"]
    html = client.get(started["Location"]).content.decode()
    assert Job.objects.get(pk=job_id).status == JobStatus.CANCELLED and "已取消" in html and "没有写入任何数据" in html
    elsewhere = client.post(reverse("admin:jobs_job_cancel", args=[job_id]), {"next": "https://evil.example/"})
    assert elsewhere["Location"] == reverse("admin:jobs_job_changelist")


def test_another_staff_user_cannot_see_commit_or_cancel_the_import(client, owner):
    preview_id = job_id_of(client.post(IMPORT_URL, {"format": "0", "import_file": csv_upload(60)}))
    run_worker()
    client.force_login(SuperUserFactory(username="colleague"))
    assert client.get(reverse("admin:projects_project_import_job", args=[preview_id])).status_code == 403
    assert client.post(reverse("admin:projects_project_import_commit", args=[preview_id])).status_code == 403
    assert client.get(reverse("admin:jobs_job_status", args=[preview_id])).status_code == 403
    assert client.post(reverse("admin:jobs_job_cancel", args=[preview_id])).status_code == 403
    # Another record's import page does not know the job; nor does the export page.
    assert client.get(reverse("admin:projects_enterprise_import_job", args=[preview_id])).status_code == 404
    assert client.get(reverse("admin:projects_project_export_job", args=[preview_id])).status_code == 404
    assert Job.objects.count() == 1 and not Project.objects.exists()


def test_the_status_endpoint_runs_a_fixed_number_of_queries(client, owner):
    job_id = job_id_of(client.post(IMPORT_URL, {"format": "0", "import_file": csv_upload(60)}))
    url = reverse("admin:jobs_job_status", args=[job_id])
    client.get(url)
    # The session, its user, the second factor's device (the admin's step 2), the job.
    with exact_queries(4, "status JSON"):
        assert client.get(url).json()["status"] == JobStatus.QUEUED
    run_worker()
    with exact_queries(4, "status JSON of a finished job"):
        assert client.get(url).json()["finished"]


EVERY_COLUMN = {f"projectresource_{name}": "on" for name in ("code", "name", "stage", "total_investment")}


def test_a_large_admin_export_is_a_job_followed_on_its_page_with_a_download(client, owner, settings):
    for n in range(3):
        NegotiatingProjectFactory(name=f"后台导出{n}", code=f"EXP-{n}")
    settings.JOBS_EXPORT_ROWS = {"csv": 10, "xlsx": 10}
    direct = client.post(f"{EXPORT_URL}?stage__exact=negotiating", {"format": "1", **EVERY_COLUMN})
    assert direct.status_code == 200 and not Job.objects.exists()  # under the limit: the file at once

    settings.JOBS_EXPORT_ROWS = {"csv": 2, "xlsx": 2}
    started = client.post(f"{EXPORT_URL}?stage__exact=negotiating", {"format": "1", **EVERY_COLUMN})
    job_id = job_id_of(started)
    job = Job.objects.get(pk=job_id)
    assert job.kind == ADMIN_EXPORT_KIND and "csrfmiddlewaretoken" not in job.params["post"]
    html = client.get(started["Location"]).content.decode()
    assert '<progress class="job-progress"' in html and "job-download button job-hidden" in html
    assert "data-reload-when-done" not in html  # the link appears in place

    run_worker()
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.error
    html = client.get(started["Location"]).content.decode()
    download_url = reverse("admin:jobs_job_download", args=[job_id])
    assert f'href="{download_url}"' in html and "job-hidden" not in html.split("job-download", 1)[1][:30]
    body = b"".join(client.get(download_url).streaming_content)
    assert body == direct.content  # the same file the request would have answered
    assert body.decode("utf-8-sig").count("后台导出") == 3

    client.force_login(SuperUserFactory(username="colleague"))
    assert client.get(started["Location"]).status_code == 403
    assert client.get(download_url).status_code == 403
