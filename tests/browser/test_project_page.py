"""An officer's day on the project's page (项目工作页), in a real headless Chromium against the live
server, at 1280 px and on a phone (390 px): a returned revision's notice is there, logging a visit
and attaching a file keep the officer on the page and the timeline shows them at once, nothing
overflows the phone's width, strict CSP stays on (no console error), and axe-core finds nothing
critical or serious on the page (with every quick-action form open)."""

import datetime

import pytest

from accounts.roles import Role
from desk.models import EvidenceDocument, Interaction
from ledger import workflow
from ledger.models import Revision, RevisionStatus
from projects.models import Project
from projects.services import project_save
from tests.browser.test_admin_screen import AXE, serious_violations
from tests.browser.test_officer_day import PASSWORD, shown
from tests.browser.test_public_site import CHROMIUM, SCREENSHOTS
from tests.desk.conftest import PDF_BYTES
from tests.factories import ProjectFactory, StaffUserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed at /usr/bin/chromium"),
    pytest.mark.skipif(not AXE.exists(), reason="axe-core is not installed (npm install --prefix var/axe axe-core@4)"),
]


@pytest.fixture
def returned_project(transactional_db):
    officer = StaffUserFactory(username="wang", first_name="伟", last_name="王", roles=[Role.OFFICER])
    officer.set_password(PASSWORD)
    officer.save()
    reviewer = StaffUserFactory(username="li", first_name="娜", last_name="李", roles=[Role.REVIEWER])
    project = ProjectFactory(name="青山氢能装备项目", officer=officer, responsible_unit="区发改局")
    record = Project.objects.get(pk=project.pk)
    record.summary = "投资额调整为 8 亿元"
    project_save(project=record, user=officer, expected_version=record.version)
    revision = Revision.objects.get(status=RevisionStatus.PENDING)
    workflow.revision_return(revision=revision, user=reviewer, reason="投资额调整缺少董事会决议")
    return project


def sign_in(page, live_server) -> None:
    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", "wang")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(live_server.url + "/admin/")


@pytest.mark.parametrize("width", [1280, 390])
def test_an_officers_day_on_the_project_page(returned_project, live_server, browser, tmp_path, width):
    project = returned_project
    url = f"{live_server.url}/admin/desk/supervisionitem/project/{project.pk}/"
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
    page = context.new_page()
    console_errors: list[str] = []
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: console_errors.append(str(error)))
    sign_in(page, live_server)

    # From the project's change page to its own page.
    page.goto(f"{live_server.url}/admin/projects/project/{project.pk}/change/")
    page.click("#project-page-link")
    page.wait_for_url(url)
    assert shown(page, "#returned-notice", "投资额调整缺少董事会决议")
    assert shown(page, "#timeline", "修订被退回")

    # Log a visit from the site: the page comes back with the visit on top of the timeline.
    page.click("#action-visit summary")
    page.fill("#id_visit-summary", "现场查看厂房进度，企业希望下周签约")
    page.fill("#id_visit-next_step", "送达补充材料清单")
    page.click("#action-visit button[type=submit]")
    page.wait_for_url(url + "#timeline")
    assert shown(page, ".messagelist", "已登记走访")
    # Newest first: the visit, and the task its next step became, head the timeline.
    newest = page.locator("#timeline li").all_inner_texts()[:2]
    assert any("现场查看厂房进度" in text for text in newest) and any("送达补充材料清单" in text for text in newest)
    assert Interaction.objects.get().occurred_on == datetime.date.today()

    # Attach a file: it is on the timeline with its kind and size as people say them.
    document = tmp_path / "补充协议.pdf"
    document.write_bytes(PDF_BYTES)
    page.click("#action-evidence summary")
    page.fill("#id_evidence-title", "补充协议")
    page.set_input_files("#id_evidence-upload", str(document))
    page.click("#action-evidence button[type=submit]")
    page.wait_for_url(url + "#timeline")
    assert shown(page, "#timeline", "补充协议")
    assert shown(page, "#timeline", "PDF 文档")
    assert EvidenceDocument.objects.get().project == project

    # The phone's width: nothing sticks out sideways.
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{overflow} px wider than the screen"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"project-page-{width}.png"), full_page=True)
    assert console_errors == []
    context.close()

    # axe-core (injected in a context that lets it past the CSP), with every form open.
    checker = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN", bypass_csp=True)
    page = checker.new_page()
    sign_in(page, live_server)
    page.goto(url)
    page.evaluate("document.querySelectorAll('details').forEach(function (d) { d.open = true; })")
    assert serious_violations(page) == []
    checker.close()
