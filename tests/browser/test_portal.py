"""The investor's portal (issue #18) in a real headless Chromium at 390 and 1280 px: honest home
figures and readable charts, two-word search, English URLs with hreflang, the 招商地图 with the
seed's zones and institutes once staff entered their positions (one through the admin's map), and
the 投资意向 form whose submission reaches the admin and whose 6th submission in a minute is refused."""

import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.browser.signin import authenticator, current_code
from tests.browser.test_public_site import CHROMIUM, WIDTHS, open_page, shoot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed at /usr/bin/chromium"),
]

# Test positions (the seed invents none): a small grid near Qingshan, for the browser to draw.
TEST_POINTS = [(Decimal("30.640000") + Decimal(i) * Decimal("0.005"), Decimal("114.390000") + Decimal(i) * Decimal("0.007"))
               for i in range(12)]
PASSWORD = "correct-horse-battery-staple"


@pytest.fixture
def seeded(transactional_db):
    call_command("load_seed", verbosity=0)


@pytest.fixture
def mapped(seeded):
    """The seed, with test positions entered through the service for every zone and institute but
    one zone (楠姆片), which the browser places through the admin's map; and a superuser."""
    from projects.models import RenewalZone, ResearchInstitute
    from projects.services import record_save
    from tests.factories import UserFactory

    records = [*RenewalZone.objects.exclude(slug="nanmu").order_by("pk"), *ResearchInstitute.objects.order_by("pk")]
    for record, (lat, lng) in zip(records, TEST_POINTS, strict=False):
        record.latitude, record.longitude = lat, lng
        record_save(record=record)
    authenticator(UserFactory(username="boss", is_staff=True, is_superuser=True))  # passes the TOTP step
    return {"zones": RenewalZone.objects.count(), "institutes": ResearchInstitute.objects.count(),
            "names": [z.name for z in RenewalZone.objects.all()] + [i.name for i in ResearchInstitute.objects.all()]}


def log_in(page, base: str) -> None:
    page.goto(base + "/admin/login/")
    page.fill("#id_username", "boss")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(re.compile(r"/admin/two-factor/verify/"))
    page.fill("#id_token", current_code(TOTPDevice.objects.get(user__username="boss")))
    page.click("input[type=submit][value='验证']")
    page.wait_for_url(re.compile(r"/admin/$"))


@pytest.mark.parametrize("device", list(WIDTHS))
def test_home_figures_are_honest_and_charts_readable(seeded, live_server, browser, device):
    from playwright.sync_api import expect

    width = WIDTHS[device]
    context, page, problems = open_page(browser, width)
    page.goto(live_server.url + "/")
    amount = page.locator("#figures-heading + .figures .figure", has_text="签约总投资").locator(".figure-value")
    expect(amount).to_have_text("未公布")
    expect(page.locator("#figures-heading + .figures")).to_contain_text("个签约项目均未公布投资额")
    # Chart text is page text: at least 12 px, and no value reaches past its chart.
    sizes = page.eval_on_selector_all(".chart-label, .chart-value",
                                      "els => els.map(e => parseFloat(getComputedStyle(e).fontSize))")
    assert sizes and min(sizes) >= 12
    cut = page.evaluate("""() => [...document.querySelectorAll('.chart')].flatMap(chart => {
        const box = chart.getBoundingClientRect();
        return [...chart.querySelectorAll('.chart-value')].filter(v => v.getBoundingClientRect().right > box.right + 0.5)
          .map(v => v.textContent); })""")
    assert cut == []
    expect(page.locator("#chart-sector")).to_contain_text("未分类") if page.locator(
        "#chart-sector .chart-label", has_text="未分类").count() else None
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    shoot(page, f"portal-home-{device}")
    assert problems == []
    context.close()


@pytest.mark.parametrize("device", list(WIDTHS))
def test_two_word_search_and_english_urls(seeded, live_server, browser, device):
    from playwright.sync_api import expect

    width = WIDTHS[device]
    context, page, problems = open_page(browser, width)
    page.goto(live_server.url + "/projects/")
    page.get_by_label("关键词").fill("宝钢 硅钢")
    page.get_by_role("button", name="筛选").click()
    expect(page.locator(".project-card h3 a")).to_have_text(["宝钢国际硅钢供应链项目"])

    page.goto(live_server.url + "/en/projects/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Projects")
    hreflangs = page.eval_on_selector_all("link[rel=alternate][hreflang]",
                                          "links => links.map(l => [l.hreflang, new URL(l.href).pathname])")
    assert hreflangs == [["zh-Hans", "/projects/"], ["en", "/en/projects/"], ["x-default", "/projects/"]]
    page.get_by_label("Keyword").fill("silicon steel")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator(".project-card h3 a")).to_have_count(2)
    # The switch keeps the page: back to the Chinese list with the same search.
    page.get_by_role("button", name="中文").click()
    expect(page).to_have_url(re.compile(r"/projects/\?q=silicon\+steel"))
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert problems == []
    context.close()


@pytest.mark.parametrize("device", list(WIDTHS))
def test_the_map_shows_the_seeds_zones_and_institutes_once_placed(mapped, live_server, browser, device):
    from playwright.sync_api import expect

    width = WIDTHS[device]
    context, page, problems = open_page(browser, width)
    # Staff place the last zone by clicking the admin's map.
    log_in(page, live_server.url)
    page.goto(live_server.url + "/admin/projects/renewalzone/")
    page.get_by_role("link", name="楠姆片", exact=True).click()
    editor = page.locator(".map-editor")
    expect(editor).to_have_attribute("data-ready", "true")
    editor.locator(".map-editor-map").click(position={"x": 120, "y": 150})
    assert page.input_value("#id_latitude") and page.input_value("#id_longitude")
    editor.get_by_role("button", name="绘制轮廓").click()
    for x, y in ((60, 60), (200, 60), (200, 200)):
        editor.locator(".map-editor-map").click(position={"x": x, "y": y})
    assert page.input_value("#id_outline").count("[") == 4  # three corners
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist")).to_contain_text("楠姆片")
    page.context.clear_cookies()

    page.goto(live_server.url + "/map/")
    expect(page.locator("#portal-map")).to_have_attribute("data-drawn", str(mapped["zones"] + mapped["institutes"]))
    expect(page.get_by_role("heading", name=re.compile("地图上的"))).to_contain_text(
        str(mapped["zones"] + mapped["institutes"]))
    for name in mapped["names"]:
        expect(page.locator(".map-list").get_by_role("link", name=name, exact=True)).to_be_visible()
    # Every place is drawn: a circle per point and the outline of 楠姆片.
    assert page.locator("#portal-map path.map-point").count() == mapped["zones"] + mapped["institutes"]
    assert page.locator("#portal-map path.map-outline").count() == 1
    page.locator(".map-filters").get_by_label("研究院与中试基地").check()
    page.locator(".map-filters").get_by_role("button", name="筛选").click()
    expect(page.locator("#portal-map")).to_have_attribute("data-drawn", str(mapped["institutes"]))
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    shoot(page, f"portal-map-{device}")
    assert problems == []
    context.close()


def test_an_interest_reaches_the_admin_and_the_sixth_in_a_minute_is_refused(mapped, live_server, browser):
    from playwright.sync_api import expect

    context, page, problems = open_page(browser, WIDTHS["phone"])
    page.goto(live_server.url + "/projects/baosteel-international-silicon-steel/")
    page.get_by_role("link", name="表达投资意向").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("投资意向")
    expect(page.locator(".lead")).to_contain_text("宝钢国际硅钢供应链项目")
    form_url = page.url
    # An empty submission: every problem named in Chinese, nothing saved.
    page.get_by_role("button", name="提交投资意向").click()
    expect(page.get_by_role("alert")).to_contain_text("请填写单位名称。")
    shoot(page, "portal-interest-errors-phone")
    for attempt in range(5):  # the empty one counted too: five more make six
        page.get_by_label("单位名称").fill(f"浏览器测试公司{attempt}")
        page.get_by_label("联系人").fill("测试联系人")
        page.get_by_label("电子邮箱").fill("tester@example.com")
        page.get_by_label("感兴趣的内容").fill("希望了解硅钢供应链配套用地。")
        page.get_by_label("我同意青山区招商局通过以上联系方式与我联系。").check()
        page.get_by_role("button", name="提交投资意向").click()
        if attempt < 4:
            expect(page.get_by_role("heading", level=1)).to_have_text("已收到您的投资意向")
            expect(page.locator("main")).to_contain_text("接下来会怎样")
            page.goto(form_url)
    expect(page.get_by_role("alert")).to_contain_text("提交过于频繁")
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTHS["phone"]

    log_in(page, live_server.url)
    page.goto(live_server.url + "/admin/projects/investmentinterest/")
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(4)
    expect(rows.first).to_contain_text("宝钢国际硅钢供应链项目")
    # Chromium logs the refused submissions' statuses; nothing else went wrong.
    assert [p for p in problems if "status of 400" not in p and "status of 429" not in p] == []
    context.close()
