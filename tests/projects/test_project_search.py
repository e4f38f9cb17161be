"""Keyword search over projects: the same rows whichever SQL form it takes (trigram UNION or OR)."""

import pytest
from django.db import connection
from django.http import QueryDict

from projects.filters import ProjectFilterSet
from projects.models import Project
from tests.factories import EnterpriseFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def search(keyword: str) -> set[str]:
    filterset = ProjectFilterSet(QueryDict(f"q={keyword}"), queryset=Project.objects.public())
    assert filterset.is_valid()
    return set(filterset.qs.values_list("slug", flat=True))


@pytest.fixture
def ledger():
    hidden = EnterpriseFactory(name="隐藏碳纤维投资公司", is_published=False)
    shown = EnterpriseFactory(name="公开碳纤维投资公司")
    ProjectFactory(slug="by-name", name="楠姆碳纤维产业园")
    ProjectFactory(slug="by-name-en", name="项目甲", name_en="Carbon Fibre 碳纤维 Base")
    ProjectFactory(slug="by-summary", name="项目乙", summary="高性能碳纤维，填补华中空白")
    ProjectFactory(slug="by-code", name="项目丙", code="QS-碳纤维-01")
    ProjectFactory(slug="by-investor", name="项目丁", investors=[shown])
    ProjectFactory(slug="by-hidden-investor", name="项目戊", investors=[hidden])
    ProjectFactory(slug="two-ways", name="碳纤维二期", investors=[shown])
    ProjectFactory(slug="unpublished", name="碳纤维三期", is_published=False)
    ProjectFactory(slug="other", name="氢能项目")


def test_long_keyword_finds_every_column_and_published_investors_once(ledger):
    assert search("碳纤维") == {"by-name", "by-name-en", "by-summary", "by-code", "by-investor", "two-ways"}
    filterset = ProjectFilterSet(QueryDict("q=碳纤维"), queryset=Project.objects.public())
    assert filterset.qs.count() == 6  # a project matching two ways is listed once


def test_short_keyword_gives_the_same_rows(ledger):
    assert search("纤维") == search("碳纤维")
    assert search("氢能") == {"other"}


def test_search_is_case_insensitive_for_latin_text(ledger):
    assert search("carbon") == {"by-name-en"}
    assert search("qs-碳") == {"by-code"}


# --- Paging a search branch by branch (PostgreSQL; ledger.paginators.CappedCountPaginator) ------

postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="the branch form is PostgreSQL's")


def pages_by_branches(query: str, *, per_page: int, cap: int):
    from ledger.paginators import CappedCountPaginator

    filterset = ProjectFilterSet(QueryDict(query), queryset=Project.objects.public())
    search = filterset.search_branches()
    assert search is not None
    paginator = CappedCountPaginator(filterset.qs, per_page, cap=cap, search=search)
    slugs, number = [], 1
    while True:
        page = paginator.page(number)
        slugs.extend(p.slug for p in page.object_list)
        if not page.has_next():
            return paginator, slugs, list(filterset.qs.values_list("slug", flat=True))
        number += 1


@pytest.fixture
def many():
    import datetime

    investor = EnterpriseFactory(name="碳纤维集团")
    for index in range(23):
        ProjectFactory(
            slug=f"hit-{index:02d}", name=f"碳纤维项目{index}" if index % 3 else f"项目{index}",
            summary="碳纤维" if index % 4 == 0 else "", investors=[investor if index % 5 == 0 else EnterpriseFactory()],
            signed_on=datetime.date(2020 + index % 6, 1 + index % 12, 1), total_investment=1000 + index,
            stage="signed" if index % 2 else "started",
            started_on=None if index % 2 else datetime.date(2026, 1, 1),
        )
    ProjectFactory.create_batch(5, name="氢能项目")


@postgresql_only
@pytest.mark.parametrize("query", ["q=碳纤维", "q=碳纤维&ordering=-total_investment", "q=碳纤维&ordering=name",
                                   "q=碳纤维&stage=started", "q=碳纤维&ordering=signed_on&stage=signed"])
@pytest.mark.parametrize("cap", [3, 100])
def test_paging_branch_by_branch_gives_the_rows_and_order_of_the_whole_search(many, query, cap):
    paginator, paged, whole = pages_by_branches(query, per_page=4, cap=cap)
    assert paged == whole  # every row once, in the list's order, across pages
    assert paginator.count == (len(whole) if len(whole) <= cap else cap + 1)


@postgresql_only
def test_a_search_with_an_invalid_filter_ignores_the_filter_as_the_list_does(many):
    paginator, paged, whole = pages_by_branches("q=碳纤维&stage=nonsense", per_page=5, cap=100)
    assert paged == whole and len(whole) > 5


# --- Every word, every place, both languages (issue #18) -------------------------------------------


@pytest.fixture
def silicon(db):
    from tests.factories import RenewalZoneFactory, SectorFactory

    steel = SectorFactory(name="测试硅钢链", name_en="Test silicon steel chain")
    zone = RenewalZoneFactory(name="测试北湖片区", name_en="Test Beihu Area")
    hidden_zone = RenewalZoneFactory(name="测试保密片区", is_published=False)
    bao = EnterpriseFactory(name="宝钢国际测试公司", name_en="Baosteel Intl Test", short_name="宝钢测试")
    ProjectFactory(slug="bao", name="宝钢国际硅钢供应链项目", name_en="Baosteel International silicon-steel supply chain",
                   investors=[bao], sector=steel)
    ProjectFactory(slug="hai", name="海创机械硅钢供应链项目", name_en="Haichuang Machinery silicon-steel supply chain",
                   sector=steel, zone=zone)
    ProjectFactory(slug="other", name="其他项目", summary_en="Hydrogen plates", zone=hidden_zone)


def test_two_words_must_both_match_somewhere(silicon):
    assert search("宝钢 硅钢") == {"bao"}
    assert search("宝钢\u3000硅钢") == {"bao"}  # a full-width space separates words too
    assert search("silicon steel") == {"bao", "hai"}
    assert search("硅钢 没有") == set()


def test_words_match_investor_sector_zone_and_english_summary(silicon):
    assert search("Baosteel Intl") == {"bao"}  # the investor's English name
    assert search("测试硅钢链") == {"bao", "hai"}  # the sector's name
    assert search("北湖 海创") == {"hai"}  # the zone's name and the project's
    assert search("Beihu") == {"hai"}
    assert search("hydrogen") == {"other"}  # the English summary
    assert search("测试保密片区") == set()  # an unpublished zone's name reveals nothing


def test_project_list_page_finds_the_two_word_search(client, silicon):
    page = client.get("/projects/", {"q": "宝钢 硅钢"}).content.decode()
    assert "宝钢国际硅钢供应链项目" in page and "海创机械硅钢供应链项目" not in page


def test_sorting_by_name_follows_pinyin_and_english_in_english(client, db):
    from projects.services import project_save

    for name, name_en in (("中韩石化项目", "Sinopec-SK project"), ("宝钢项目", "Baosteel project"),
                          ("武汉有机项目", "Wuhan Organic project"), ("青山数谷项目", "")):
        project = ProjectFactory.build(name=name, name_en=name_en, slug="", sector=None, signed_on=None,
                                       stage="negotiating", is_published=True)
        project_save(project=project)
    filterset = ProjectFilterSet(QueryDict("ordering=name"), queryset=Project.objects.public())
    assert list(filterset.qs.values_list("name", flat=True)) == ["宝钢项目", "青山数谷项目", "武汉有机项目", "中韩石化项目"]
    from django.utils import translation

    with translation.override("en"):
        filterset = ProjectFilterSet(QueryDict("ordering=name"), queryset=Project.objects.public())
        # English names in English order; a project without one sorts by its pinyin (qing…).
        assert list(filterset.qs.values_list("name", flat=True)) == ["宝钢项目", "青山数谷项目", "中韩石化项目", "武汉有机项目"]


def _scans_of_projects(plan: dict) -> list[dict]:
    found = [plan] if plan.get("Relation Name") == "projects_project" else []
    for child in plan.get("Plans", []):
        found += _scans_of_projects(child)
    return found


@postgresql_only
def test_a_word_naming_no_zone_or_sector_reads_no_project_in_those_branches(ledger):
    """The sector and zone branches are gated by a one-time EXISTS: a word that names no sector and no
    zone never scans the projects for them (at 1M projects that scan was 8 s of the list's page)."""
    filterset = ProjectFilterSet(QueryDict("q=碳纤维"), queryset=Project.objects.public())
    _base, branches = filterset.search_branches()
    *_columns, sector_branch, zone_branch = branches
    for branch in (sector_branch, zone_branch):
        sql, params = branch.order_by("-signed_on", "-id").values("pk")[:21].query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}", params)
            plan = cursor.fetchone()[0][0]["Plan"]
        scans = _scans_of_projects(plan)
        assert scans, plan
        assert all(scan["Actual Loops"] == 0 for scan in scans), plan
        assert list(branch.values_list("slug", flat=True)) == []
