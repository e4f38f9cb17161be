"""The import pages in the admin: template download, preview naming every bad row, confirm, export."""

import io

import openpyxl
import pytest
import tablib

from projects.models import Project
from tests.factories import EnterpriseFactory, ProjectFactory, SectorFactory, UserFactory

pytestmark = pytest.mark.django_db

IMPORT_URL = "/admin/projects/project/import/"


def xlsx(rows, headers=("项目编号", "项目名称", "投资方", "产业领域", "项目阶段", "签约日期", "总投资（万元）")):
    data = tablib.Dataset(headers=list(headers))
    for row in rows:
        data.append(row)
    upload = io.BytesIO(data.export("xlsx"))
    upload.name = "项目.xlsx"
    return upload


def test_template_downloads_with_chinese_headers(admin_client):
    response = admin_client.get("/admin/projects/project/import-template.xlsx")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    headers = [cell.value for cell in sheet[1]]
    assert headers[:3] == ["项目编号", "项目名称", "投资方"] and "总投资（万元）" in headers
    csv = admin_client.get("/admin/projects/project/import-template.csv")
    assert csv.content.decode("utf-8").startswith("\ufeff项目编号,项目名称")
    page = admin_client.get(IMPORT_URL).content.decode()
    assert "/admin/projects/project/import-template.xlsx" in page and "qs-import-progress" in page


def test_preview_names_every_bad_row_then_a_clean_file_commits(admin_client):
    SectorFactory(name="氢能")
    EnterpriseFactory(name="甲公司")
    messy = xlsx([
        ["QS-1", "好项目", "甲公司", "氢能", "已签约", "2026-02-10", "100"],
        ["QS-2", "坏领域", "甲公司", "不存在", "已签约", "2026-02-10", "100"],
        ["QS-3", "坏日期", "甲公司", "氢能", "已签约", "昨天", "100"],
        ["QS-4", "坏金额", "甲公司", "氢能", "已签约", "2026-02-10", "一百万"],
        ["QS-1", "重复行", "甲公司", "氢能", "已签约", "2026-02-10", "100"],
    ])
    response = admin_client.post(IMPORT_URL, {"format": "0", "import_file": messy, "resource": "0"})
    page = response.content.decode()
    assert response.status_code == 200
    for message in ["未知的产业领域“不存在”", "签约日期“昨天”不是有效日期", "总投资“一百万”不是金额", "与第 2 行重复"]:
        assert message in page
    assert response.context["result"].has_validation_errors()
    assert "confirm_form" not in response.context or response.context["confirm_form"] is None
    assert not Project.objects.exists()

    clean = xlsx([["QS-1", "好项目", "甲公司", "氢能", "已签约", "2026-02-10", "100"]])
    preview = admin_client.post(IMPORT_URL, {"format": "0", "import_file": clean, "resource": "0"})
    confirm = preview.context["confirm_form"]
    assert not Project.objects.exists()
    done = admin_client.post("/admin/projects/project/process_import/", {**confirm.initial, "resource": "0"})
    assert done.status_code == 302
    assert Project.objects.get().code == "QS-1"


def test_import_needs_add_and_change_permission(client):
    viewer = UserFactory(is_staff=True)
    from django.contrib.auth.models import Permission

    viewer.user_permissions.add(Permission.objects.get(codename="view_project"))
    client.force_login(viewer)
    assert client.get(IMPORT_URL).status_code == 403
    assert client.get("/admin/projects/project/import-template.xlsx").status_code == 403


def test_export_of_a_filtered_list_has_the_template_columns(admin_client):
    ProjectFactory(name="导出甲", code="QS-9", stage="signed")
    ProjectFactory(name="导出乙", stage="negotiating", signed_on=None)
    response = admin_client.post("/admin/projects/project/export/?stage__exact=signed", {
        "format": "0", "resource": "0", **{f"projectresource_{name}": "on" for name in (
            "code", "name", "investors", "stage", "total_investment")},
    })
    assert response.status_code == 200, response.content[:500]
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.values)
    assert rows[0][:2] == ("项目编号", "项目名称")
    assert [row[1] for row in rows[1:]] == ["导出甲"]
