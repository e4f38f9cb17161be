"""``/api/v1/oc4ids/``: the public projects as an OC4IDS 0.9.5 project package, valid against the
standard's own schema (kept in tests/data/oc4ids/, never fetched), filtered like the project API,
streamed in chunks, with no staff-only field and no date more precise than the source gave."""

import csv
import datetime
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from jsonschema import Draft4Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from ledger import workflow
from ledger.models import DatePrecision
from projects import oc4ids
from projects.stages import Stage
from tests.api.conftest import API
from tests.factories import (
    CompletedProjectFactory,
    EnterpriseFactory,
    NegotiatingProjectFactory,
    ProjectFactory,
    RenewalZoneFactory,
    SectorFactory,
    SigningEventFactory,
    StartedProjectFactory,
    UserFactory,
)
from tests.queries import exact_queries

pytestmark = pytest.mark.django_db

URL = f"{API}oc4ids/"
SCHEMAS = Path(__file__).resolve().parent.parent / "data" / "oc4ids"
MARKER = "OCMARKER9"
DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}([+-]\d{2}:\d{2}|Z)$")


def validator() -> Draft4Validator:
    package = json.loads((SCHEMAS / "project-package-schema.json").read_text(encoding="utf-8"))
    project = json.loads((SCHEMAS / "project-schema.json").read_text(encoding="utf-8"))
    registry = Registry().with_resource(project["id"], Resource.from_contents(project, default_specification=DRAFT4))
    return Draft4Validator(package, registry=registry, format_checker=FormatChecker())


def fetch(client, url: str = URL) -> tuple[dict, str]:
    response = client.get(url)
    assert response.status_code == 200
    assert response.streaming and response["Content-Type"] == "application/json; charset=utf-8"
    text = b"".join(response.streaming_content).decode()
    return json.loads(text), text


def errors_of(package: dict) -> list[str]:
    return [f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
            for error in validator().iter_errors(package)]


def test_the_seed_package_validates_with_zero_errors(client):
    call_command("load_seed", verbosity=0)
    package, _text = fetch(client)
    assert errors_of(package) == []
    assert package["version"] == "0.9" and package["publisher"]["name"] == "武汉市青山区招商局"
    titles = {project["title"] for project in package["projects"]}
    assert "宝钢国际硅钢供应链项目" in titles and len(titles) == 19
    # Every date in the package is a full RFC 3339 date-time (the schema's format, checked strictly).
    for project in package["projects"]:
        for milestone in project.get("milestones", []):
            assert "dateMet" not in milestone or DATE_TIME.match(milestone["dateMet"])


def test_a_year_or_month_date_is_never_written_as_a_day(client):
    project = StartedProjectFactory(
        name="精度测试项目", signed_on=datetime.date(2025, 1, 1), signed_on_precision=DatePrecision.YEAR,
        registered_on=datetime.date(2025, 3, 1), registered_on_precision=DatePrecision.MONTH,
        started_on=datetime.date(2025, 4, 18), started_on_precision=DatePrecision.DAY,
    )
    package, text = fetch(client)
    record = next(p for p in package["projects"] if p["id"] == f"qingshan-invest-{project.pk}")
    milestones = {m["id"]: m for m in record["milestones"]}
    assert "dateMet" not in milestones["signed"]
    assert milestones["signed"]["description"] == "日期（仅知年份）：2025年"
    assert "dateMet" not in milestones["registered"]
    assert milestones["registered"]["description"] == "日期（仅知年月）：2025年3月"
    assert milestones["started"]["dateMet"] == "2025-04-18T00:00:00+08:00"
    # Periods start only from a day-precise date: implementation yes, preparation (a year) no.
    assert record["implementationPeriod"] == {"startDate": "2025-04-18T00:00:00+08:00"}
    assert "preparationPeriod" not in record
    assert "2025-01-01" not in text and "2025-03-01" not in text
    assert errors_of(package) == []


def test_budget_is_the_published_total_in_yuan_exactly(client):
    published = ProjectFactory(name="有投资额", total_investment=Decimal("176600.37"))
    unknown = ProjectFactory(name="未公布投资额", total_investment=None)
    package, text = fetch(client)
    by_id = {p["id"]: p for p in package["projects"]}
    assert by_id[f"qingshan-invest-{published.pk}"]["budget"]["amount"] == {"amount": 1766003700, "currency": "CNY"}
    assert '"amount":1766003700,' in text  # an integer in the JSON text, not 1766003700.0 or a string
    assert "budget" not in by_id[f"qingshan-invest-{unknown.pk}"]


def test_status_follows_the_stage_table():
    assert set(oc4ids.STAGE_STATUS) == set(Stage.values)
    codes = {row["Code"] for row in csv.DictReader((SCHEMAS / "projectStatus.csv").open(encoding="utf-8"))}
    assert {status for status in oc4ids.STAGE_STATUS.values() if status} <= codes


def test_a_completed_project_is_in_completion_with_its_met_milestone(client):
    project = CompletedProjectFactory(name="竣工测试项目", completed_on=datetime.date(2026, 8, 10),
                                      planned_production_on=datetime.date(2031, 7, 19))
    package, text = fetch(client)
    record = next(p for p in package["projects"] if p["id"] == f"qingshan-invest-{project.pk}")
    assert record["status"] == "completion"
    completed = next(m for m in record["milestones"] if m["id"] == "completed")
    assert completed == {"id": "completed", "title": "竣工", "type": "delivery", "status": "met",
                         "dateMet": "2026-08-10T00:00:00+08:00"}
    assert record["completionPeriod"] == {"startDate": "2026-08-10T00:00:00+08:00"}
    assert "2031-07-19" not in text  # the plan is staff-only
    assert errors_of(package) == []


def test_on_hold_has_no_status_code_and_says_so(client):
    project = NegotiatingProjectFactory(name="暂缓项目", stage=Stage.ON_HOLD, summary="测试摘要")
    package, _text = fetch(client)
    record = next(p for p in package["projects"] if p["id"] == f"qingshan-invest-{project.pk}")
    assert "status" not in record
    assert record["description"] == "测试摘要\n\n项目状态：暂缓。"


def test_parties_classifications_and_locations(client):
    parent = SectorFactory(name="测试主导", slug="test-pillar")
    child = SectorFactory(name="测试子领域", slug="test-child", parent=parent)
    zone = RenewalZoneFactory(name="测试园区", slug="test-park", latitude=Decimal("30.64"), longitude=Decimal("114.39"))
    investor = EnterpriseFactory(name="测试投资方", slug="test-investor", province="浙江", city="杭州")
    project = ProjectFactory(sector=child, zone=zone, investors=[investor], address="测试大道1号")
    package, _text = fetch(client)
    record = next(p for p in package["projects"] if p["id"] == f"qingshan-invest-{project.pk}")
    assert record["publicAuthority"] == {"id": "qingshan-investment-promotion-office", "name": "武汉市青山区招商局"}
    assert [(p["id"], p["roles"]) for p in record["parties"]] == [
        ("qingshan-investment-promotion-office", ["publicAuthority"]), ("enterprise-test-investor", ["funder"])]
    assert record["parties"][1]["address"] == {"region": "浙江", "locality": "杭州", "countryName": "中国"}
    assert [c["id"] for c in record["additionalClassifications"]] == ["test-pillar", "test-child"]
    assert record["locations"][0]["address"]["streetAddress"] == "测试大道1号"
    assert record["locations"][1] == {"id": "zone-test-park", "description": "测试园区",
                                      "address": oc4ids.DISTRICT_ADDRESS,
                                      "geometry": {"type": "Point", "coordinates": [114.39, 30.64]}}
    assert errors_of(package) == []


def test_staff_only_fields_and_unpublished_records_never_appear(client):
    hidden_investor = EnterpriseFactory(name=f"{MARKER}企业", slug="ocmarker9-enterprise", is_published=False)
    hidden_zone = RenewalZoneFactory(name=f"{MARKER}片区", slug="ocmarker9-zone", is_published=False)
    hidden_event = SigningEventFactory(name=f"{MARKER}活动", slug="ocmarker9-event", is_published=False)
    officer = UserFactory(username="ocmarker9-officer")
    ProjectFactory(
        name="公开项目", investors=[EnterpriseFactory(), hidden_investor], zone=hidden_zone, signing_event=hidden_event,
        staff_note=f"{MARKER}谈判", obstacles=f"{MARKER}问题", responsible_unit=f"{MARKER}局",
        responsible_person=f"{MARKER}同志", officer=officer, review_comment=f"{MARKER}意见", public_note="",
    )
    ProjectFactory(name=f"{MARKER}未发布项目", is_published=False)
    archived = ProjectFactory(name=f"{MARKER}归档项目")
    workflow.archive_project(project=archived, user=None, reason="测试")
    staff = UserFactory(username="staff", is_staff=True, is_superuser=True)
    for who in ("anonymous", "staff"):
        if who == "staff":
            client.force_login(staff)
        package, text = fetch(client)
        assert MARKER not in text and "ocmarker9" not in text, who
        assert [p["title"] for p in package["projects"]] == ["公开项目"], who


def test_the_project_filters_apply_and_bad_ones_are_refused(client):
    steel = SectorFactory(name="测试钢", slug="test-steel")
    silicon = SectorFactory(name="测试硅钢", slug="test-silicon", parent=steel)
    ProjectFactory(name="宝钢测试", sector=silicon)
    StartedProjectFactory(name="开工测试")
    assert [p["title"] for p in fetch(client, f"{URL}?sector=test-steel")[0]["projects"]] == ["宝钢测试"]
    assert [p["title"] for p in fetch(client, f"{URL}?stage=started")[0]["projects"]] == ["开工测试"]
    assert [p["title"] for p in fetch(client, f"{URL}?q=宝钢")[0]["projects"]] == ["宝钢测试"]
    assert fetch(client, f"{URL}?stage=signed&stage=started")[0]["projects"].__len__() == 2
    for bad in ("?stage=bogus", "?year=", "?sector=no-such", "?signed=maybe", "?q=a%00b"):
        response = client.get(URL + bad)
        assert response.status_code == 400, bad
        assert response["Content-Type"] == "application/json", bad


def test_the_whole_ledger_streams_in_chunks_with_a_fixed_number_of_queries(client, monkeypatch):
    for _ in range(5):
        ProjectFactory()
    fetch(client)  # warm the per-process caches (content types)
    # The public data version, the sector tree, then projects and their investors per chunk of 1000.
    with exact_queries(4, "one chunk"):
        package, _text = fetch(client)
    assert len(package["projects"]) == 5
    monkeypatch.setattr(oc4ids, "CHUNK_SIZE", 2)
    with exact_queries(2 + 3 * 2, "three chunks of two"):
        response = client.get(URL)
        chunks = list(response.streaming_content)
    package = json.loads(b"".join(chunks))
    ids = [p["id"] for p in package["projects"]]
    assert len(ids) == len(set(ids)) == 5
    assert len(chunks) == 5  # the head, one piece per chunk, the tail


@pytest.mark.parametrize("count", [1, 50])
def test_query_count_does_not_grow_with_rows(client, count):
    for _ in range(count):
        ProjectFactory(investors=[EnterpriseFactory(), EnterpriseFactory()])
    fetch(client)
    with exact_queries(4, f"{count} projects"):
        package, _text = fetch(client)
    assert len(package["projects"]) == count


def test_a_demo_ledger_validates_with_zero_errors(client):
    call_command("load_seed", verbosity=0)
    call_command("generate_demo", projects=300, seed=3, verbosity=0)
    package, _text = fetch(client)
    assert len(package["projects"]) > 19
    assert errors_of(package) == []
