"""What a data consumer reads: list and detail of every entity, fields, links, filters and pages."""

import datetime
import re

import pytest

from projects.models import Sector
from tests.api.builders import build_rows
from tests.api.conftest import API, ENDPOINTS
from tests.factories import (
    AmbassadorFactory,
    CohortFactory,
    EnterpriseFactory,
    HonourFactory,
    ProjectFactory,
    ProjectMilestoneFactory,
    RenewalZoneFactory,
    ResearchInstituteFactory,
    SectorFactory,
    SigningEventFactory,
)

OFFSET_TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?[+-]\d\d:\d\d$")


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", [endpoint for endpoint, _label in ENDPOINTS])
def test_list_and_detail_by_slug(api_client, endpoint):
    build_rows(endpoint, 2)
    page = api_client.get(f"{API}{endpoint}/").json()
    assert page["count"] >= 2 and page["previous"] is None
    record = page["results"][0]
    assert record["url"] == f"http://testserver{API}{endpoint}/{record['slug']}/"
    detail = api_client.get(record["url"]).json()
    assert detail == record
    assert OFFSET_TIMESTAMP.match(record["updated_at"]), record["updated_at"]
    assert all(re.fullmatch(r"[a-z][a-z0-9_]*", key) for key in record), "English snake_case field names"
    assert api_client.get(f"{API}{endpoint}/no-such-slug/").status_code == 404


@pytest.mark.django_db
def test_project_shows_relations_as_slugs_plus_links_and_embeds_milestones(api_client):
    zone = RenewalZoneFactory(slug="nanmu")
    event = SigningEventFactory(slug="conference-2026")
    sector = SectorFactory(slug="chemical-materials")
    institute = ResearchInstituteFactory(slug="polymer-institute")
    project = ProjectFactory(
        slug="kangenbei", sector=sector, signing_event=event, zone=zone,
        investors=[EnterpriseFactory(slug="kangenbei-co")], institutes=[institute],
        total_investment="176600.00", funds_in_place="1200.50", signed_on=datetime.date(2026, 2, 10),
    )  # the save logs the signed milestone
    ProjectMilestoneFactory(project=project, stage="negotiating", date=datetime.date(2025, 11, 1), note="首次接洽")

    data = api_client.get(f"{API}projects/kangenbei/").json()
    assert data["investors"] == ["kangenbei-co"]
    assert data["investor_urls"] == [f"http://testserver{API}enterprises/kangenbei-co/"]
    assert data["sector"] == "chemical-materials"
    assert data["sector_url"] == f"http://testserver{API}sectors/chemical-materials/"
    assert data["signing_event"] == "conference-2026"
    assert data["signing_event_url"].endswith("/events/conference-2026/")
    assert data["zone"] == "nanmu" and data["zone_url"].endswith("/zones/nanmu/")
    assert data["institutes"] == ["polymer-institute"]
    assert data["total_investment"] == "176600.00"  # 万元, exact strings
    assert "funds_in_place" not in data  # the funds ledger's sum is staff-only
    assert data["signed_on"] == "2026-02-10"
    assert [m["stage"] for m in data["milestones"]] == ["negotiating", "signed"]
    assert data["milestones"][0] == {"stage": "negotiating", "date": "2025-11-01", "date_precision": "day",
                                     "note": "首次接洽"}
    for link in [data["sector_url"], data["signing_event_url"], data["zone_url"], *data["investor_urls"],
                 *data["institute_urls"]]:
        assert api_client.get(link).status_code == 200, link


@pytest.mark.django_db
def test_other_entities_link_their_relations(api_client):
    honour = HonourFactory(slug="fortune-global-500")
    parent = EnterpriseFactory(slug="sinomach")
    EnterpriseFactory(slug="sumec", parent=parent).honours.set([honour])
    steel = SectorFactory(slug="steel")
    SectorFactory(slug="silicon-steel", parent=steel)
    cohort = CohortFactory(slug="cohort-2026", year=2026)
    AmbassadorFactory(slug="ambassador-one", cohort=cohort, enterprise=parent)
    ResearchInstituteFactory(slug="photochem", zone=RenewalZoneFactory(slug="nanmu"))
    event = SigningEventFactory(slug="conference", announced_project_count=16, announced_total_investment="1766000")
    event.sectors.set([steel])
    ProjectFactory(signing_event=event, total_investment="1000.00")
    ProjectFactory(signing_event=event, total_investment="2500.00")

    sumec = api_client.get(f"{API}enterprises/sumec/").json()
    assert sumec["parent"] == "sinomach" and sumec["honours"] == ["fortune-global-500"]
    assert api_client.get(f"{API}sectors/silicon-steel/").json()["parent_url"].endswith("/sectors/steel/")
    ambassador = api_client.get(f"{API}ambassadors/ambassador-one/").json()
    assert ambassador["cohort"] == "cohort-2026" and ambassador["enterprise"] == "sinomach"
    assert api_client.get(f"{API}institutes/photochem/").json()["zone"] == "nanmu"
    conference = api_client.get(f"{API}events/conference/").json()
    assert conference["announced_project_count"] == 16
    assert conference["announced_total_investment"] == "1766000.00"
    assert conference["recorded_project_count"] == 2
    assert conference["recorded_total_investment"] == "3500.00"
    assert conference["sectors"] == ["steel"]


@pytest.mark.django_db
def test_filters_are_the_shared_filtersets(api_client):
    steel = SectorFactory(slug="steel")
    silicon = SectorFactory(slug="silicon-steel", parent=steel)
    ProjectFactory(slug="a", sector=silicon, name="宝钢国际硅钢项目", is_headquarters=True)
    ProjectFactory(slug="b", sector=steel, signed_on=datetime.date(2025, 5, 1))
    ProjectFactory(slug="c", name="际数科技总部")

    def slugs(query):
        response = api_client.get(f"{API}projects/?{query}")
        assert response.status_code == 200, response.content
        return sorted(r["slug"] for r in response.json()["results"])

    assert slugs("sector=steel") == ["a", "b"]  # includes the sub-sector
    assert slugs("year=2025") == ["b"]
    assert slugs("headquarters=true") == ["a"]
    assert slugs("search=硅钢") == ["a"] == slugs("q=硅钢")
    assert slugs("stage=signed&stage=negotiating") == ["a", "b", "c"]
    assert slugs("investment_min=10000&investment_max=10000") == ["a", "b", "c"]
    assert slugs("investment_min=10000.01") == []


@pytest.mark.django_db
def test_updated_since_returns_only_newer_rows(api_client):
    old = ProjectFactory(slug="old")
    type(old).objects.filter(pk=old.pk).update(updated_at=datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC))
    ProjectFactory(slug="new")
    response = api_client.get(f"{API}projects/", {"updated_since": "2026-01-01T00:00:00+08:00"})
    assert [r["slug"] for r in response.json()["results"]] == ["new"]
    # An offset PostgreSQL would refuse (beyond ±15:59) is the same instant in UTC: fine on both databases.
    response = api_client.get(f"{API}projects/", {"updated_since": "2024-12-31T00:00:00-16:17"})
    assert sorted(r["slug"] for r in response.json()["results"]) == ["new", "old"]


@pytest.mark.django_db
def test_ordering_whitelist_and_stable_pages(api_client):
    for name in ["丙", "甲", "乙"]:
        ProjectFactory(name=name)
    ProjectFactory.create_batch(4, name="同名")  # ties: the id decides
    names = [r["name"] for r in api_client.get(f"{API}projects/?ordering=name").json()["results"]]
    assert names == ["丙", "甲", "同名", "同名", "同名", "同名", "乙"]  # 名称 in pinyin order: bing, jia, tong ming, yi
    seen = []
    for page in (1, 2, 3, 4):
        response = api_client.get(f"{API}projects/?ordering=name&page_size=2&page={page}")
        seen += [r["slug"] for r in response.json()["results"]]
    assert len(seen) == len(set(seen)) == 7


@pytest.mark.django_db
def test_page_size_is_capped(api_client):
    Sector.objects.bulk_create([Sector(name=f"领域{i}", slug=f"sector-{i}", tier="emerging") for i in range(205)])
    page = api_client.get(f"{API}sectors/?page_size=100000").json()
    assert page["count"] == 205 and len(page["results"]) == 200
    assert len(api_client.get(f"{API}sectors/").json()["results"]) == 50


@pytest.mark.django_db
def test_api_root_lists_every_endpoint(api_client):
    root = api_client.get(API).json()
    # The entities, and the OC4IDS package of the projects (tests/api/test_oc4ids.py).
    assert sorted(root) == sorted([*(endpoint for endpoint, _label in ENDPOINTS), "oc4ids"])


@pytest.mark.django_db
def test_read_only(api_client, staff_client):
    ProjectFactory(slug="p")
    for client in (api_client, staff_client):
        assert client.post(f"{API}projects/", {"name": "x"}).status_code in (401, 403, 405)
        assert client.delete(f"{API}projects/p/").status_code in (401, 403, 405)


@pytest.mark.django_db
def test_browsers_get_the_same_data_as_escaped_html(api_client):
    ProjectFactory(slug="html", name="<script>alert(1)</script>青山")
    response = api_client.get(f"{API}projects/html/", HTTP_ACCEPT="text/html")
    assert response.status_code == 200 and response["Content-Type"] == "text/html; charset=utf-8"
    html = response.content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;青山" in html and "<script>alert" not in html
    assert "<script" not in html and "style=" not in html
    assert 'href="/api/v1/projects/html/?format=csv"' in html
    assert api_client.get(f"{API}projects/nope/", HTTP_ACCEPT="text/html").status_code == 404
