"""The home page's summary: computed once per change of the public data, never stale, never counting
drafts; and the public summary for a chosen year and sector (issue #6), each figure reproducible from
the rows and linking to exactly the projects it counts."""

import datetime
import re
from decimal import Decimal
from html import unescape

import pytest
from django.test import override_settings
from django.urls import reverse

from projects.models import DuplicateFlag, DuplicateStatus, Project
from projects.services import project_save
from projects.stages import Stage
from tests.factories import ProjectFactory, SectorFactory

pytestmark = pytest.mark.django_db

HOME = reverse("projects:home")
LIST = reverse("projects:project_list")


def figure(html: str, label: str) -> str:
    """The value shown next to a figure label (the first one on the page)."""
    match = re.search(r'<span class="figure-value">([^<]*)</span>\s*<span class="figure-label">' + re.escape(label), html)
    assert match, label
    return match.group(1).strip()


def summary_section(html: str) -> str:
    start = html.index('id="summary-heading"')
    return html[start:html.index("</section>", start)]


def summary_figure(html: str, label: str) -> tuple[str, str]:
    """(value, link) of a figure of the year summary."""
    section = summary_section(html)
    match = re.search(
        r'<a href="([^"]*)">\s*<span class="figure-value">([^<]*)</span>\s*<span class="figure-label">'
        + re.escape(label), section,
    )
    assert match, label
    return match.group(2).strip(), unescape(match.group(1))


def listed_count(client, url: str) -> int:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.context["page"].paginator.count


# --- Computed once per change, never stale --------------------------------------------------------


def test_home_figures_follow_a_publish_through_the_service_on_the_next_request(
    client, django_capture_on_commit_callbacks
):
    ProjectFactory(signed_on=datetime.date(2024, 3, 1))
    draft = ProjectFactory(signed_on=datetime.date(2024, 5, 1), is_published=False)
    assert figure(client.get(HOME).content.decode(), "累计签约项目") == "1"
    assert figure(client.get(HOME).content.decode(), "累计签约项目") == "1"  # from the data cache

    draft.is_published = True
    with django_capture_on_commit_callbacks(execute=True):
        project_save(project=draft)
    assert figure(client.get(HOME).content.decode(), "累计签约项目") == "2"

    draft.is_published = False
    with django_capture_on_commit_callbacks(execute=True):
        project_save(project=draft)
    assert figure(client.get(HOME).content.decode(), "累计签约项目") == "1"


def test_publishing_in_the_admin_changes_the_home_figures(admin_client, client, django_capture_on_commit_callbacks):
    ProjectFactory(signed_on=datetime.date(2024, 3, 1))
    draft = ProjectFactory(signed_on=datetime.date(2024, 5, 1), is_published=False, review_status="approved")
    assert figure(client.get(HOME).content.decode(), "累计签约项目") == "1"
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:projects_project_changelist"),
            {"action": "publish_selected", "_selected_action": [draft.pk]},
        )
    assert response.status_code == 302
    assert Project.objects.get(pk=draft.pk).is_published
    assert figure(client.get(HOME).content.decode(), "累计签约项目") == "2"


def test_warm_pages_read_only_the_data_version(client, django_assert_num_queries):
    ProjectFactory()
    first_home = client.get(HOME).content
    first_list = client.get(LIST).content
    with django_assert_num_queries(1):  # the public data version
        assert client.get(HOME).content == first_home
    with django_assert_num_queries(5):  # version, count, page, investors, their honours
        assert client.get(LIST).content == first_list


@override_settings(PUBLIC_CACHE_SECONDS=0, PUBLIC_DATA_CACHE_SECONDS=0)
def test_without_the_data_cache_every_request_computes_the_figures(client):
    ProjectFactory(signed_on=datetime.date(2024, 3, 1))
    assert figure(client.get(HOME).content.decode(), "累计签约项目") == "1"
    ProjectFactory(signed_on=datetime.date(2024, 4, 1))  # bypasses the services: seen only without the cache
    assert figure(client.get(HOME).content.decode(), "累计签约项目") == "2"


def test_the_filter_menus_follow_a_change_through_the_service(client, django_capture_on_commit_callbacks):
    project = ProjectFactory(sector=SectorFactory(name="旧领域名"))
    assert "旧领域名" in client.get(LIST).content.decode()
    sector = project.sector
    sector.name = "新领域名"
    sector.save()
    with django_capture_on_commit_callbacks(execute=True):
        project_save(project=project)
    text = client.get(LIST).content.decode()
    assert "新领域名" in text and "旧领域名" not in text


# --- The summary for a chosen year and sector ----------------------------------------------------


@pytest.fixture
def ledger():
    """Projects of two top-level sectors (one with a sub-sector) over 2024 and 2025, with traps."""
    steel = SectorFactory(slug="steel", name="钢铁", position=1)
    special_steel = SectorFactory(slug="special-steel", name="特钢", parent=steel)
    chemicals = SectorFactory(slug="chemicals", name="化工", position=2)
    d = datetime.date
    rows = [
        # signed 2025, started 2025 (same year), funded
        {"sector": steel, "signed_on": d(2025, 2, 1), "stage": Stage.STARTED, "started_on": d(2025, 6, 1),
             "total_investment": Decimal("10000"), "funds_in_place": Decimal("4000")},
        # sub-sector, signed 2025, started 2026, in production never
        {"sector": special_steel, "signed_on": d(2025, 3, 1), "stage": Stage.STARTED, "started_on": d(2026, 1, 5),
             "total_investment": Decimal("6000"), "funds_in_place": Decimal("6000")},
        # signed 2025, amount unpublished
        {"sector": steel, "signed_on": d(2025, 4, 1), "stage": Stage.SIGNED, "total_investment": None},
        # signed 2024, went into production in 2025 (counts as 投产 2025, not as signed 2025)
        {"sector": special_steel, "signed_on": d(2024, 5, 1), "stage": Stage.IN_PRODUCTION, "started_on": d(2024, 8, 1),
             "production_on": d(2025, 9, 1), "total_investment": Decimal("3000"), "funds_in_place": Decimal("3000")},
        # signed 2025 but on hold: still signed
        {"sector": steel, "signed_on": d(2025, 7, 1), "stage": Stage.ON_HOLD, "total_investment": Decimal("2000")},
        # other sector, signed 2025 and started
        {"sector": chemicals, "signed_on": d(2025, 1, 10), "stage": Stage.STARTED, "started_on": d(2025, 2, 1),
             "total_investment": Decimal("50000"), "funds_in_place": Decimal("1000")},
        # not signed
        {"sector": steel, "signed_on": None, "stage": Stage.NEGOTIATING, "total_investment": Decimal("7000")},
        # unpublished marker: must never count
        {"sector": steel, "signed_on": d(2025, 2, 2), "stage": Stage.STARTED, "started_on": d(2025, 3, 1),
             "total_investment": Decimal("999999"), "funds_in_place": Decimal("999999"), "is_published": False,
             "name": "草稿标记项目MARKER"},
    ]
    projects = [ProjectFactory(**row) for row in rows]
    # A confirmed duplicate announcement of the first project: counts once.
    duplicate = ProjectFactory(sector=steel, signed_on=d(2025, 8, 1), stage=Stage.SIGNED,
                               total_investment=Decimal("10000"))
    DuplicateFlag.objects.create(project=duplicate, original=projects[0], reason="测试", status=DuplicateStatus.CONFIRMED)
    return {"steel": steel, "special_steel": special_steel, "chemicals": chemicals}


def expected(year: int, sector_ids: set[int] | None) -> dict:
    """Each public figure recomputed from the raw rows, in Python."""
    rows = [
        p for p in Project.objects.all()
        if p.is_published and not p.duplicate_flags.filter(status=DuplicateStatus.CONFIRMED).exists()
        and (sector_ids is None or p.sector_id in sector_ids)
    ]
    signed = [p for p in rows if p.signed_on and p.signed_on.year == year]
    started = [p for p in signed if p.started_on or p.production_on or p.stage in (Stage.STARTED, Stage.IN_PRODUCTION)]
    return {
        "signed": len(signed),
        "amount": sum((p.total_investment or Decimal(0) for p in signed), Decimal(0)),
        "started": len(started),
        "start_rate": (Decimal(len(started)) * 100 / len(signed)).quantize(Decimal("0.1")) if signed else None,
        "in_production": len([p for p in rows if p.production_on and p.production_on.year == year]),
        "same_year": sorted(p.name for p in signed if p.started_on and p.started_on.year == year),
    }


@pytest.mark.parametrize("sector_slug", [None, "steel", "chemicals"])
def test_each_figure_of_the_year_summary_is_recomputed_from_the_rows_and_links_to_exactly_them(
    client, ledger, sector_slug
):
    sector = ledger[sector_slug] if sector_slug else None
    sector_ids = {ledger["steel"].pk, ledger["special_steel"].pk} if sector_slug == "steel" else (
        {sector.pk} if sector else None)
    want = expected(2025, sector_ids)
    url = f"{HOME}?year=2025" + (f"&sector={sector_slug}" if sector_slug else "")
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "MARKER" not in html

    value, link = summary_figure(html, "签约项目数")
    assert int(value) == want["signed"] == listed_count(client, link)
    value, link = summary_figure(html, "签约总投资")
    assert response.context["summary"].figures.signed_investment_wan == want["amount"]
    assert listed_count(client, link) == want["signed"]
    value, link = summary_figure(html, "开工率")
    expected_rate = f"{want['start_rate']}%" if want["start_rate"] is not None else "—"
    assert value == expected_rate
    assert listed_count(client, link) == want["started"]
    value, link = summary_figure(html, "当年投产项目")
    assert int(value) == want["in_production"] == listed_count(client, link)
    value, link = summary_figure(html, "当年签约当年开工")
    assert int(value) == len(want["same_year"]) == listed_count(client, link)
    listed = sorted(p.name for p in response.context["summary"].same_year_projects)
    assert listed == want["same_year"]
    for name in want["same_year"]:
        assert name in summary_section(html)


def test_the_year_summary_of_the_fixture_has_the_expected_numbers(client, ledger):
    # Spelled out once, so the recomputation above cannot agree with a wrong page by accident.
    figures = client.get(f"{HOME}?year=2025&sector=steel").context["summary"].figures
    assert figures.signed == 4  # the duplicate and the draft left out
    assert figures.signed_investment_wan == Decimal("18000")
    assert figures.started == 2
    assert figures.start_rate_percent == Decimal("50.0")
    assert figures.in_production == 1
    assert figures.same_year == 1


def test_the_year_summary_offers_the_years_with_signings_and_the_top_level_sectors(client, ledger):
    response = client.get(HOME)
    assert response.context["summary_years"] == [2025, 2024]
    assert response.context["summary"].figures.year == 2025  # the current year has no signing in the fixture
    assert [s.slug for s in response.context["summary_sectors"]] == ["steel", "chemicals"]


def test_the_summary_never_reads_staff_only_progress_information(client, ledger):
    html = summary_section(client.get(f"{HOME}?year=2025").content.decode())
    assert "履约率（" not in html  # only the note that explains why it is left out
    assert "资金到位率" not in html and "4,000" not in html  # the funds ledger is internal


@pytest.mark.parametrize("query", [
    "year=abc", "year=20250", "year=1900", "year=２０２５", "year=-1", "sector=no-such-sector",
    "sector=special-steel",  # a sub-sector: the menu offers top-level sectors only
    "year=2025&sector=%00",
])
def test_a_bad_year_or_sector_is_a_400_page_with_a_message(client, ledger, query):
    response = client.get(f"{HOME}?{query}")
    assert response.status_code == 400
    text = response.content.decode()
    assert "年份" in text or "产业领域" in text or "字符" in text


def test_a_year_without_signings_shows_zeros_not_an_error(client, ledger):
    response = client.get(f"{HOME}?year=1999")
    assert response.status_code == 200
    assert response.context["summary"].figures.signed == 0
    assert figure(summary_section(response.content.decode()), "签约项目数") == "0"


def test_the_summary_in_english(client, ledger, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(f"{HOME}?year=2025", follow=True)  # to /en/?year=2025
    assert response.status_code == 200
    section = summary_section(response.content.decode())
    for text in ("2025 at a glance", "Signed projects", "Went into production that year",
                 "neither is shown on the public site"):
        assert text in section
    response = client.get(f"{HOME}?year=abc", follow=True)
    assert "four-digit number" in response.content.decode()


def test_loading_the_seed_marks_the_public_data_as_changed(client, django_capture_on_commit_callbacks):
    from django.core.management import call_command

    from ledger.cache import public_data_version

    assert figure(client.get(HOME).content.decode(), "累计签约项目") == "0"
    before = public_data_version()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_seed", verbosity=0)
    assert public_data_version() != before
    assert figure(client.get(HOME).content.decode(), "累计签约项目") != "0"


def test_each_headline_figure_links_to_exactly_the_projects_it_counts(client, ledger):
    """The headline figures leave out a confirmed duplicate signing; so do the lists they link to."""
    response = client.get(HOME)
    html = response.content.decode()
    headline = html[html.index('id="figures-heading"'):html.index('id="summary-heading"')]
    figures = response.context["figures"]

    def link_of(label: str) -> str:
        match = re.search(r'<a href="([^"]*)">\s*<span class="figure-value">[^<]*</span>\s*'
                          r'<span class="figure-label">' + re.escape(label), headline)
        assert match, label
        return unescape(match.group(1))

    assert figures.signed_total == 6  # the six signed published rows; not the draft, not the confirmed duplicate
    assert listed_count(client, link_of("累计签约项目")) == figures.signed_total
    assert listed_count(client, link_of("签约总投资")) == figures.signed_total
    assert listed_count(client, link_of("开工率")) == figures.started_of_signed
    assert listed_count(client, link_of("当年签约当年开工")) == figures.signed_and_started_same_year
    this_year = link_of(f"{figures.year}年签约项目")
    assert listed_count(client, this_year) == figures.signed_this_year
