"""XLSX for people: choices as their Chinese labels, dates no more precise than known, headers as in the CSV."""

import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from ledger.spreadsheet_cells import MONTH_FORMAT, YEAR_FORMAT, YEAR_NUMBER_FORMAT
from projects.stages import Stage
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db
API = "/api/v1/projects/"


def _sheet(content: bytes):
    return load_workbook(io.BytesIO(content), read_only=False).active


def _body(response) -> bytes:
    assert response.status_code == 200
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_xlsx_shows_choice_labels_and_dates_at_their_precision(client):
    ProjectFactory(slug="year-only", stage=Stage.SIGNED, signed_on=datetime.date(2025, 1, 1), signed_on_precision="year")
    ProjectFactory(slug="month-only", stage=Stage.SIGNED, signed_on=datetime.date(2024, 3, 1),
                   signed_on_precision="month")
    names = _sheet(_body(client.get(f"{API}?format=xlsx&headers=names")))
    columns = [cell.value for cell in names[1]]
    sheet = _sheet(_body(client.get(f"{API}?format=xlsx")))
    assert [cell.value for cell in sheet[1]][columns.index("stage")] == "项目阶段"
    rows = {row[columns.index("slug")].value: row for row in sheet.iter_rows(min_row=2)}
    stage, signed = columns.index("stage"), columns.index("signed_on")
    year_row, month_row = rows["year-only"], rows["month-only"]
    assert year_row[stage].value == month_row[stage].value == "已签约"
    assert year_row[signed].value == datetime.datetime(2025, 1, 1) and year_row[signed].number_format == YEAR_FORMAT
    assert month_row[signed].value == datetime.datetime(2024, 3, 1)
    assert month_row[signed].number_format == MONTH_FORMAT
    assert [cell.value for cell in names[2]][stage] == "signed"  # for programs: the codes


def test_csv_and_xlsx_headers_agree_in_each_mode(client):
    ProjectFactory()
    for mode in ("labels", "names"):
        xlsx = [cell.value for cell in _sheet(_body(client.get(f"{API}?format=xlsx&headers={mode}")))[1]]
        csv_header = _body(client.get(f"{API}?format=csv&headers={mode}")).decode("utf-8-sig").split("\r\n")[0]
        assert csv_header.split(",") == xlsx


def test_the_admin_xlsx_export_writes_a_year_only_date_as_a_number_the_import_reads_back(admin_client):
    ProjectFactory(name="年份项目", signed_on=datetime.date(2025, 1, 1), signed_on_precision="year")
    response = admin_client.post(reverse("admin:projects_project_export"), {
        "format": "0", "resource": "0", "projectresource_name": "on", "projectresource_signed_on": "on"})
    sheet = _sheet(response.content)
    cell = sheet.cell(row=2, column=2)
    assert sheet.cell(row=1, column=2).value == "签约日期"
    assert (cell.value, cell.number_format) == (2025, YEAR_NUMBER_FORMAT)
