"""Files an office can use: GBK/GB18030 CSVs, a template with an example row and dropdowns, a preview
that marks the bad cell at Excel's row number, and a Chinese message instead of a traceback."""

import io

import openpyxl
import pytest

from ledger.ledger_files import UnreadableFile, read_upload
from projects.models import Project
from tests.factories import EnterpriseFactory, ProjectFactory, SectorFactory

pytestmark = pytest.mark.django_db

IMPORT_URL = "/admin/projects/project/import/"
HEADER = "项目编号,项目名称,投资方,产业领域,项目阶段,签约日期,总投资（万元）\n"


def upload(content: bytes, name: str):
    handle = io.BytesIO(content)
    handle.name = name
    return handle


def preview(admin_client, content: bytes, name: str = "项目.csv"):
    response = admin_client.post(IMPORT_URL, {"format": "0", "resource": "0", "import_file": upload(content, name)})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Traceback" not in page and 'File "/' not in page and "Error" not in page
    return response, page


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8", "utf-8-sig"])
def test_a_csv_saved_by_an_office_pc_imports(admin_client, encoding):
    SectorFactory(name="氢能")
    EnterpriseFactory(name="武汉甲乙科技有限公司")
    name = "青山㐀项目" if encoding == "gb18030" else "青山氢能项目"  # 㐀 is in GB18030, not in GBK
    content = (HEADER + f"QS-1,{name},武汉甲乙科技有限公司,氢能,已签约,2026-02-10,3500\n").encode(encoding)
    response, page = preview(admin_client, content)
    confirm = response.context["confirm_form"]
    assert name in page
    done = admin_client.post("/admin/projects/project/process_import/", {**confirm.initial, "resource": "0"})
    assert done.status_code == 302
    assert Project.objects.get().name == name


def test_an_unreadable_file_is_refused_in_chinese():
    with pytest.raises(UnreadableFile, match="无法识别文件的文字编码"):
        read_upload(b"\x81\x30\xff\xfe\x80\x80garbage", "项目.csv")
    with pytest.raises(UnreadableFile, match="不是 Excel 工作簿"):
        read_upload(b"not a zip", "项目.xlsx")
    with pytest.raises(UnreadableFile, match="文件是空的"):
        read_upload(b"\xef\xbb\xbf", "项目.csv")


def test_an_unreadable_upload_gets_a_message_not_a_traceback(admin_client):
    _response, page = preview(admin_client, b"\x81\x30\xff\xfe\x80\x80garbage")
    assert "无法识别文件的文字编码" in page and "UnicodeDecodeError" not in page
    _response, page = preview(admin_client, b"PK\x03\x04broken zip", "项目.xlsx")
    assert "无法读取这个 Excel 文件" in page
    response = admin_client.post(IMPORT_URL, {"format": "0", "resource": "0",
                                              "import_file": upload(b"a,b\n", "项目.txt")})
    assert "请上传 Excel 工作簿（.xlsx）或 CSV 文件" in response.content.decode()


def test_wrong_headers_say_which_and_show_no_traceback(admin_client):
    _response, page = preview(admin_client, "名字,金额\n甲,1\n".encode())
    assert "表头不认识：名字、金额" in page
    assert "traceback" not in page.lower()


def test_bad_cells_are_marked_in_the_preview_at_excels_row_number(admin_client):
    SectorFactory(name="氢能")
    content = (HEADER + "QS-1,好项目,,氢能,在谈,,100\n"
               + "QS-2,坏领域,,不存在,在谈,,\n"
               + "QS-3,控制\x00字符,,氢能,在谈,,100\n").encode()
    response, page = preview(admin_client, content)
    rows = response.context["preview_rows"]
    assert [row["number"] for row in rows] == [3, 4]  # Excel: the header is row 1, QS-2 is on row 3
    bad_sector = {cell["header"]: cell for cell in rows[0]["cells"]}
    assert bad_sector["产业领域"]["value"] == "不存在"
    assert "未知的产业领域“不存在”" in bad_sector["产业领域"]["errors"][0]
    assert bad_sector["总投资（万元）"]["value"] == ""  # an empty cell is empty, not "None"
    nul = {cell["header"]: cell for cell in rows[1]["cells"]}
    assert "控制字符" in nul["项目名称"]["errors"][0]
    assert 'class="qs-cell-error">不存在<span class="qs-cell-message">未知的产业领域“不存在”' in page
    assert ">None<" not in page and "某些行验数据证失败" not in page
    assert not Project.objects.exists()


def test_the_template_has_an_example_row_dropdowns_and_fitting_columns(admin_client):
    SectorFactory(name="氢能")
    SectorFactory(name="新材料")
    response = admin_client.get("/admin/projects/project/import-template.xlsx")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = book.worksheets[0]
    headers = [cell.value for cell in sheet[1]]
    example = {header: cell.value for header, cell in zip(headers, sheet[2], strict=True)}
    assert example["项目名称"].startswith("【示例】")
    assert example["项目阶段"] == "在谈" and example["总部项目"] == "否"
    assert isinstance(example["总投资（万元）"], int | float) and sheet["A2"].data_type != "f"
    assert sheet.freeze_panes == "A2"
    lists = {}
    for validation in sheet.data_validations.dataValidation:
        column = str(validation.sqref).split(":")[0].rstrip("0123456789")
        lists[headers[openpyxl.utils.column_index_from_string(column) - 1]] = validation.formula1
    assert "在谈" in lists["项目阶段"] and "已签约" in lists["项目阶段"]
    assert "氢能" in lists["产业领域"] and "新材料" in lists["产业领域"]
    assert lists["总部项目"] == '"是,否"'
    for index, header in enumerate(headers, start=1):
        width = sheet.column_dimensions[openpyxl.utils.get_column_letter(index)].width
        assert width >= len(header) * 2, header  # Chinese characters are two units wide

    csv_template = admin_client.get("/admin/projects/project/import-template.csv").content.decode("utf-8")
    assert csv_template.startswith("\ufeff项目编号,项目名称") and "【示例】" in csv_template


def test_the_untouched_template_imports_nothing(admin_client):
    SectorFactory(name="氢能")
    content = admin_client.get("/admin/projects/project/import-template.xlsx").content
    response, _page = preview(admin_client, content, "模板.xlsx")
    assert response.context["confirm_form"] is not None
    assert [row.import_type for row in response.context["result"].valid_rows()] == ["skip"]
    done = admin_client.post("/admin/projects/project/process_import/",
                             {**response.context["confirm_form"].initial, "resource": "0"})
    assert done.status_code == 302 and not Project.objects.exists()


def test_the_format_comes_from_the_file_not_a_select(admin_client):
    page = admin_client.get(IMPORT_URL).content.decode()
    assert "---" not in page and 'accept=".xlsx,.csv"' in page


def test_admin_csv_export_has_a_bom_and_reimports(admin_client):
    ProjectFactory(name="导出项目", code="QS-7")
    response = admin_client.post("/admin/projects/project/export/", {
        "format": "1", "resource": "0", "projectresource_code": "on", "projectresource_name": "on"})
    assert response.content.startswith("\ufeff项目编号,项目名称".encode())
    assert read_upload(response.content, "x.csv").dict[0]["项目名称"] == "导出项目"
