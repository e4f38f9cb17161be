"""
The admin in a real headless Chromium: the project changelist fits the screen at 1280 px and on a
phone (390 px) with no horizontal overflow of the page, the filter drawer opens, and axe-core finds
no critical or serious violation on the admin's index, changelist, change, add, history and import
pages. Screenshots go to var/screenshots/ (git-ignored).

axe-core is the npm package (``npm install --prefix var/axe axe-core@4``, or AXE_CORE_JS=path of
axe.min.js); it is injected with Playwright in a context that bypasses our CSP for this check only.
"""

import datetime
import os
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django_otp.plugins.otp_totp.models import TOTPDevice

from desk.services import supervision_create, supervision_escalate
from projects.models import Project
from tests.browser.signin import authenticator, sign_in
from tests.browser.test_public_site import CHROMIUM, SCREENSHOTS
from tests.factories import StaffUserFactory, SuperUserFactory

AXE = Path(os.environ.get("AXE_CORE_JS") or Path(settings.BASE_DIR) / "var/axe/node_modules/axe-core/axe.min.js")


def serious_violations(page) -> list[tuple[str, list]]:
    """axe-core's critical and serious findings on the page as it stands: (rule, first three targets)."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("axe.run({resultTypes: ['violations']})")
    return [(v["id"], [node["target"] for node in v["nodes"][:3]]) for v in result["violations"]
            if v["impact"] in ("critical", "serious")]


PASSWORD = "correct horse battery staple 16"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed at /usr/bin/chromium"),
]


@pytest.fixture
def office(transactional_db):
    """The seed report's ledger, an officer on every project, and a superuser to log in with."""
    call_command("load_seed", verbosity=0)
    officer = StaffUserFactory(username="wang", first_name="王专员")
    Project.objects.update(officer=officer)
    authenticator(SuperUserFactory(username="boss", password=PASSWORD))  # a superuser passes the TOTP step
    return Project.objects.order_by("pk").first()


def logged_in(browser, live_server, width: int, *, bypass_csp: bool = False):
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN", bypass_csp=bypass_csp)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    sign_in(page, live_server, username="boss", password=PASSWORD,
            device=TOTPDevice.objects.get(user__username="boss"))
    return context, page, errors


@pytest.mark.parametrize("width", [1280, 390])
def test_the_project_changelist_fits_the_screen(office, live_server, browser, width):
    context, page, errors = logged_in(browser, live_server, width)
    page.goto(live_server.url + "/admin/projects/project/")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"admin-changelist-{width}.png"), full_page=True)
    page_width = page.evaluate("document.documentElement.scrollWidth")
    assert page_width <= width, f"the page scrolls sideways: {page_width} px in {width} px"
    table, room = page.evaluate(
        "(() => { const t = document.querySelector('#result_list'); return [t.scrollWidth, t.parentElement.clientWidth]; })()"
    )
    assert table <= room, f"the table is {table} px wide in {room} px: columns off-screen"
    # Every column an officer scans is on screen; a name is one line with its full text on hover.
    for header in ("项目名称", "项目阶段", "投资方", "总投资", "签约日期", "招商专员", "审核与发布"):
        if width >= 768:
            assert page.locator("#result_list thead th", has_text=header).first.is_visible(), header
    first_name = page.locator("#result_list .field-name_display .qs-truncate").first
    assert first_name.get_attribute("title")
    line = page.evaluate("parseFloat(getComputedStyle(document.querySelector('.qs-truncate')).lineHeight) || 20")
    assert first_name.bounding_box()["height"] <= 2.2 * line
    assert page.locator("#result_list .field-officer_display", has_text="王专员").first.is_visible()
    # The filters wait in a drawer; opened, they sit above the table, not beside it.
    drawer = page.locator(".qs-filter-drawer > summary")
    drawer.click()
    officer_filter = page.locator("#changelist-filter", has_text="招商专员")
    assert officer_filter.is_visible()
    assert officer_filter.bounding_box()["y"] < page.locator("#result_list").bounding_box()["y"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert errors == []
    context.close()


ADMIN_PAGES = ["/admin/", "/admin/projects/project/", "/admin/projects/project/{pk}/change/",
               "/admin/projects/project/add/", "/admin/projects/project/{pk}/history/",
               "/admin/projects/project/import/", "/admin/projects/enterprise/import/",
               "/admin/projects/project/export/",
               # The desk's staff pages: the project's own page, 督办 items (with the follow-up inline's
               # empty entry) and their history, visits, tasks, files, notices.
               "/admin/desk/supervisionitem/project/{pk}/", "/admin/desk/supervisionitem/",
               "/admin/desk/supervisionitem/add/", "/admin/desk/supervisionitem/{item}/change/",
               "/admin/desk/supervisionitem/{item}/history/", "/admin/desk/interaction/add/",
               "/admin/desk/task/add/", "/admin/desk/evidencedocument/add/?project={pk}",
               "/admin/desk/notification/", "/admin/desk/notification/preferences/"]


@pytest.mark.skipif(not AXE.exists(), reason="axe-core is not installed (npm install --prefix var/axe axe-core@4)")
def test_axe_finds_nothing_critical_or_serious_on_the_admin_pages(office, live_server, browser):
    item = supervision_create(project=office, obstacle="用地指标未落实", responsible_unit="区自然资源局",
                              deadline=datetime.date.today() - datetime.timedelta(days=3), user=None)
    supervision_escalate(item=item)
    context, page, errors = logged_in(browser, live_server, 1280, bypass_csp=True)
    found = {}
    for path in ADMIN_PAGES:
        page.goto(live_server.url + path.format(pk=office.pk, item=item.pk))
        page.wait_for_load_state("networkidle")
        bad = serious_violations(page)
        if bad:
            found[path] = bad
    assert found == {}
    assert errors == []
    context.close()
