"""
The public site in a real headless Chromium (Debian's, driven by Playwright): a visitor opens the
home page, filters the project list, opens a project and switches to English, on a phone and on a
desktop. Screenshots go to var/screenshots/ (git-ignored) for a human to look at.

Skipped only where /usr/bin/chromium does not exist (CI installs it).
"""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
WIDTHS = {"phone": 390, "desktop": 1280}

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed at /usr/bin/chromium"),
]


@pytest.fixture
def seeded(transactional_db):
    """The report's facts. Request it before ``browser``: ORM work done while Playwright's loop runs
    left a database session open past the test run on PostgreSQL."""
    call_command("load_seed", verbosity=0)


def open_page(browser, width: int):
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    page.on("pageerror", lambda error: problems.append(str(error)))
    # A request the browser itself cancels because the page navigated on (the favicon of a page the
    # test leaves at once) is not a failure of the site; anything else is.
    page.on("requestfailed", lambda request: None if request.failure == "net::ERR_ABORTED" else
            problems.append(f"failed: {request.url} ({request.failure})"))
    page.on("request", lambda request: None if request.url.startswith(("http://localhost", "data:")) else
            problems.append(f"left the site: {request.url}"))
    return context, page, problems


def shoot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("device", list(WIDTHS))
def test_visitor_browses_filters_opens_a_project_and_switches_to_english(seeded, live_server, browser, device):
    from playwright.sync_api import expect

    width = WIDTHS[device]
    context, page, problems = open_page(browser, width)

    # Home: the headline figures and the two charts (HTML rows with SVG bars).
    page.goto(live_server.url + "/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    expect(page.get_by_role("heading", name="核心指标")).to_be_visible()
    expect(page.locator("figure.chart")).to_have_count(2)
    assert page.locator("section[aria-labelledby=figures-heading] .figure").count() == 5
    # The summary for a chosen year and sector: five figures, each a link to its projects (资金到位率 is
    # staff-only: the funds ledger is never public).
    assert page.locator(".year-summary .figure a").count() == 5
    # Nothing is wider than the screen (no horizontal scrolling on a phone).
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    shoot(page, f"home-{device}")

    # The project list, filtered by stage through the form; the filter stays in the URL.
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="招商项目").click()
    expect(page.get_by_role("heading", name="招商项目", exact=True)).to_be_visible()
    total = int(re.search(r"\d+", page.locator(".result-count").inner_text()).group())
    page.get_by_text("更多筛选条件").click()
    page.get_by_label("已签约", exact=True).check()
    page.get_by_role("button", name="筛选").click()
    expect(page).to_have_url(re.compile(r"stage=signed"))
    filtered = int(re.search(r"\d+", page.locator(".result-count").inner_text()).group())
    assert 0 < filtered < total
    expect(page.locator(".project-card .stage").first).to_have_text("已签约")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    shoot(page, f"list-{device}")

    # A keyword that matches nothing gives the empty state, not an error.
    page.get_by_label("关键词").fill("没有这样的项目")
    page.get_by_role("button", name="筛选").click()
    expect(page.get_by_role("heading", name="没有符合条件的项目")).to_be_visible()

    # Open a project from the list.
    page.get_by_role("link", name="清除全部条件").click()
    first = page.locator(".project-card h3 a").first
    name = first.inner_text()
    first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(name)
    expect(page.get_by_role("heading", name="项目进度")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    shoot(page, f"detail-{device}")

    # Switch to English: the same project, in English.
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", name="Progress")).to_be_visible()
    shoot(page, f"detail-{device}-en")
    page.goto(live_server.url + "/")
    expect(page.get_by_role("heading", name="Headline figures")).to_be_visible()
    shoot(page, f"home-{device}-en")

    # Under the site's Content-Security-Policy nothing was blocked, nothing failed, nothing left the site.
    assert problems == []
    context.close()


def test_keyboard_focus_is_visible(live_server, browser):
    context, page, _problems = open_page(browser, WIDTHS["desktop"])
    page.goto(live_server.url + "/projects/")
    page.keyboard.press("Tab")  # the skip link comes first
    assert page.evaluate("document.activeElement.textContent").strip() == "跳到正文"
    page.keyboard.press("Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("", "none")
    context.close()


def test_an_ambassadors_leads_read_as_cards_on_a_phone(seeded, live_server, browser):
    """On a 390px phone the leads table becomes one card per lead, each cell with its label: nothing scrolls sideways."""
    from ambassadors.models import Ambassador

    url = live_server.url + Ambassador.objects.get(slug="lian-houfang").get_absolute_url()
    context, page, problems = open_page(browser, WIDTHS["phone"])
    page.goto(url)
    table = page.locator("table.stack").first
    assert table.locator("tbody tr").count() >= 2
    wrap = page.locator(".table-wrap").first
    assert wrap.evaluate("element => element.scrollWidth <= element.clientWidth")
    label = table.locator("td").first.evaluate("cell => getComputedStyle(cell, '::before').content")
    assert label == '"产业领域"'
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTHS["phone"]
    shoot(page, "ambassador-phone")
    assert problems == []
    context.close()
