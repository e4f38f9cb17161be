"""The admin's project search: the trigram UNION form (PostgreSQL, keywords of 3+ characters) finds the
same rows as Django's own admin search, and the changelist lists a project matching two ways once."""

import datetime

import pytest
from django.contrib import admin
from django.contrib.admin import ModelAdmin
from django.db import connection
from django.test import RequestFactory
from django.utils import timezone

from ledger.admin_counts import CappedSearchPaginator, search_branches
from projects.models import Project
from tests.admin_utils import admin_url
from tests.factories import EnterpriseFactory, NegotiatingProjectFactory, ProjectFactory, UserFactory
from tests.queries import exact_queries

pytestmark = pytest.mark.django_db

# session, user, the superuser's second-factor device (django-otp), the pending-revisions count, the
# capped count, the page's rows, their investors, the review-queue badge, the signing years' range, the
# sector/event/zone filters, the officer filter's staff, the saved filters.
SEARCHED_PAGE_QUERIES = 14


@pytest.fixture
def ledger():
    group = EnterpriseFactory(name="测试钛合金集团有限公司", short_name="钛合金集", is_published=False)
    other = EnterpriseFactory(name="青山某某公司", short_name="氢能源科")
    ProjectFactory(slug="by-name", name="钛合金精密铸件项目", investors=[other])
    ProjectFactory(slug="by-name-en", name="项目甲", name_en="Titanium 钛合金 Castings", investors=[other])
    ProjectFactory(slug="by-code", name="项目乙", code="QS-钛合金-07", investors=[other])
    ProjectFactory(slug="by-summary", name="项目丙", summary="航空级钛合金材料", investors=[other])
    ProjectFactory(slug="by-address", name="项目丁", address="青山区钛合金大道1号", investors=[other])
    ProjectFactory(slug="by-unit", name="项目戊", responsible_unit="钛合金产业专班", investors=[other])
    ProjectFactory(slug="by-person", name="项目己", responsible_person="张钛合金", investors=[other])
    ProjectFactory(slug="by-investor", name="项目庚", investors=[group])
    ProjectFactory(slug="by-short-name", name="项目辛", investors=[EnterpriseFactory(short_name="钛合金股份")])
    ProjectFactory(slug="two-ways", name="钛合金二期", investors=[group, other])
    ProjectFactory(slug="unpublished", name="钛合金三期", is_published=False, investors=[other])
    ProjectFactory(slug="archived", name="钛合金四期", archived_at=timezone.now(), archive_reason="重复录入",
                   investors=[other])
    NegotiatingProjectFactory(slug="no-investor", name="钛合金五期", investors=[])
    ProjectFactory(slug="other", name="氢能项目", investors=[other])


def search(model_admin: ModelAdmin, keyword: str, method) -> tuple[list[str], bool]:
    request = RequestFactory().get("/", {"q": keyword})
    request.user = UserFactory(is_staff=True, is_superuser=True)
    queryset, may_have_duplicates = method(model_admin, request, Project.objects.all(), keyword)
    if may_have_duplicates:
        queryset = queryset.distinct()
    return sorted(queryset.values_list("slug", flat=True)), may_have_duplicates


KEYWORDS = ["钛合金", "钛合金集团", "钛合金集", "钛合金股份", "QS-钛合金", "qs-钛", "titanium", "大道1号", "专班",
            "张钛合", "氢能源科", "钛合金 二期", '"钛合金 二期"', "钛合金 四期", "没有这个词", "钛合", "钛"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the UNION form is used on PostgreSQL only")
@pytest.mark.parametrize("keyword", KEYWORDS)
def test_union_search_finds_exactly_the_rows_of_djangos_own_search(ledger, keyword):
    model_admin = admin.site._registry[Project]
    ours, ours_may_duplicate = search(model_admin, keyword, type(model_admin).get_search_results)
    django, _ = search(model_admin, keyword, ModelAdmin.get_search_results)
    assert ours == django
    if all(len(term) >= 3 for term in keyword.strip('"').split()):
        assert not ours_may_duplicate  # id IN (…) never repeats a row: no DISTINCT/EXISTS wrapper


def test_union_search_sees_every_column_an_investor_short_name_and_unpublished_records(ledger):
    model_admin = admin.site._registry[Project]
    found, _ = search(model_admin, "钛合金", type(model_admin).get_search_results)
    assert found == ["archived", "by-address", "by-code", "by-investor", "by-name", "by-name-en", "by-person",
                     "by-short-name", "by-summary", "by-unit", "no-investor", "two-ways", "unpublished"]


def test_changelist_search_lists_a_project_matching_two_ways_once(ledger, admin_client):
    response = admin_client.get(admin_url(Project, "changelist"), {"q": "钛合金二期"})
    assert response.status_code == 200
    assert [project.slug for project in response.context["cl"].result_list] == ["two-ways"]
    response = admin_client.get(admin_url(Project, "changelist"), {"q": "钛合金集"})
    assert sorted(project.slug for project in response.context["cl"].result_list) == ["by-investor", "two-ways"]


# ---------------------------------------------------------------- paging branch by branch (ledger/admin_counts.py)


@pytest.fixture
def many_matches(db):
    """Matches of 钛合金 through every branch, with signing dates that interleave across branches (and
    ties and empty dates, which the changelist orders by id), among projects that do not match."""
    group = EnterpriseFactory(name="钛合金集团有限公司", short_name="钛合金集")
    other = EnterpriseFactory(name="青山某某公司", short_name="某某")
    columns = ["name", "summary", "address", "responsible_unit", "responsible_person", "code", "name_en"]
    for number in range(24):
        column = columns[number % len(columns)]
        value = f"钛合金{number}" if column != "name_en" else f"Ti 钛合金 {number}"
        fields = {"name": f"项目{number}", column: value} if column != "name" else {"name": value}
        if number % 5 == 0:
            NegotiatingProjectFactory(slug=f"match-{number}", investors=[], **fields)
        else:
            day = datetime.date(2026, 1, 1) + datetime.timedelta(days=(number * 7) % 11)
            ProjectFactory(slug=f"match-{number}", signed_on=day, investors=[other], **fields)
    for number in range(6):  # by an investor only
        ProjectFactory(slug=f"by-investor-{number}", name=f"乙{number}", investors=[group],
                       signed_on=datetime.date(2026, 1, 1) + datetime.timedelta(days=number * 2))
    for number in range(5):
        ProjectFactory(slug=f"other-{number}", name=f"氢能{number}", investors=[other])


def changelist_pages(client, params: dict) -> list[list[str]]:
    """Every page of the searched changelist, as slugs, until Django's "no such page"."""
    pages = []
    for number in range(1, 30):
        response = client.get(admin_url(Project, "changelist"), {**params, "p": number})
        if response.status_code == 302:  # past the last (counted) page: Django redirects with ?e=1
            break
        assert response.status_code == 200
        pages.append([project.slug for project in response.context["cl"].result_list])
    return pages


SEARCHES = [
    {"q": "钛合金"},  # 30 matches: capped at 20
    {"q": "钛合金", "o": "1"},  # ordered by the name column
    {"q": "钛合金", "o": "-5.1"},  # by the signing date column descending, then the name column
    {"q": "钛合金", "stage__exact": "signed"},
    {"q": "钛合金集"},  # the investor branch only
    {"q": "钛合金 项目1"},  # two words: the second narrows every branch
]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the branch paging serves the UNION search (PostgreSQL)")
@pytest.mark.parametrize("params", SEARCHES)
def test_pages_of_a_searched_list_are_djangos_pages(many_matches, admin_client, monkeypatch, params):
    """Page by page, the same rows in the same order as Django's own search and paginator."""
    monkeypatch.setattr(CappedSearchPaginator, "cap", 20)
    monkeypatch.setattr("projects.admin.ProjectAdmin.list_per_page", 4)
    ours = changelist_pages(admin_client, params)
    response = admin_client.get(admin_url(Project, "changelist"), {**params, "p": 1})
    assert search_branches(response.context["cl"].queryset) is not None  # the branch paging ran
    monkeypatch.setattr("projects.admin.ProjectAdmin.get_search_results", ModelAdmin.get_search_results)
    django = changelist_pages(admin_client, params)
    assert ours == django
    assert len(ours) >= 2 and all(ours)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the branch paging serves the UNION search (PostgreSQL)")
def test_a_capped_search_says_so_in_chinese_and_links_its_pages(many_matches, admin_client, monkeypatch):
    monkeypatch.setattr(CappedSearchPaginator, "cap", 20)
    monkeypatch.setattr("projects.admin.ProjectAdmin.list_per_page", 4)
    response = admin_client.get(admin_url(Project, "changelist"), {"q": "钛合金", "p": 2})
    page = response.content.decode()
    cl = response.context["cl"]
    assert cl.paginator.capped and cl.result_count == 20
    assert page.count("超过 20 条结果") == 2  # beside the search box and under the table
    assert "20 招商项目" not in page
    assert 'href="?p=5&amp;q=%E9%92%9B%E5%90%88%E9%87%91" class="end">5</a>' in page  # the last counted page
    assert '<span class="this-page">2</span>' in page
    assert admin_client.get(admin_url(Project, "changelist"), {"q": "钛合金", "p": 6}).status_code == 302


def test_the_searched_changelist_runs_the_same_queries_for_1_and_50_matches(admin_client, monkeypatch):
    """Query counts pinned: a page of a searched list (count, rows, investors and the page's own)."""
    monkeypatch.setattr("projects.admin.ProjectAdmin.list_per_page", 20)
    investor = EnterpriseFactory(name="青山某某公司")
    ProjectFactory(name="钛合金唯一项目", investors=[investor])
    url = admin_url(Project, "changelist")
    admin_client.get(url, {"q": "钛合金"})  # session, content types and caches warmed
    with exact_queries(SEARCHED_PAGE_QUERIES, "1 match"):
        assert len(admin_client.get(url, {"q": "钛合金"}).context["cl"].result_list) == 1
    for number in range(49):
        ProjectFactory(name=f"钛合金项目{number}", investors=[investor])
    with exact_queries(SEARCHED_PAGE_QUERIES, "50 matches, page 2"):
        response = admin_client.get(url, {"q": "钛合金", "p": 2})
    assert len(response.context["cl"].result_list) == 20 and response.context["cl"].result_count == 50
