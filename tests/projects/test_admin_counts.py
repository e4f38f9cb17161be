"""A searched changelist counts matches only up to a cap, says so, and offers no "select all N"."""

import pytest

from ledger.admin_counts import CappedSearchPaginator
from projects.models import Project
from tests.admin_utils import admin_url
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_cap(monkeypatch):
    monkeypatch.setattr(CappedSearchPaginator, "cap", 3)
    monkeypatch.setattr("projects.admin.ProjectAdmin.list_per_page", 2)


def test_a_common_keyword_is_counted_up_to_the_cap(admin_client, small_cap):
    ProjectFactory.create_batch(5, summary="新材料产业")
    ProjectFactory(name="别的项目")
    response = admin_client.get(admin_url(Project, "changelist"), {"q": "新材料"})
    cl = response.context["cl"]
    assert cl.result_count == 3 and cl.paginator.capped
    page = response.content.decode()
    assert "超过 3 条结果" in page
    assert 'class="question hidden"' not in page  # no "select all 3" for 5 matches
    assert len(cl.result_list) == 2


def test_a_rare_keyword_is_counted_exactly(admin_client, small_cap):
    ProjectFactory.create_batch(2, summary="氢能")
    response = admin_client.get(admin_url(Project, "changelist"), {"q": "氢能"})
    cl = response.context["cl"]
    assert cl.result_count == 2 and not cl.paginator.capped
    assert "超过" not in response.content.decode()


def test_the_unsearched_list_is_not_capped(admin_client, small_cap):
    ProjectFactory.create_batch(5)
    cl = admin_client.get(admin_url(Project, "changelist")).context["cl"]
    assert cl.result_count == 5 and not isinstance(cl.paginator, CappedSearchPaginator)
