"""Honest figures (issue #18): an amount nobody published reads 未公布, never 0; one definition of
each count (累计签约 = the funnel's 已签约 = the sector chart's bars added up, 未分类 included); the
same rules in the admin dashboard and the ambassador results."""

import re
from decimal import Decimal
from html import unescape

import pytest
from django.core.management import call_command
from django.urls import reverse

from figures import public, yardsticks
from projects.stages import Stage
from tests.factories import ProjectFactory, SectorFactory

pytestmark = pytest.mark.django_db

HOME = reverse("projects:home")


def figure(html: str, label: str) -> str:
    match = re.search(r'<span class="figure-value">([^<]*)</span>\s*<span class="figure-label">' + re.escape(label), html)
    assert match, label
    return match.group(1).strip()


def listed(client, url: str) -> int:
    page = unescape(client.get(url).content.decode())
    return int(re.search(r"共 (\d+) 个项目", page).group(1))


@pytest.fixture
def seeded(db):
    call_command("load_seed", verbosity=0)


def test_seed_home_says_not_published_instead_of_zero(client, seeded):
    page = unescape(client.get(HOME).content.decode())
    figures = public.home_summary().figures
    assert figures.signed_investment_wan is None  # the report gives no single project's amount
    assert figure(page, "签约总投资（亿元）") == "未公布"
    assert f"{figures.signed_without_amount} 个签约项目均未公布投资额" in page
    assert '<span class="figure-value">0</span>\n        <span class="figure-label">签约总投资' not in page


def test_one_definition_of_signed_counts_across_the_home_page(client, seeded):
    summary = public.home_summary()
    funnel = {step.stage: step.count for step in summary.funnel}
    chart_total = sum(item.project_count for item in summary.by_sector)
    assert summary.figures.signed_total == funnel[Stage.SIGNED] == chart_total
    page = unescape(client.get(HOME).content.decode())
    # The headline count and its link agree, and the chart's bars link to lists that add up to it.
    link = re.search(r'<a href="([^"]+)">\s*<span class="figure-value">\d+</span>\s*<span class="figure-label">累计签约项目',
                     page).group(1)
    assert listed(client, link) == summary.figures.signed_total
    chart = page[page.index('id="chart-sector"'):page.index("</figure>", page.index('id="chart-sector"'))]
    assert sum(listed(client, url) for url in re.findall(r'class="chart-link" href="([^"]+)"', chart)) == chart_total
    assert "曾达到各阶段" in page  # the funnel says what it counts, not "in talks now"


def test_a_signed_project_without_a_sector_is_an_unclassified_bar(client):
    sector = SectorFactory(name="测试钢铁")
    ProjectFactory(name="有领域项目", sector=sector, total_investment=Decimal("10000"))
    ProjectFactory(name="无领域项目", sector=None, total_investment=None)
    bars = {item.sector.name if item.sector else None: item for item in public.investment_by_top_sector()}
    assert bars[None].project_count == 1 and bars[None].investment_wan is None
    page = unescape(client.get(HOME).content.decode())
    assert "未分类" in page
    unclassified = re.search(r'class="chart-link" href="([^"]+)"><span class="chart-label">未分类', page).group(1)
    assert "no_sector=true" in unclassified
    assert listed(client, unclassified) == 1
    # The bar's value says 未公布 rather than a zero amount.
    assert re.search(r'<span class="chart-label">未分类</span> <span class="chart-value">未公布 · 1 个项目', page)


def test_partly_published_amounts_say_how_many_are_missing(client):
    ProjectFactory(name="甲项目", total_investment=Decimal("30000"))
    ProjectFactory(name="乙项目", total_investment=None)
    figures = yardsticks.headline_figures()
    assert (figures.signed_investment_wan, figures.signed_without_amount) == (Decimal("30000"), 1)
    page = unescape(client.get(HOME).content.decode())
    assert figure(page, "签约总投资（亿元）") == "3"
    assert "另有 1 个项目未公布投资额，未计入" in page


def test_charts_keep_links_outside_any_image_role(client, seeded):
    page = client.get(HOME).content.decode()
    assert 'role="img"' not in page
    # Each bar is an aria-hidden picture; the label and value are text inside one ordinary link.
    assert page.count('class="chart-track"') == page.count('aria-hidden="true" focusable="false"')
    assert re.search(r'<a class="chart-link" href="[^"]+"><span class="chart-label">[^<]+</span>', page)


def test_admin_dashboard_says_not_published(admin_client, seeded):
    page = unescape(admin_client.get(reverse("admin:index"), {"year": "2026"}).content.decode())
    assert "签约额" in page
    assert "0 万元" not in page
    assert "均未公布投资额" in page


def test_ambassador_results_say_not_published(admin_client, client, seeded):
    staff = unescape(admin_client.get(reverse("admin:ambassadors_ambassador_results")).content.decode())
    assert "0 万元" not in staff and "未公布" in staff
    public = unescape(client.get(reverse("ambassadors:ambassador_list")).content.decode())
    assert "0 万元" not in public
