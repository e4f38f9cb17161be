"""The admin's project search: the trigram UNION form (PostgreSQL, keywords of 3+ characters) finds the
same rows as Django's own admin search, and the changelist lists a project matching two ways once."""

import pytest
from django.contrib import admin
from django.contrib.admin import ModelAdmin
from django.db import connection
from django.test import RequestFactory
from django.utils import timezone

from projects.models import Project
from tests.admin_utils import admin_url
from tests.factories import EnterpriseFactory, NegotiatingProjectFactory, ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db


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
