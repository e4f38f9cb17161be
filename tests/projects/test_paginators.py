"""The admin's large-table paginator: an estimate instead of COUNT(*) for a big unfiltered list, exact otherwise."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ledger.paginators import EstimatedCountPaginator
from projects.models import Project
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db


class SmallThresholdPaginator(EstimatedCountPaginator):
    threshold = 10


def counted(paginator) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        count = paginator.count
    return count, [q["sql"] for q in queries]


@pytest.fixture
def projects():
    ProjectFactory.create_batch(30)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE projects_project")  # what autovacuum does for a real table


def test_large_unfiltered_list_uses_the_estimate_on_postgresql(projects):
    paginator = SmallThresholdPaginator(Project.objects.order_by("-id"), 20)
    count, sql = counted(paginator)
    assert count == 30  # ANALYZE of a small table counts it exactly
    assert paginator.num_pages == 2
    assert len(sql) == 1
    if connection.vendor == "postgresql":
        assert "reltuples" in sql[0]
    else:  # no estimate elsewhere: the exact count
        assert "COUNT(" in sql[0].upper()


def test_filtered_list_is_counted_exactly(projects):
    Project.objects.filter(pk__in=Project.objects.order_by("pk").values("pk")[:5]).update(is_published=False)
    paginator = SmallThresholdPaginator(Project.objects.filter(is_published=False).order_by("-id"), 20)
    count, sql = counted(paginator)
    assert count == 5
    assert any("COUNT(" in s.upper() for s in sql)


def test_small_table_is_counted_exactly_in_one_query(projects):
    paginator = EstimatedCountPaginator(Project.objects.order_by("-id"), 20)  # threshold 10,000
    count, sql = counted(paginator)
    assert count == 30
    assert len(sql) == 1 and "COUNT(" in sql[0].upper()


def test_estimate_is_not_taken_when_the_table_has_grown_since_analyse(projects):
    """Below the threshold the table itself is counted, so rows added since ANALYZE are included."""
    ProjectFactory.create_batch(3)
    assert EstimatedCountPaginator(Project.objects.order_by("-id"), 20).count == 33


def test_pages_of_an_estimated_list_still_hold_the_rows(projects):
    paginator = SmallThresholdPaginator(Project.objects.order_by("-id"), 20)
    assert len(paginator.page(1).object_list) == 20
    assert len(paginator.page(2).object_list) == 10
