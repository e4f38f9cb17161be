"""The admin import page above JOBS_IMPORT_ROWS in a real headless Chromium under the strict CSP:
the upload becomes a preview job, the page that started it follows the job's progress bar (the static
jobs/progress.js polling the status JSON) to done and then shows the preview; 确认导入 starts the
commit job, followed the same way to its summary. The jobs run on django-tasks' real database worker."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from playwright.sync_api import expect

from jobs.imports import IMPORT_KIND
from jobs.models import Job, JobStatus
from jobs.services import job_start
from projects.models import Project
from tests.browser.signin import authenticator
from tests.browser.test_admin_screen import AXE, PASSWORD, logged_in, serious_violations
from tests.browser.test_public_site import CHROMIUM
from tests.factories import SectorFactory, SuperUserFactory
from tests.jobs.test_export_job import run_worker

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed at /usr/bin/chromium"),
]
ROWS = 120  # above the test settings' JOBS_IMPORT_ROWS (50)
HEADER = "项目编号,项目名称,投资方,产业领域,项目阶段,签约日期,总投资（万元）\n"


def test_a_large_upload_is_followed_on_the_import_page_to_its_preview_and_commit(transactional_db, live_server,
                                                                               browser, tmp_path, monkeypatch):
    store = FileSystemStorage(location=str(tmp_path))
    for name in ("input_file", "result_file"):
        monkeypatch.setattr(Job._meta.get_field(name), "storage", store)
    SectorFactory(name="氢能")
    boss = SuperUserFactory(username="boss", password=PASSWORD)
    authenticator(boss)
    body = "\ufeff" + HEADER + "".join(f"WEB-{n},浏览器导入{n},,氢能,在谈,,100\n" for n in range(ROWS))

    context, page, errors = logged_in(browser, live_server, 1280)
    violations: list[str] = []
    page.on("console", lambda message: violations.append(message.text)
            if "Content Security Policy" in message.text else None)
    page.goto(live_server.url + "/admin/projects/project/import/")
    page.set_input_files("#id_import_file", files=[{"name": "项目.csv", "mimeType": "text/csv",
                                                    "buffer": body.encode()}])
    page.click("#content form input[type=submit]")
    page.wait_for_url("**/admin/projects/project/import/job/*/")
    preview = Job.objects.get()
    assert preview.status == JobStatus.QUEUED and not preview.params["commit"]
    bar = page.locator(".job-progress")
    assert bar.get_attribute("value") == "0" and page.locator(".job-status").inner_text() == "排队中"
    assert page.locator(".job-cancel button").is_visible()

    run_worker()  # the worker checks every row; the page polls, sees it done and shows the result
    expect(page.locator(".job-result h2")).to_have_text("预览：文件检查无误", timeout=15_000)
    assert page.locator(".job-percent").inner_text() == "100%" and bar.get_attribute("value") == "100"
    assert f"将新增 {ROWS} 条" in page.locator(".job-summary").inner_text()
    assert page.locator(".job-cancel").count() == 0 and not Project.objects.exists()

    page.click(".job-commit input[type=submit]")  # 确认导入
    page.wait_for_url(f"**/admin/projects/project/import/job/{preview.pk + 1}/")
    assert page.locator(".job-status").inner_text() == "排队中"
    run_worker()
    expect(page.locator(".job-result h2")).to_have_text("导入完成", timeout=15_000)
    assert f"新增 {ROWS} 条" in page.locator(".job-summary").inner_text()
    assert Project.objects.filter(code__startswith="WEB-").count() == ROWS
    assert not errors and not violations, errors + violations
    context.close()


@pytest.mark.skipif(not AXE.exists(), reason="axe-core is not installed (npm install --prefix var/axe axe-core@4)")
def test_axe_finds_nothing_critical_or_serious_on_the_import_job_pages(transactional_db, live_server, browser,
                                                                      tmp_path, monkeypatch):
    store = FileSystemStorage(location=str(tmp_path))
    for name in ("input_file", "result_file"):
        monkeypatch.setattr(Job._meta.get_field(name), "storage", store)
    SectorFactory(name="氢能")
    boss = SuperUserFactory(username="boss", password=PASSWORD)
    authenticator(boss)
    pages = []
    for label, amount in (("clean", "100"), ("bad", "一百万")):
        body = "\ufeff" + HEADER + "".join(f"AX-{label}-{n},无障碍{n},,氢能,在谈,,{amount}\n" for n in range(ROWS))
        job = job_start(kind=IMPORT_KIND, title=f"导入项目预览（{label}）", user=boss,
                        params={"resource": "projects", "commit": False, "filename": "项目.csv",
                                "model": "projects.project"},
                        input_file=ContentFile(body.encode()), input_name="项目.csv")
        pages.append(f"/admin/projects/project/import/job/{job.pk}/")
    queued = job_start(kind=IMPORT_KIND, title="排队中的导入", user=boss,
                       params={"resource": "projects", "commit": False, "filename": "项目.csv",
                               "model": "projects.project"},
                       input_file=ContentFile(b"x"), input_name="x.csv")
    run_worker()
    Job.objects.filter(pk=queued.pk).update(status=JobStatus.QUEUED, finished_at=None)  # as if still waiting
    pages.append(f"/admin/projects/project/import/job/{queued.pk}/")
    context, page, errors = logged_in(browser, live_server, 1280, bypass_csp=True)
    found = {}
    for path in pages:
        page.goto(live_server.url + path)
        bad = serious_violations(page)
        if bad:
            found[path] = bad
    assert found == {}
    assert errors == []
    context.close()
