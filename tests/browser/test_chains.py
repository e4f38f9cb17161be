"""The chain pages in a real headless Chromium at 390 and 1280 px: axe-core finds no violation at all,
nothing is wider than the screen, the diagram runs 上游 → 中游 → 下游 (stacked on a phone, side by side
on a desktop), a missing link reads 缺失环节, and a link opens its records. Screenshots go to
var/screenshots/. axe-core as in test_admin_screen (``var/axe`` or AXE_CORE_JS); the CSP is bypassed
for the injected script only."""

import pytest
from django.core.management import call_command

from tests.browser.test_admin_screen import AXE
from tests.browser.test_public_site import CHROMIUM, WIDTHS, open_page, shoot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed at /usr/bin/chromium"),
    pytest.mark.skipif(not AXE.exists(), reason=f"axe-core not found at {AXE} (npm install --prefix var/axe axe-core@4)"),
]

PAGES = {"list": "/chains/", "steel": "/chains/steel-chain/", "steel-en": "/en/chains/steel-chain/"}


@pytest.fixture
def seeded(transactional_db):
    call_command("load_seed", verbosity=0)


def violations(page) -> list[tuple[str, str, list]]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [(v["id"], v["impact"], [node["target"] for node in v["nodes"][:3]]) for v in result["violations"]]


@pytest.mark.parametrize("device", list(WIDTHS))
def test_chain_pages_pass_axe_and_fit_the_screen(seeded, live_server, browser, device):
    width = WIDTHS[device]
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN", bypass_csp=True)
    page = context.new_page()
    for name, path in PAGES.items():
        page.goto(live_server.url + path)
        assert page.evaluate("document.documentElement.scrollWidth") <= width, path
        assert violations(page) == [], path
        shoot(page, f"chains-{name}-{device}")
    context.close()


@pytest.mark.parametrize("device", list(WIDTHS))
def test_the_diagram_reads_in_order_and_a_link_opens_its_records(seeded, live_server, browser, device):
    from playwright.sync_api import expect

    width = WIDTHS[device]
    context, page, problems = open_page(browser, width)
    page.goto(live_server.url + "/chains/steel-chain/")
    segments = page.locator(".chain-diagram > .chain-segment")
    expect(segments.locator(".chain-segment-title")).to_have_text(["中游", "下游"])
    first, second = (segments.nth(i).bounding_box() for i in range(2))
    if device == "phone":
        assert second["y"] > first["y"] + first["height"] - 1  # stacked: 中游 above 下游
    else:
        assert second["x"] > first["x"] + first["width"] - 1  # side by side: 中游 left of 下游
    missing = page.locator(".chain-node.is-missing")
    expect(missing).to_have_count(1)
    expect(missing).to_contain_text("电机装备")
    expect(missing).to_contain_text("缺失环节")

    page.locator(".chain-node", has_text="硅钢供应链").click()
    target = page.locator("#node-steel-chain-silicon-steel")
    expect(target).to_be_in_viewport()
    target.get_by_role("link", name="宝钢国际硅钢供应链项目").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("宝钢国际硅钢供应链项目")
    assert problems == []
    context.close()
