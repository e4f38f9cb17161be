"""An officer's day at the desk, in a real headless Chromium against the live server (issue 15):
open the desk, log a visit with a next step (a task appears), attach a PDF to a milestone (an .exe
renamed .pdf is refused), an overdue 督办 item escalates by the schedule command, a returned record
raises a notification in the bell, and 20 projects are bulk-assigned to an officer (20 history entries).
Strict CSP stays on: a violation would show as a console error."""

import datetime
import io

import pytest
from django.core.management import call_command

from accounts.roles import Role
from desk import services
from desk.models import EvidenceDocument, SupervisionLevel, Task
from ledger.workflow import return_for_changes, submit_for_review
from projects.models import Project
from tests.browser.test_public_site import CHROMIUM, SCREENSHOTS
from tests.desk.conftest import EXE_BYTES, PDF_BYTES
from tests.factories import ProjectFactory, StaffUserFactory

PASSWORD = "correct horse battery staple 16"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed at /usr/bin/chromium"),
]


def shown(page, selector: str, text: str) -> bool:
    """Wait (the page may still be loading after a click) until ``selector`` shows ``text``."""
    page.locator(selector, has_text=text).first.wait_for(state="visible", timeout=15_000)
    return True


@pytest.fixture
def people(transactional_db):
    officer = StaffUserFactory(username="wang", first_name="伟", last_name="王", email="wang@example.com",
                               roles=[Role.OFFICER])
    officer.set_password(PASSWORD)
    officer.save()
    reviewer = StaffUserFactory(username="li", roles=[Role.REVIEWER])
    newcomer = StaffUserFactory(username="zhao", first_name="敏", last_name="赵", roles=[Role.OFFICER])
    return officer, reviewer, newcomer


def test_an_officers_day(people, live_server, browser, tmp_path):
    officer, reviewer, newcomer = people
    today = datetime.date.today()
    project = ProjectFactory(name="青山氢能装备项目", officer=officer, responsible_unit="区发改局")
    milestone = project.milestones.first()
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    console_errors: list[str] = []
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: console_errors.append(str(error)))

    # Sign in: the desk is on the admin index.
    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", "wang")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(live_server.url + "/admin/")
    assert page.locator("#qs-desk-heading").inner_text() == "我的工作台"
    assert page.locator(".qs-desk", has_text="青山氢能装备项目").count() == 1

    # Log a visit with a next step: a task appears on the desk.
    page.goto(f"{live_server.url}/admin/desk/interaction/add/?project={project.pk}")
    page.fill("#id_occurred_on", today.isoformat())
    page.select_option("#id_kind", "site_inspection")
    page.fill("#id_enterprise_participants", "企业总经理")
    page.fill("#id_summary", "踏勘拟选厂房，企业确认下月签约。")
    page.fill("#id_next_step", "报送用地方案")
    page.fill("#id_next_step_due", (today + datetime.timedelta(days=5)).isoformat())
    page.click("input[name=_save]")
    assert shown(page, ".messagelist", "已为您创建任务：报送用地方案")
    page.goto(live_server.url + "/admin/")
    assert shown(page, "#desk-tasks", "报送用地方案")
    assert Task.objects.get().assignee == officer

    # Attach evidence to the milestone: an .exe renamed .pdf is refused, a real PDF is kept.
    fake = tmp_path / "签约合同.pdf"
    fake.write_bytes(EXE_BYTES)
    real = tmp_path / "真合同.pdf"
    real.write_bytes(PDF_BYTES)
    page.goto(f"{live_server.url}/admin/desk/evidencedocument/add/?project={project.pk}&milestone={milestone.pk}")
    page.fill("#id_title", "签约合同")
    page.set_input_files("#id_upload", str(fake))
    page.click("input[name=_save]")
    assert shown(page, ".errorlist", "不支持此文件类型")
    assert not EvidenceDocument.objects.exists()
    page.set_input_files("#id_upload", str(real))
    page.click("input[name=_save]")
    page.wait_for_url(live_server.url + "/admin/desk/evidencedocument/")
    document = EvidenceDocument.objects.get()
    assert (document.milestone, document.content_type) == (milestone, "application/pdf")

    # An overdue 督办 item escalates when the schedule runs.
    item = services.supervision_create(project=project, obstacle="用地指标未落实", responsible_unit="区自然资源局",
                                       deadline=today - datetime.timedelta(days=3), user=officer)
    call_command("escalate_supervision", stdout=io.StringIO())
    item.refresh_from_db()
    assert item.level == SupervisionLevel.YELLOW
    page.goto(live_server.url + "/admin/")
    assert page.locator("#desk-items .qs-level-yellow").inner_text() == "黄色"

    # A returned record raises a notification: the bell counts it.
    draft = ProjectFactory(name="待补材料项目", officer=officer, is_published=False)
    submit_for_review(record=draft, user=officer)
    return_for_changes(record=draft, user=reviewer, reason="缺少投资协议")
    page.goto(live_server.url + "/admin/")
    bell = page.locator("#desk-bell .desk-bell-count")
    bell.wait_for(state="visible")
    assert int(bell.inner_text()) == 2  # the escalation and the return
    page.click("#desk-bell")
    assert shown(page, "#result_list", "缺少投资协议")
    page.goto(live_server.url + "/admin/")
    assert shown(page, "#desk-returned", "待补材料项目")

    # Bulk-assign 20 projects to a colleague: a confirmation page, then one history entry each.
    batch = [ProjectFactory(name=f"批量指派{n:02d}", is_published=False) for n in range(20)]  # drafts: live edits
    before = {p.pk: p.history.count() for p in batch}
    page.goto(live_server.url + "/admin/projects/project/?q=批量指派")
    page.check("#action-toggle")
    page.select_option("select[name=action]", "bulk_edit_projects")
    page.click("button[name=index]")
    assert shown(page, "#content", "将修改以下 20 个项目")
    page.select_option("#id_officer", str(newcomer.pk))
    page.click("input[type=submit].default")
    assert shown(page, ".messagelist", "已修改 20 个项目")
    for p in Project.objects.filter(pk__in=before):
        assert p.officer == newcomer
        assert p.history.count() == before[p.pk] + 1
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.goto(live_server.url + "/admin/")
    page.screenshot(path=str(SCREENSHOTS / "desk-1280.png"), full_page=True)
    assert not [e for e in console_errors if "Content Security Policy" in e or "Refused" in e], console_errors
    context.close()
