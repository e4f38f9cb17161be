"""On PostgreSQL the CSV export is ``COPY (SELECT ...) TO STDOUT``: byte for byte the serializer path's file.

Each test asks for the same export twice, once through the SQL-computed cells (COPY for CSV, the same
SELECT for XLSX) and once through the serializer (``sql_exports = False``), and compares the files.
"""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from ledger.api.base import LedgerViewSet
from projects.export_cells import export_cells_refresh_projects
from projects.models import Project
from projects.services import project_save
from projects.stages import Stage
from tests.api.builders import build_rows
from tests.api.conftest import API, ENDPOINTS
from tests.factories import (
    EnterpriseFactory,
    ProjectFactory,
    ProjectMilestoneFactory,
    RenewalZoneFactory,
    ResearchInstituteFactory,
    SectorFactory,
    SigningEventFactory,
    UserFactory,
)

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="COPY and the SQL-computed cells are PostgreSQL only; elsewhere the export uses the serializer",
    ),
]

NASTY = 'a, "quoted" text\nsecond line\r\nthird\tcolumn \\ backslash \x07bell'


def _body(response) -> bytes:
    assert response.status_code == 200, response.content[:300] if not response.streaming else ""
    return b"".join(response.streaming_content)


def _both(client, url: str, monkeypatch) -> tuple[bytes, bytes, list[str]]:
    """(SQL path file, serializer path file, SQL statements of the SQL path)."""
    with CaptureQueriesContext(connection) as captured:
        computed = _body(client.get(url))
    statements = [query["sql"] for query in captured]  # before the next request resets the log
    with monkeypatch.context() as patch:
        patch.setattr(LedgerViewSet, "sql_exports", False)
        serialized = _body(client.get(url))
    return computed, serialized, statements


def _cells(body: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))


def _assert_same_csv(computed: bytes, serialized: bytes, url: str) -> None:
    assert computed.startswith(b"\xef\xbb\xbf")
    rows_c, rows_s = _cells(computed), _cells(serialized)
    assert rows_c[0] == rows_s[0], url
    assert len(rows_c) == len(rows_s), url
    for number, (row_c, row_s) in enumerate(zip(rows_c, rows_s, strict=True)):
        for column, cell_c, cell_s in zip(rows_s[0], row_c, row_s, strict=True):
            assert cell_c == cell_s, f"{url} row {number} column {column}"
    assert computed == serialized, url  # quoting and line ends too


def _xlsx_rows(body: bytes) -> list[list]:
    sheet = load_workbook(io.BytesIO(body), read_only=True).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


@pytest.fixture
def messy_world():
    """Unpublished amounts and records, formula-like and multi-line text, several investors and milestones."""
    officer = UserFactory(username="officer-wang")
    steel, software = SectorFactory(slug="steel"), SectorFactory(slug="-software", name="=软件")
    hidden_event = SigningEventFactory(slug="hidden-event", is_published=False)
    event = SigningEventFactory(slug="spring-event", name="春季签约, \"大会\"")
    zone = RenewalZoneFactory(slug="zone-1")
    hidden_zone = RenewalZoneFactory(slug="hidden-zone", is_published=False)
    lead = EnterpriseFactory(slug="-lead", name="+领投企业")
    partner = EnterpriseFactory(slug="partner", name="合作企业")
    secret = EnterpriseFactory(slug="secret-investor", name="保密企业", is_published=False)
    institute = ResearchInstituteFactory(slug="institute-1", zone=zone)
    hidden_institute = ResearchInstituteFactory(slug="hidden-institute", zone=zone, is_published=False)

    formula = ProjectFactory(
        slug="formula", code="QS-2026-0001", name="=cmd", name_en="-x", summary="+1", description="@a",
        description_en="\tstarts with a tab", public_note=NASTY, address="青山区, 工人村路 1 号",
        sector=software, signing_event=event, zone=zone, investors=[lead, partner, secret],
        total_investment=Decimal("123456789012.34"), funds_in_place=Decimal("0.50"), is_headquarters=True,
        registered_on=datetime.date(2026, 3, 1), registered_on_precision="month", planned_jobs=1200,
        land_area_mu=Decimal("88.80"), responsible_unit="=招商一局", responsible_person="王\n主任",
        officer=officer, staff_note="@staff only", obstacles='"quote" first', review_comment="-minus",
        stage=Stage.REGISTERED,
    )
    project_save(project=formula, institutes=[institute, hidden_institute])
    ProjectMilestoneFactory(project=formula, stage=Stage.SIGNED, date=datetime.date(2026, 2, 10), note='签约, "第一"\n换行')
    ProjectMilestoneFactory(project=formula, stage=Stage.REGISTERED, date=None, note="")
    ProjectMilestoneFactory(project=formula, stage=Stage.NEGOTIATING, date=datetime.date(2025, 1, 1), date_precision="year", note="\\ \x01 ☃")

    ProjectFactory(
        slug="no-amount", name="青山绿色钢铁 “示范” 项目", total_investment=None, funds_in_place=None, sector=steel,
        signing_event=hidden_event, zone=hidden_zone, investors=[secret], signed_on=None, stage=Stage.NEGOTIATING,
    )
    no_relations = ProjectFactory(slug="no-relations", name="@a", sector=None, signed_on=datetime.date(2024, 6, 30))
    no_relations.investors.clear()  # older data: a signed project without investors, which the services refuse
    export_cells_refresh_projects(project_ids=[no_relations.pk])  # a write that bypassed the door: refreshed by hand
    ProjectFactory(slug="draft", name="草稿项目 DRAFT-MARKER", is_published=False, staff_note="内部")
    ProjectFactory(
        slug="archived", name="归档项目", archived_at=timezone.now(), archive_reason="重复", investors=[partner],
    )
    ProjectFactory.create_batch(3, sector=steel, investors=[partner], total_investment=Decimal("10000.00"))

    # Timestamps with and without microseconds, and one published long ago.
    Project.objects.filter(slug="formula").update(
        published_at=datetime.datetime(2026, 2, 10, 1, 2, 3, 456789, tzinfo=datetime.UTC),
        created_at=datetime.datetime(2026, 1, 1, 16, 0, 0, tzinfo=datetime.UTC),
    )
    Project.objects.filter(slug="no-amount").update(published_at=datetime.datetime(1999, 12, 31, 23, 59, 59, tzinfo=datetime.UTC))
    # Writes that bypassed the door (no service sets these timestamps): their stored lines refreshed by hand.
    export_cells_refresh_projects(project_ids=Project.objects.filter(slug__in=["formula", "no-amount"]).values_list(
        "pk", flat=True))
    return {"event": event, "lead": lead}


QUERIES = [
    "",
    "?ordering=name",
    "?ordering=-total_investment",
    "?ordering=signed_on",
    "?ordering=-updated_at",
    "?stage=signed&stage=registered",
    "?sector=steel",
    "?investor=partner",
    "?event=spring-event",
    "?q=cmd",
    "?q=青山",
    "?search=%E2%80%9C%E7%A4%BA%E8%8C%83",
    "?headquarters=true",
    "?year=2026",
    "?investment_min=5000&investment_max=20000",
    "?signed=false",
    "?same_year=true",
    "?reached=registered",
    "?updated_since=2020-01-01T00:00:00%2B08:00",
    "?q=no-such-thing",
]


@pytest.mark.parametrize("who", ["anonymous", "staff"])
def test_project_csv_by_copy_is_the_serializer_file_byte_for_byte(who, messy_world, api_client, staff_client, monkeypatch):
    client = api_client if who == "anonymous" else staff_client
    for query in QUERIES:
        url = f"{API}projects/{query}{'&' if query else '?'}format=csv"
        computed, serialized, statements = _both(client, url, monkeypatch)
        assert any(sql.startswith("COPY (SELECT") for sql in statements), url
        _assert_same_csv(computed, serialized, url)

    header, *rows = _cells(_both(client, f"{API}projects/?format=csv", monkeypatch)[0])
    by_slug = {row[header.index("slug")]: dict(zip(header, row, strict=True)) for row in rows}
    formula = by_slug["formula"]
    assert formula["name"] == "'=cmd" and formula["name_en"] == "'-x" and formula["summary"] == "'+1"
    investors = formula["investors"].split("; ")  # in the investors' name order
    assert investors[0] == "'-lead" and "partner" in investors
    assert ("secret-investor" in investors) == (who == "staff")
    assert formula["public_note"] == NASTY.replace("\x07", "")  # control characters stripped, the rest intact
    assert by_slug["no-amount"]["total_investment"] == ""
    if who == "anonymous":
        assert "draft" not in by_slug and "archived" not in by_slug
        assert "staff_note" not in header and "@staff only" not in str(rows)
        assert by_slug["no-amount"]["signing_event"] == "" and by_slug["no-amount"]["zone"] == ""
    else:
        assert "draft" in by_slug and formula["staff_note"] == "'@staff only" and formula["officer"] == "officer-wang"


@pytest.mark.parametrize("who", ["anonymous", "staff"])
def test_project_xlsx_from_sql_cells_is_the_serializer_workbook(who, messy_world, api_client, staff_client, monkeypatch):
    client = api_client if who == "anonymous" else staff_client
    for query in ["?format=xlsx&headers=names", "?ordering=name&stage=signed&format=xlsx"]:
        computed, serialized, _statements = _both(client, f"{API}projects/{query}", monkeypatch)
        rows = _xlsx_rows(computed)
        assert rows == _xlsx_rows(serialized)
        if query != "?format=xlsx&headers=names":
            continue
        header = rows[0]
        amounts = [row[header.index("total_investment")] for row in rows[1:]]
        assert Decimal("123456789012.34") in [Decimal(str(a)) for a in amounts if isinstance(a, int | float)]  # a number
        assert None in amounts


@pytest.mark.parametrize("endpoint", [endpoint for endpoint, _label in ENDPOINTS if endpoint != "projects"])
@pytest.mark.parametrize("who", ["anonymous", "staff"])
def test_every_entity_csv_and_xlsx_match_the_serializer(endpoint, who, api_client, staff_client, monkeypatch):
    build_rows(endpoint, 4)
    client = api_client if who == "anonymous" else staff_client
    for query in ["?format=csv", "?ordering=name&format=csv", "?q=测试&format=csv"]:
        url = f"{API}{endpoint}/{query}"
        computed, serialized, statements = _both(client, url, monkeypatch)
        assert any(sql.startswith("COPY (SELECT") for sql in statements), url
        _assert_same_csv(computed, serialized, url)
    computed, serialized, _statements = _both(client, f"{API}{endpoint}/?format=xlsx", monkeypatch)
    assert _xlsx_rows(computed) == _xlsx_rows(serialized)



@pytest.mark.parametrize("zone", ["UTC", "America/New_York", "Asia/Kathmandu"])
def test_timestamps_match_in_any_time_zone(zone, messy_world, api_client, settings, monkeypatch):
    """DRF writes timestamps in the current time zone (``Z`` for UTC, DST and odd offsets as they fall)."""
    settings.TIME_ZONE = zone
    Project.objects.filter(slug="no-relations").update(
        published_at=datetime.datetime(2026, 7, 1, 12, 0, 0, 1, tzinfo=datetime.UTC)  # summer time in New York
    )
    computed, serialized, _statements = _both(api_client, f"{API}projects/?format=csv", monkeypatch)
    _assert_same_csv(computed, serialized, zone)
    header, *rows = _cells(computed)
    stamps = {row[header.index("slug")]: row[header.index("published_at")] for row in rows}
    expected = {"UTC": "2026-07-01T12:00:00.000001Z", "America/New_York": "2026-07-01T08:00:00.000001-04:00",
                "Asia/Kathmandu": "2026-07-01T17:45:00.000001+05:45"}
    assert stamps["no-relations"] == expected[zone]
