"""Every bad query string is a 400 naming the parameter (or a 404), in JSON; never a 500."""

import pytest

from tests.api.conftest import API, ENDPOINTS
from tests.factories import ProjectFactory

COMMON_BAD = [
    ("ordering", "no_such_field"),
    ("ordering", "-id;drop table"),
    ("updated_since", "yesterday"),
    ("updated_since", "9999-12-31T23:59:59-14:00"),  # overflows once converted to UTC
    ("updated_since", "0001-01-01T00:00:00+14:00"),
    ("updated_since", "2026-02-10T08:00:00+25:00"),
    ("page_size", "ten"),
    ("page_size", "0"),
    ("page_size", "-5"),
    ("page", "abc"),
    ("page", "1.5"),
    ("q", "x" * 101),
    ("search", "a\x00b"),
    ("q", "a\x00b"),
    ("cursor", "not-a-cursor"),
    ("cursor", "WyJ4IiwxXQ"),  # valid base64 and JSON, not a timestamp
]
PROJECT_BAD = [
    ("year", "twenty"),
    ("year", "99999999999999999999999"),
    ("year", "1900"),
    ("sector", "no-such-sector"),
    ("sector", "\x00"),
    ("stage", "launched"),
    ("zone", "nowhere"),
    ("event", "nothing"),
    ("investor", "x\x00y"),
    ("honour", "none"),
    ("headquarters", "maybe"),
    ("investment_min", "lots"),
    ("investment_min", "NaN"),
    ("investment_max", "Infinity"),
    ("investment_max", "1e400"),
    ("investment_min", "-1"),
    ("investment_max", "123456789012345678"),
]


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", [endpoint for endpoint, _label in ENDPOINTS])
@pytest.mark.parametrize(("parameter", "value"), COMMON_BAD)
def test_bad_common_parameters_are_400_naming_them(api_client, endpoint, parameter, value):
    response = api_client.get(f"{API}{endpoint}/", {parameter: value})
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/json"
    assert parameter in response.json()


@pytest.mark.django_db
@pytest.mark.parametrize(("parameter", "value"), PROJECT_BAD)
def test_bad_project_filters_are_400_naming_them(api_client, parameter, value):
    ProjectFactory()
    response = api_client.get(f"{API}projects/", {parameter: value})
    assert response.status_code == 400, response.content
    assert parameter in response.json()


@pytest.mark.django_db
@pytest.mark.parametrize(("endpoint", "parameter", "value"), [
    ("enterprises", "kind", "alien"), ("enterprises", "honour", "nope"), ("enterprises", "province", "x" * 50),
    ("sectors", "tier", "top"), ("sectors", "parent", "nope"), ("events", "year", "abc"),
    ("institutes", "kind", "lab"), ("institutes", "zone", "nope"), ("zones", "kind", "park"),
    ("ambassadors", "cohort", "nope"), ("ambassadors", "status", "retired"), ("cohorts", "year", "2x"),
])
def test_bad_entity_filters_are_400_naming_them(api_client, endpoint, parameter, value):
    response = api_client.get(f"{API}{endpoint}/", {parameter: value})
    assert response.status_code == 400, response.content
    assert parameter in response.json()


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["99999999999999999999", "2", "last0", "9" * 5000])
def test_page_out_of_range_is_404_or_400_json(api_client, page):
    ProjectFactory()
    response = api_client.get(f"{API}projects/", {"page": page})
    assert response.status_code in (400, 404)
    assert response["Content-Type"] == "application/json"
    assert "page" in response.json()


@pytest.mark.django_db
def test_nul_in_a_parameter_name_and_unknown_format(api_client):
    response = api_client.get(f"{API}projects/?a%00b=1")
    assert response.status_code == 400
    assert response.json() == {"a\x00b": ["参数中不能包含空字符（NUL）。"]}
    assert api_client.get(f"{API}projects/?format=pdf").status_code == 404


@pytest.mark.django_db
def test_unknown_slug_with_strange_characters_is_404(api_client):
    for slug in ["%00", "..", "a%20b", "%E9%9D%92%E5%B1%B1"]:
        assert api_client.get(f"{API}projects/{slug}/").status_code == 404
