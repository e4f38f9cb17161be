"""The public list's facets read their page and count from an index (migration 0017, PostgreSQL only)."""

import datetime

import pytest
from django.db import connection, transaction
from django.http import QueryDict

from projects.filters import ProjectFilterSet
from projects.models import Project
from projects.stages import Stage
from tests.factories import ProjectFactory, SectorFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the index is PostgreSQL only, as migration 0003's"),
]


def _indexes_used(queryset) -> set[str]:
    sql, params = queryset.query.sql_with_params()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a test's few rows would be read whole otherwise
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0][0]["Plan"]
    found, nodes = set(), [plan]
    while nodes:
        node = nodes.pop()
        if "Index Name" in node:
            found.add(node["Index Name"])
        nodes += node.get("Plans", [])
    return found


def test_sector_and_stage_read_the_page_and_the_count_from_their_index():
    steel, software = SectorFactory(slug="steel"), SectorFactory(slug="software")
    for sector in (steel, software):
        ProjectFactory.create_batch(3, sector=sector, stage=Stage.STARTED, started_on=datetime.date(2026, 5, 1))
        ProjectFactory.create_batch(2, sector=sector, stage=Stage.SIGNED)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE projects_project")
    filtered = ProjectFilterSet(QueryDict("sector=steel&stage=started"), queryset=Project.objects.public()).qs
    page = filtered.order_by(*Project._meta.ordering)[:20]
    assert _indexes_used(page) == {"project_public_sector_stage_idx"}
    assert "project_public_sector_stage_idx" in _indexes_used(filtered.order_by().values("pk"))
    assert [p.sector.slug for p in page] == ["steel"] * 3 and {p.stage for p in page} == {Stage.STARTED}
