"""The public project list counts matches only up to a cap: "more than 1,000" beyond it, with pages
still reachable by next/previous, and the same queries as an uncapped list."""

import pytest
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ledger import paginators
from ledger.paginators import CappedCountPaginator
from projects.models import Project
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db

LIST = reverse("projects:project_list")


@pytest.fixture
def twelve():
    ProjectFactory.create_batch(12)
    return Project.objects.order_by("-id")


def test_below_the_cap_the_count_is_exact_and_pages_are_numbered(twelve):
    paginator = CappedCountPaginator(twelve, 5, cap=12)
    assert paginator.count == 12 and not paginator.capped
    assert paginator.num_pages == 3
    with pytest.raises(EmptyPage):
        paginator.page(4)


def test_beyond_the_cap_the_count_stops_at_cap_plus_one_with_a_limited_query(twelve):
    paginator = CappedCountPaginator(twelve, 5, cap=4)
    with CaptureQueriesContext(connection) as queries:
        assert paginator.count == 5
    assert paginator.capped
    assert len(queries) == 1
    sql = queries[0]["sql"].upper()
    assert "LIMIT 5" in sql and "ORDER BY" not in sql  # stops after cap + 1 rows, in any order


def test_beyond_the_cap_every_page_is_reachable_by_next_and_previous(twelve):
    paginator = CappedCountPaginator(twelve, 5, cap=4)
    assert paginator.capped  # the count query
    seen = []
    number = 1
    while True:
        with CaptureQueriesContext(connection) as queries:
            page = paginator.page(number)
            rows = list(page.object_list)
        assert len(queries) == 1  # the rows (one more than shown, to know whether a next page exists)
        seen.extend(rows)
        if not page.has_next():
            break
        number = page.next_page_number()
    assert [p.pk for p in seen] == [p.pk for p in twelve]
    assert number == 3 and len(page.object_list) == 2
    assert page.has_previous() and page.previous_page_number() == 2
    assert page.start_index() == 11 and page.end_index() == 12
    with pytest.raises(EmptyPage):
        paginator.page(4)
    with pytest.raises(EmptyPage):
        paginator.page(0)
    with pytest.raises(EmptyPage):
        paginator.page(10**12)  # never an OFFSET the database refuses
    with pytest.raises(PageNotAnInteger):
        paginator.page("x")


@pytest.fixture
def small_cap(monkeypatch):
    monkeypatch.setattr(paginators, "PUBLIC_COUNT_CAP", 30)


def test_the_public_list_says_more_than_the_cap_and_pages_on(client, small_cap):
    ProjectFactory.create_batch(45)
    response = client.get(LIST)
    text = response.content.decode()
    assert "超过 30 个项目" in text
    assert "第 1 页" in text and "共 " not in text.split('aria-current="page">第 1 页')[1][:5]
    assert 'rel="next" href="?page=2"' in text
    response = client.get(f"{LIST}?page=3")
    assert response.status_code == 200
    assert len(response.context["projects"]) == 5
    assert 'rel="next"' not in response.content.decode()
    assert client.get(f"{LIST}?page=4").status_code == 404
    assert client.get(f"{LIST}?page=abc").status_code == 404


def test_the_public_list_counts_exactly_up_to_the_cap(client, small_cap):
    ProjectFactory.create_batch(30)
    text = client.get(LIST).content.decode()
    assert "共 30 个项目" in text and "第 1 页，共 2 页" in text


def test_a_capped_list_runs_the_queries_of_an_uncapped_one(client, small_cap, django_assert_num_queries):
    ProjectFactory.create_batch(20)
    client.get(LIST)  # fill the menus' data cache
    with django_assert_num_queries(5):
        client.get(LIST)
    ProjectFactory.create_batch(20)
    with django_assert_num_queries(5):
        assert client.get(LIST).context["page"].paginator.capped
