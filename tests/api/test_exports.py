"""?format=csv|xlsx: the whole filtered result as a file, with the same rows and columns as the JSON."""

import csv
import datetime
import io
import re
from decimal import Decimal

import pytest
from django.http import StreamingHttpResponse
from django.utils import timezone
from openpyxl import load_workbook

from ledger.exports import flatten, neutralise
from tests.api.builders import build_rows
from tests.api.conftest import API, ENDPOINTS
from tests.factories import ProjectFactory, ProjectMilestoneFactory, SectorFactory


def read_csv(response) -> tuple[list[str], list[list[str]]]:
    assert isinstance(response, StreamingHttpResponse)
    raw = b"".join(response.streaming_content)
    assert raw.startswith(b"\xef\xbb\xbf"), "UTF-8 BOM so that Excel reads Chinese"
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    return rows[0], rows[1:]


def read_xlsx(response) -> tuple[list[str], list[list]]:
    body = b"".join(response.streaming_content)
    sheet = load_workbook(io.BytesIO(body), read_only=True).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    return list(rows[0]), rows[1:]


def all_json(client, url: str) -> list[dict]:
    records = []
    while url:
        page = client.get(url).json()
        records.extend(page["results"])
        url = page["next"]
    return records


def as_cell(value) -> str:
    return neutralise(flatten(value))


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", [endpoint for endpoint, _label in ENDPOINTS])
def test_csv_xlsx_and_json_carry_the_same_rows_and_columns(api_client, endpoint):
    build_rows(endpoint, 7)
    query = "ordering=name&page_size=3" if endpoint != "sectors" else "tier=emerging&ordering=name&page_size=3"
    records = all_json(api_client, f"{API}{endpoint}/?{query}")
    assert len(records) >= 7

    csv_header, csv_rows = read_csv(api_client.get(f"{API}{endpoint}/?{query}&format=csv"))
    xlsx_header, xlsx_rows = read_xlsx(api_client.get(f"{API}{endpoint}/?{query}&format=xlsx&headers=names"))

    assert csv_header == xlsx_header == list(records[0].keys())
    assert len(csv_rows) == len(xlsx_rows) == len(records)
    for record, csv_row, xlsx_row in zip(records, csv_rows, xlsx_rows, strict=True):
        assert csv_row == [as_cell(record[column]) for column in csv_header]
        for column, cell in zip(xlsx_header, xlsx_row, strict=True):
            assert_typed_cell(cell, record[column], column)


def assert_typed_cell(cell, expected, column: str) -> None:
    """An XLSX cell holds the JSON value with its type: numbers, dates, timestamps, booleans; text guarded."""
    if expected is None or expected == "" or expected == []:
        assert cell is None, column
    elif isinstance(expected, bool):
        assert cell is expected, column
    elif isinstance(expected, int):
        assert isinstance(cell, int) and cell == expected, column
    elif isinstance(expected, str) and re.fullmatch(r"-?\d+\.\d+", expected):
        assert isinstance(cell, int | float) and Decimal(str(cell)) == Decimal(expected), column
    elif isinstance(expected, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", expected):
        assert isinstance(cell, datetime.datetime) and cell.date().isoformat() == expected, column
    elif isinstance(expected, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}T.*", expected):
        local = timezone.localtime(datetime.datetime.fromisoformat(expected.replace("Z", "+00:00")))
        assert cell == local.replace(tzinfo=None, second=0, microsecond=0), column
    else:
        assert isinstance(cell, str) and cell == as_cell(expected), column


@pytest.mark.django_db
def test_export_is_the_whole_filtered_result_not_one_page(api_client):
    steel = SectorFactory(slug="steel")
    ProjectFactory.create_batch(60, sector=steel)
    ProjectFactory.create_batch(3)  # another sector: filtered out
    page = api_client.get(f"{API}projects/?sector=steel&page_size=10").json()
    assert page["count"] == 60 and len(page["results"]) == 10

    header, rows = read_csv(api_client.get(f"{API}projects/?sector=steel&page_size=10&page=2&format=csv"))
    assert len(rows) == 60
    assert {row[header.index("sector")] for row in rows} == {"steel"}
    _header, xlsx_rows = read_xlsx(api_client.get(f"{API}projects/?sector=steel&format=xlsx"))
    assert len(xlsx_rows) == 60


@pytest.mark.django_db
def test_csv_file_name_type_and_chinese_text(api_client):
    ProjectFactory(name="海亮集团产业合作项目", slug="hailiang")
    response = api_client.get(f"{API}projects/?format=csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="qingshan-projects-')
    assert response["Content-Disposition"].endswith('.csv"')
    header, rows = read_csv(response)
    assert rows[0][header.index("name")] == "海亮集团产业合作项目"

    response = api_client.get(f"{API}projects/hailiang/?format=xlsx")
    assert response["Content-Disposition"].startswith('attachment; filename="qingshan-projects-hailiang-')
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    _header, rows = read_xlsx(response)
    assert len(rows) == 1


@pytest.mark.django_db
@pytest.mark.parametrize("dangerous", ["=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"])
def test_formula_injection_is_neutralised_in_csv_and_xlsx(api_client, dangerous):
    ProjectFactory(name=f"{dangerous}", summary=dangerous, slug="formula")
    header, rows = read_csv(api_client.get(f"{API}projects/?format=csv"))
    assert rows[0][header.index("name")] == "'" + dangerous
    assert rows[0][header.index("summary")] == "'" + dangerous
    header, rows = read_xlsx(api_client.get(f"{API}projects/?format=xlsx&headers=names"))
    cell = rows[0][header.index("summary")]
    assert cell.startswith("'") and cell[2:] == dangerous[1:]  # XML stores a lone CR as LF
    # The JSON answer is data, not a spreadsheet: unchanged.
    assert api_client.get(f"{API}projects/formula/").json()["summary"] == dangerous


@pytest.mark.django_db
def test_xlsx_survives_control_characters(api_client):
    ProjectFactory(summary="bell\x07and\x1bescape", slug="controls")
    header, rows = read_xlsx(api_client.get(f"{API}projects/?format=xlsx&headers=names"))
    assert rows[0][header.index("summary")] == "bellandescape"


@pytest.mark.django_db
def test_nested_milestones_and_lists_flatten_into_one_cell(api_client):
    project = ProjectFactory(slug="nested")  # the save logs the signed milestone
    ProjectMilestoneFactory(project=project, stage="negotiating", date=datetime.date(2025, 11, 1), note="首次接洽")
    header, rows = read_csv(api_client.get(f"{API}projects/?format=csv"))
    row = dict(zip(header, rows[0], strict=True))
    assert row["milestones"] == (
        '[{"stage":"negotiating","date":"2025-11-01","date_precision":"day","note":"首次接洽"},'
        '{"stage":"signed","date":"2026-02-10","date_precision":"day","note":""}]'
    )
    assert row["is_headquarters"] == "false"
    assert row["total_investment"] == "10000.00"


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_errors_are_json_whatever_format_was_asked(api_client, fmt):
    response = api_client.get(f"{API}projects/?format={fmt}&year=abc")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert "year" in response.json()
    response = api_client.get(f"{API}projects/no-such-project/?format={fmt}")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"


@pytest.mark.django_db
def test_export_by_accept_header(api_client):
    ProjectFactory()
    response = api_client.get(f"{API}projects/", HTTP_ACCEPT="text/csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"


def test_neutralise_only_touches_formula_triggers():
    assert neutralise("=1+1") == "'=1+1"
    assert neutralise("-") == "'-"
    assert neutralise("青山区") == "青山区"
    assert neutralise("2026-02-10") == "2026-02-10"
    assert neutralise("") == ""
