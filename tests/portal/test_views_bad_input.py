"""Bad input on the public pages gives a page with a message (400) or a 404, never a 500."""

import pytest

from tests.site_world import build_world

pytestmark = pytest.mark.django_db

LONG = "青" * 101


@pytest.fixture
def world():
    return build_world()


@pytest.mark.parametrize(
    "query",
    [
        "year=abc",
        "year=99999999999999999999",
        "year=1.5",
        "stage=bogus",
        "stage=signed&stage=bogus",
        "sector=no-such-sector",
        "zone=no-such-zone",
        "event=no-such-event",
        "investor=no-such-investor",
        "honour=no-such-honour",
        "reached=terminated",
        "investment_min=abc",
        "investment_min=-5",
        "investment_max=NaN",
        "investment_max=1e999",
        "investment_min=123456789012345678901234567890",
        "ordering=drop table",
        f"q={LONG}",
        "updated_since=yesterday",
    ],
)
def test_invalid_project_filters_are_reported_not_crashed(client, world, query):
    response = client.get(f"/projects/?{query}")
    assert response.status_code == 400
    page = response.content.decode()
    assert "部分筛选条件无效，已忽略" in page
    assert "测试碳纤维生产基地项目" in page  # the invalid filter is ignored, the list still shows


@pytest.mark.parametrize(
    "url",
    [
        "/projects/?q=a%00b",
        "/projects/?sector=%00",
        "/projects/?%00=1",
        "/events/?q=%00",
        "/institutes/?zone=%00",
        "/zones/?kind=%00",
        "/ambassadors/?cohort=%00",
        "/projects/?stage=%00signed",
    ],
)
def test_nul_characters_give_a_friendly_400(client, world, url):
    response = client.get(url)
    assert response.status_code == 400
    assert "查询条件中含有不允许的字符" in response.content.decode()


@pytest.mark.parametrize("page", ["999", "0", "-1", "abc", "1e3", "%00"])
def test_page_out_of_range_is_a_404(client, world, page):
    response = client.get(f"/projects/?page={page}")
    assert response.status_code in (400, 404)
    assert response.status_code != 500


@pytest.mark.parametrize(
    "url",
    ["/events/?year=abc", "/institutes/?kind=nope", "/zones/?kind=nope", "/ambassadors/?cohort=nope",
     "/ambassadors/?status=nope", "/institutes/?zone=nope", f"/events/?q={LONG}"],
)
def test_invalid_filters_on_other_lists(client, world, url):
    response = client.get(url)
    assert response.status_code == 400
    assert "部分筛选条件无效，已忽略" in response.content.decode()


@pytest.mark.parametrize(
    "url",
    ["/projects/a%00b/", "/projects/" + "x" * 500 + "/", "/events/nope/", "/institutes/nope/", "/zones/nope/",
     "/ambassadors/nope/", "/projects/%E9%9D%92/"],
)
def test_unknown_or_malformed_slugs_are_404(client, world, url):
    response = client.get(url)
    assert response.status_code == 404


def test_harmless_odd_values_still_show_the_list(client, world):
    # An unrecognised yes/no value means "either": the list shows, nothing breaks.
    response = client.get("/projects/?headquarters=maybe&q=%20%20")
    assert response.status_code == 200


def test_pages_refuse_writes(client, world):
    assert client.post("/projects/").status_code == 405
