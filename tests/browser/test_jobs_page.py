"""The 任务 page in a real headless Chromium under the site's strict CSP: the static script polls the
status JSON and moves the <progress> bar, then shows the download link when the job is done."""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.utils import timezone
from playwright.sync_api import expect

from jobs.exports import EXPORT_KIND
from jobs.models import Job, JobStatus
from jobs.services import job_start
from tests.browser.test_admin_screen import PASSWORD, logged_in
from tests.browser.signin import authenticator
from tests.browser.test_public_site import CHROMIUM
from tests.factories import SuperUserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed at /usr/bin/chromium"),
]


def test_the_progress_bar_follows_the_job_and_the_download_appears(transactional_db, live_server, browser,
                                                                   tmp_path, monkeypatch):
    store = FileSystemStorage(location=str(tmp_path))
    monkeypatch.setattr(Job._meta.get_field("result_file"), "storage", store)
    boss = SuperUserFactory(username="boss", password=PASSWORD)
    authenticator(boss)  # a superuser signs in with a second factor
    job = job_start(kind=EXPORT_KIND, title="导出 projects（CSV）", user=boss,
                    params={"path": "/api/v1/projects/", "query": "format=csv", "host": "testserver"})
    context, page, errors = logged_in(browser, live_server, 1280)
    violations: list[str] = []
    page.on("console", lambda message: violations.append(message.text)
            if "Content Security Policy" in message.text else None)
    page.goto(live_server.url + "/admin/jobs/job/")
    bar = page.locator(".job-progress").first
    assert bar.get_attribute("value") == "0" and page.locator(".job-status").first.inner_text() == "排队中"

    # As a worker reports it (the heartbeat thread writes these columns).
    Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, progress=40, message="已写 400 / 1,000 行",
                                         heartbeat_at=timezone.now())
    expect(page.locator(".job-percent").first).to_have_text("40%", timeout=10_000)
    assert bar.get_attribute("value") == "40"  # <progress>'s value reflects its attribute
    assert page.locator(".job-message").first.inner_text() == "已写 400 / 1,000 行"
    assert not page.locator(".job-download").first.is_visible()

    job.result_file.save("qingshan-projects.csv", ContentFile(b"\xef\xbb\xbfurl\r\n"), save=False)
    Job.objects.filter(pk=job.pk).update(status=JobStatus.SUCCEEDED, progress=100, message="已完成",
                                         result_file=job.result_file.name, result_name="qingshan-projects.csv",
                                         expires_at=timezone.now() + datetime.timedelta(hours=1))
    expect(page.locator(".job-percent").first).to_have_text("100%", timeout=10_000)
    assert bar.get_attribute("value") == "100"
    assert page.locator(".job-status").first.inner_text() == "已完成"
    assert page.locator(".job-download").first.is_visible()
    assert page.locator(".job-cancel").count() == 0
    assert not errors and not violations, errors + violations
    context.close()
