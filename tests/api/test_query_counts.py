"""Every list (JSON page, CSV and XLSX export) costs the same number of queries for 1 row and for 55."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.api.builders import build_rows
from tests.api.conftest import API, ENDPOINTS


def _consume(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def _count_queries(client, url: str) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        body = _consume(response)
    assert response.status_code == 200, body[:300]
    return len(captured), response


SUFFIXES = ["", "?page_size=200", "?format=csv", "?format=xlsx", "?cursor="]


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", [endpoint for endpoint, _label in ENDPOINTS])
def test_query_count_does_not_grow_with_rows(endpoint, api_client, staff_client, django_assert_max_num_queries):
    """For anonymous and staff readers, JSON pages, the sync cursor and both exports."""
    clients = {"anonymous": api_client, "staff": staff_client}
    build_rows(endpoint, 1)
    with_one = {}
    for who, client in clients.items():
        for suffix in SUFFIXES:
            url = f"{API}{endpoint}/{suffix}"
            client.get(url)  # warm what is cached per process or per user (content types, permissions)
            with_one[who, suffix], _response = _count_queries(client, url)

    build_rows(endpoint, 55)
    for who, client in clients.items():
        for suffix in SUFFIXES:
            expected = with_one[who, suffix]
            assert expected <= 10, f"{who} {endpoint}{suffix}: {expected} queries"
            with django_assert_max_num_queries(expected) as captured:
                response = client.get(f"{API}{endpoint}/{suffix}")
                body = _consume(response)
            assert response.status_code == 200
            assert len(captured) == expected, f"{who} {endpoint}{suffix}"
            if suffix == "?format=csv":
                assert body.decode("utf-8-sig").count("\r\n") >= 57  # header + every row, not one page
            elif suffix == "":
                assert response.json()["count"] >= 56


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", [endpoint for endpoint, _label in ENDPOINTS])
def test_detail_query_count_is_small(endpoint, api_client, django_assert_max_num_queries):
    build_rows(endpoint, 3)
    first = api_client.get(f"{API}{endpoint}/").json()["results"][0]
    with django_assert_max_num_queries(8):
        response = api_client.get(first["url"])
    assert response.status_code == 200
    assert response.json()["slug"] == first["slug"]
