"""Keyword search over projects: the same rows whichever SQL form it takes (trigram UNION or OR)."""

import pytest
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
