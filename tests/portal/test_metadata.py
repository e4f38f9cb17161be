"""Public pages describe themselves to machines: a canonical link to themselves, OpenGraph matching the
page, and schema.org JSON-LD of the record they show (published records and public fields only), as a
data block no value can break out of; the Atom feed names its author (RFC 4287)."""

import json
import re
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest

from tests.factories import (
    EnterpriseFactory,
    ProjectFactory,
    RenewalZoneFactory,
    ResearchInstituteFactory,
    SigningEventFactory,
    StaffUserFactory,
)

pytestmark = pytest.mark.django_db

MARKER = "ZQXMETAMARKER"


def head_of(response) -> str:
    body = response.content.decode()
    return body[:body.index("</head>")]


def json_ld(response) -> list[dict]:
    return [json.loads(block) for block in
            re.findall(r'<script type="application/ld\+json">(.*?)</script>', response.content.decode(), re.S)]


def meta(head: str, prop: str) -> list[str]:
    return re.findall(rf'<meta property="{re.escape(prop)}" content="([^"]*)">', head)


def canonical(head: str) -> list[str]:
    return re.findall(r'<link rel="canonical" href="([^"]*)">', head)


@pytest.fixture
def records():
    zone = RenewalZoneFactory(name="测试园区", slug="test-park", latitude=Decimal("30.64"), longitude=Decimal("114.39"))
    hidden = EnterpriseFactory(name=f"{MARKER}企业", is_published=False)
    project = ProjectFactory(name="测试元数据项目", slug="meta-project", summary="测试摘要", zone=zone,
                             investors=[EnterpriseFactory(name="测试公开投资方"), hidden])
    event = SigningEventFactory(name="测试签约会", slug="meta-event", place="测试会场")
    institute = ResearchInstituteFactory(name="测试研究院", slug="meta-institute", zone=zone)
    return {"project": project, "event": event, "zone": zone, "institute": institute}


@pytest.mark.parametrize("url", ["/", "/projects/", "/events/", "/zones/", "/institutes/", "/ambassadors/",
                                 "/chains/", "/map/", "/interest/"])
def test_each_page_is_its_own_canonical_page_with_opengraph(client, url):
    for prefix, locale in (("", "zh_CN"), ("/en", "en_US")):
        response = client.get(prefix + url if url != "/" else (prefix + "/" if prefix else "/"))
        head = head_of(response)
        assert canonical(head) == [f"http://testserver{prefix}{url}"]
        assert meta(head, "og:url") == canonical(head)
        title = re.search(r"<title>(.*?) · ", head).group(1)
        assert meta(head, "og:title") == [title]
        assert meta(head, "og:description") == re.findall(r'<meta name="description" content="([^"]*)">', head)
        assert meta(head, "og:locale") == [locale]


def test_a_filtered_list_names_the_list_as_canonical_and_keeps_the_page(client, records):
    head = head_of(client.get("/projects/?stage=signed&ordering=-total_investment"))
    assert canonical(head) == ["http://testserver/projects/"]
    for _index in range(60):
        ProjectFactory()
    assert canonical(head_of(client.get("/projects/?page=2&stage=signed"))) == ["http://testserver/projects/?page=2"]


def test_the_home_page_names_the_office(client):
    assert json_ld(client.get("/")) == [{
        "@context": "https://schema.org", "@type": "GovernmentOrganization", "name": "武汉市青山区招商局",
        "url": "http://testserver/", "areaServed": {"@type": "AdministrativeArea", "name": "武汉市青山区"},
    }]
    assert json_ld(client.get("/en/"))[0]["name"] == "Investment Promotion Office, Qingshan District, Wuhan"


def test_records_are_described_by_the_schema_org_type_that_fits(client, records):
    (project,) = json_ld(client.get("/projects/meta-project/"))
    assert project["@type"] == "Project" and project["name"] == "测试元数据项目"
    assert project["url"] == "http://testserver/projects/meta-project/"
    assert project["funder"] == [{"@type": "Organization", "name": "测试公开投资方"}]  # the published one only
    assert project["location"]["name"] == "测试园区"
    (event,) = json_ld(client.get("/events/meta-event/"))
    assert (event["@type"], event["startDate"], event["location"]) == (
        "Event", "2026-02-10", {"@type": "Place", "name": "测试会场"})
    (zone,) = json_ld(client.get("/zones/test-park/"))
    assert zone["@type"] == "Place"
    assert zone["geo"] == {"@type": "GeoCoordinates", "latitude": 30.64, "longitude": 114.39}
    (institute,) = json_ld(client.get("/institutes/meta-institute/"))
    assert institute["@type"] == "ResearchOrganization" and institute["location"]["name"] == "测试园区"
    for url in ("/projects/meta-project/", "/en/projects/meta-project/"):
        assert MARKER not in client.get(url).content.decode()


def test_no_value_can_close_the_data_block(client):
    ProjectFactory(name="</script><script>alert(1)</script>", slug="hostile", summary="a & b <i>")
    body = client.get("/projects/hostile/").content.decode()
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', body, re.S).group(1)
    assert "<" not in block and ">" not in block and "&" not in block
    assert json.loads(block)["name"] == "</script><script>alert(1)</script>"


def test_error_pages_and_previews_claim_no_canonical_address(client, records):
    assert canonical(head_of(client.get("/projects/no-such-project/"))) == []
    records["project"].is_published = False
    records["project"].save(update_fields=["is_published"])
    staff = StaffUserFactory(username="meta-staff", is_superuser=True)
    client.force_login(staff)
    response = client.get(f"/preview/projects/project/{records['project'].pk}/")
    assert response.status_code == 200 and canonical(head_of(response)) == []


def test_the_atom_feed_names_its_author(client, records):
    root = ET.fromstring(client.get("/projects/feed/").content)
    atom = "{http://www.w3.org/2005/Atom}"
    author = root.find(f"{atom}author")
    assert author.find(f"{atom}name").text == "武汉市青山区招商局"
    assert author.find(f"{atom}uri").text == "http://testserver/"
    assert root.findall(f"{atom}entry")
