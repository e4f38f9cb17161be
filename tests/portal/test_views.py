"""The public pages: what a visitor sees, in Chinese and English, published records only."""

import datetime
import json
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from projects import selectors
from projects.stages import Stage
from tests.factories import ProjectFactory, SectorFactory, SigningEventFactory
from tests.site_world import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


def text(response) -> str:
    return response.content.decode()


def test_home_shows_headline_figures_linked_to_their_lists(client, world):
    response = client.get("/")
    assert response.status_code == 200
    page = text(response)
    # Two signed projects, 30 亿元 signed (one amount unpublished), one of two started: 50.0%.
    assert "30" in page and "50.0%" in page
    assert "/projects/?reached=started&amp;counted=true" in page
    assert "/projects/?same_year=true" in page
    assert "<svg" in page and "测试新材料" in page  # the sector chart rolls the sub-sector up
    assert "测试招商引资大会" in page  # latest conference
    assert "测试碳纤维生产基地项目" in page  # newest projects


def test_home_empty_state(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "暂无已发布的项目" in text(response)


def test_project_list_filters_by_sector_including_sub_sectors(client, world):
    page = text(client.get("/projects/", {"sector": world.parent_sector.slug}))
    assert "测试碳纤维生产基地项目" in page
    assert "测试数据标注总部项目" not in page


@pytest.mark.parametrize(
    ("params", "expected", "absent"),
    [
        ({"stage": Stage.STARTED}, "测试碳纤维生产基地项目", "测试数据标注总部项目"),
        ({"year": "2026"}, "测试数据标注总部项目", "测试碳纤维生产基地项目"),
        ({"headquarters": "true"}, "测试数据标注总部项目", "测试碳纤维生产基地项目"),
        ({"honour": "fortune-global-500"}, "测试碳纤维生产基地项目", "测试数据标注总部项目"),
        ({"investment_min": "200000"}, "测试碳纤维生产基地项目", "测试数据标注总部项目"),
        ({"zone": "test-park"}, "测试碳纤维生产基地项目", "测试数据标注总部项目"),
        ({"q": "华中地区"}, "测试碳纤维生产基地项目", "测试数据标注总部项目"),  # Chinese substring of the summary
        ({"q": "海亮"}, "测试碳纤维生产基地项目", "测试数据标注总部项目"),  # investor name
        ({"same_year": "true"}, "测试碳纤维生产基地项目", "测试数据标注总部项目"),
    ],
)
def test_project_list_filters(client, world, params, expected, absent):
    response = client.get("/projects/", params)
    assert response.status_code == 200
    page = text(response)
    assert expected in page
    assert absent not in page


def test_project_list_keeps_filter_state_in_the_form(client, world):
    page = text(client.get("/projects/", {"q": "测试", "sector": "test-digital", "stage": "signed"}))
    assert 'value="测试"' in page
    assert 'value="test-digital" selected' in page
    assert 'value="signed" checked' in page


def test_project_list_sorts_by_investment(client, world):
    ProjectFactory(name="测试大额项目", total_investment=Decimal("900000"))
    page = text(client.get("/projects/", {"ordering": "-total_investment"}))
    assert page.index("测试大额项目") < page.index("测试碳纤维生产基地项目")


def test_project_list_empty_state(client, world):
    response = client.get("/projects/", {"q": "没有这个项目"})
    assert response.status_code == 200
    assert "没有符合条件的项目" in text(response)
    assert "清除全部条件" in text(response)


def test_project_list_paginates(client):
    sector = SectorFactory()
    for _ in range(25):
        ProjectFactory(sector=sector)
    first = text(client.get("/projects/"))
    assert "第 1 页，共 2 页" in first
    assert client.get("/projects/", {"page": 2}).status_code == 200


def test_project_detail_shows_facts_and_timeline_no_more_precise_than_the_source(client, world):
    response = client.get(world.started.get_absolute_url())
    assert response.status_code == 200
    page = text(response)
    assert "测试海亮集团" in page and "测试世界500强" in page
    assert "测试招商引资大会" in page and "测试新材料产业园" in page and "测试高分子研究院" in page
    assert "30 亿元" in page
    assert "2025年3月" in page  # signed: month precision
    assert "2025年6月" not in page and "2025年" in page  # started: year precision only
    assert "尚未到达" in page  # in production not yet


def test_unknown_project_is_a_friendly_404(client, world):
    response = client.get("/projects/no-such-project/")
    assert response.status_code == 404
    assert "没有找到这个页面" in text(response)


def test_english_names_with_chinese_fallback(client, world):
    client.cookies["django_language"] = "en"
    page = text(client.get(world.started.get_absolute_url(), follow=True))  # to /en/projects/…
    assert "Test carbon-fibre base" in page
    assert "Test Hailiang Group" in page
    assert "Mar 2025" in page
    assert "CNY 3 billion" in page
    # No English name entered: the Chinese one is shown.
    assert "测试高分子研究院" in page


def test_language_switcher_sets_english(client, world):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/projects/?q=x"})
    assert (response.status_code, response["Location"]) == (302, "/en/projects/?q=x")  # the same page, in English
    page = text(client.get(response["Location"]))
    assert '<html lang="en">' in page


def test_event_pages_show_announced_and_recorded_figures(client, world):
    page = text(client.get("/events/"))
    assert "测试招商引资大会" in page
    page = text(client.get(world.event.get_absolute_url()))
    assert "16 个" in page and "176.6 亿元" in page  # announced
    assert "2 个" in page and "30 亿元" in page  # recorded (published projects)
    assert "测试数据标注总部项目" in page


def test_institute_and_zone_pages_list_what_is_located_there(client, world):
    page = text(client.get(world.institute.get_absolute_url()))
    assert "2026年" in page and "2026年1月" not in page
    assert "测试碳纤维生产基地项目" in page and "测试新材料产业园" in page
    page = text(client.get(world.zone.get_absolute_url()))
    assert "测试高分子研究院" in page and "测试碳纤维生产基地项目" in page
    assert "测试新材料产业园" in text(client.get("/zones/"))
    assert "测试高分子研究院" in text(client.get("/institutes/"))


def test_sitemap_robots_and_feed(client, world):
    sitemap = text(client.get("/sitemap.xml"))
    assert world.started.get_absolute_url() in sitemap and world.ambassador.get_absolute_url() in sitemap
    robots = client.get("/robots.txt")
    assert robots["Content-Type"].startswith("text/plain")
    assert "Sitemap: http://testserver/sitemap.xml" in text(robots)
    feed = client.get(reverse("projects:project_feed"))
    assert feed["Content-Type"].startswith("application/atom+xml")
    assert "测试碳纤维生产基地项目" in text(feed)


def test_signed_in_same_year_excludes_other_years(client, world):
    ProjectFactory(name="测试跨年开工项目", stage=Stage.STARTED, signed_on=datetime.date(2024, 5, 1),
                   started_on=datetime.date(2025, 1, 1))
    page = text(client.get("/projects/", {"same_year": "true"}))
    assert "测试跨年开工项目" not in page


def test_interface_is_translated_to_english_from_committed_messages(client, world):
    client.cookies["django_language"] = "en"
    home = client.get("/", follow=True).content.decode()
    assert "Headline figures" in home and "Start rate (started / signed)" in home
    assert "核心指标" not in home
    page = client.get("/en/projects/", {"stage": "bogus"}).content.decode()
    assert "Some filters were not valid and have been ignored" in page
    assert "Negotiating" in page  # stage choices from the model, translated


def test_chinese_is_the_default_language(client, world):
    page = client.get("/").content.decode()
    assert '<html lang="zh-Hans">' in page and "核心指标" in page


PAGES = ["/", "/projects/", "/projects/test-carbon-base/", "/events/", "/events/test-conference/", "/institutes/",
         "/institutes/test-polymer-institute/", "/zones/", "/zones/test-park/", "/ambassadors/",
         "/ambassadors/test-ambassador-a/", "/projects/?stage=bogus", "/projects/no-such/"]


@pytest.mark.parametrize("url", PAGES)
def test_pages_need_no_inline_script_or_style(client, world, url):
    """A Content-Security-Policy without 'unsafe-inline' must not break any page."""
    page = text(client.get(url))
    # The one script element a page may carry is a JSON-LD data block, which no browser runs (portal.metadata).
    for block in re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S):
        json.loads(block)
    page = re.sub(r'<script type="application/ld\+json">.*?</script>', "", page, flags=re.S)
    assert "<script" not in page
    assert " style=" not in page and "<style" not in page
    assert not re.search(r"\son[a-z]+=", page)
    # Nothing loaded from elsewhere (hreflang alternates name this site's own pages, absolute as search engines ask).
    page = re.sub(r'<link rel="alternate" hreflang="[^"]+" href="http://testserver/[^"]*">', "", page)
    page = re.sub(r'<(?:link rel="canonical" href|meta property="og:url" content)="http://testserver/[^"]*">', "", page)
    assert "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")


@pytest.mark.parametrize("url", PAGES[:11])
def test_every_form_control_has_a_label(client, world, url):
    page = text(client.get(url))
    for control_id in re.findall(r'<(?:input|select|textarea)[^>]*\sid="([^"]+)"', page):
        assert f'for="{control_id}"' in page, control_id
    unlabelled = re.findall(r'<(?:input|select)(?![^>]*type="(?:hidden|checkbox)")(?![^>]*\sid=)[^>]*>', page)
    assert unlabelled == []


def test_server_error_page_is_friendly_and_standalone(rf):
    from portal.views import server_error

    response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert "服务器出了点问题" in response.content.decode() and "Sorry" in response.content.decode()


def test_a_failing_view_gets_the_friendly_500_page(client, world, monkeypatch, settings):
    from projects import selectors

    def broken():
        raise RuntimeError("boom")

    monkeypatch.setattr(selectors, "latest_event", broken)
    client.raise_request_exception = False
    response = client.get("/")
    assert response.status_code == 500
    assert "服务器出了点问题" in response.content.decode()


def test_the_conference_menu_lists_the_recent_ones_and_keeps_an_older_one_chosen(client, monkeypatch):
    """A ledger holds thousands of signing conferences: the menu lists the most recent, an older one is
    chosen from the conferences' page and stays selected in the menu while it filters the list."""
    monkeypatch.setattr(selectors, "EVENT_MENU_SIZE", 2)
    old = SigningEventFactory(slug="old-conference", name="早年签约会", held_on=datetime.date(2019, 5, 1))
    for day in (1, 2):
        SigningEventFactory(slug=f"recent-{day}", name=f"近期签约会{day}", held_on=datetime.date(2026, 3, day))
    ProjectFactory(signing_event=old, name="早年签约的项目")
    menu = re.search(r'<select id="f-event".*?</select>', client.get(reverse("projects:project_list")).content.decode(),
                     re.S).group(0)
    assert "recent-1" in menu and "recent-2" in menu and "old-conference" not in menu
    body = client.get(reverse("projects:project_list"), {"event": "old-conference"}).content.decode()
    menu = re.search(r'<select id="f-event".*?</select>', body, re.S).group(0)
    assert '<option value="old-conference" selected>早年签约会</option>' in menu
    assert "早年签约的项目" in body
