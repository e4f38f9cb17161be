"""Incremental sync: keyset pages over (updated_at, id) neither repeat nor skip rows."""

import datetime

import pytest

from projects.models import Project
from tests.api.conftest import API
from tests.factories import ProjectFactory

SAME_INSTANT = datetime.datetime(2026, 2, 10, 8, 0, tzinfo=datetime.UTC)


def sync(client, url: str) -> list[str]:
    slugs = []
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.content
        page = response.json()
        assert page["count"] is None and page["previous"] is None
        slugs += [r["slug"] for r in page["results"]]
        url = page["next"]
    return slugs


@pytest.mark.django_db
def test_cursor_walks_every_row_once_even_with_equal_timestamps(api_client):
    projects = ProjectFactory.create_batch(7)
    Project.objects.filter(pk__in=[p.pk for p in projects[:5]]).update(updated_at=SAME_INSTANT)  # ties on the key
    slugs = sync(api_client, f"{API}projects/?cursor=&page_size=2")
    assert sorted(slugs) == sorted(p.slug for p in projects)
    assert len(slugs) == 7


@pytest.mark.django_db
def test_rows_inserted_or_changed_during_a_sync_are_not_skipped(api_client):
    first = ProjectFactory.create_batch(4)
    page = api_client.get(f"{API}projects/?cursor=&page_size=2").json()
    seen = [r["slug"] for r in page["results"]]
    # Meanwhile: a row already read changes, a new row arrives, a row not yet read is deleted.
    changed = Project.objects.get(slug=seen[0])
    changed.summary = "更新"
    changed.save()
    new = ProjectFactory()
    unseen = [p for p in first if p.slug not in seen]
    Project.objects.filter(pk=unseen[-1].pk).delete()
    seen += sync(api_client, page["next"])
    assert new.slug in seen and changed.slug in seen[2:]  # the change comes round again
    expected = set(Project.objects.values_list("slug", flat=True))
    assert expected <= set(seen)


@pytest.mark.django_db
def test_cursor_combines_with_filters_and_updated_since(api_client):
    ProjectFactory.create_batch(3, is_headquarters=True)
    ProjectFactory.create_batch(2)
    slugs = sync(api_client, f"{API}projects/?cursor=&page_size=1&headquarters=true&updated_since=2000-01-01T00:00:00Z")
    assert len(slugs) == 3


@pytest.mark.django_db
@pytest.mark.parametrize("conflict", ["page=1", "ordering=name"])
def test_cursor_refuses_page_and_ordering(api_client, conflict):
    response = api_client.get(f"{API}projects/?cursor=&{conflict}")
    assert response.status_code == 400
    assert conflict.split("=")[0] in response.json()


@pytest.mark.django_db
def test_every_endpoint_syncs(api_client):
    from tests.api.builders import build_rows
    from tests.api.conftest import ENDPOINTS

    for endpoint, _label in ENDPOINTS:
        build_rows(endpoint, 3)
        slugs = sync(api_client, f"{API}{endpoint}/?cursor=&page_size=2")
        assert len(slugs) == len(set(slugs)) == api_client.get(f"{API}{endpoint}/").json()["count"]
