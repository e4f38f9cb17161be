import datetime
from decimal import Decimal

import pytest
import tablib

from projects.models import Project
from projects.resources import ProjectResource
from projects.stages import Stage
from tests.factories import (
    EnterpriseFactory,
    FundsEntryFactory,
    ProjectFactory,
    SectorFactory,
    SigningEventFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

HEADERS = ["项目编号", "项目名称", "投资方", "产业领域", "签约活动", "项目阶段", "签约日期", "开工日期", "总投资（万元）",
           "到位资金（万元）", "招商专员"]


@pytest.fixture
def ledger():
    return {
        "sector": SectorFactory(name="化工新材料"),
        "event": SigningEventFactory(name="测试招商大会"),
        "investor": EnterpriseFactory(name="甲投资有限公司", short_name="甲投资"),
        "officer": UserFactory(username="zhuanyuan"),
    }


def dataset(*rows) -> tablib.Dataset:
    data = tablib.Dataset(headers=HEADERS)
    for row in rows:
        data.append(row)
    return data


def good_row(code="QS-2026-0001", name="好项目", amount="3500"):
    return [code, name, "甲投资有限公司", "化工新材料", "测试招商大会", "已签约", "2026-02-10", "", amount, "", "zhuanyuan"]


def errors_by_row(result) -> dict[int, dict[str, list[str]]]:
    return {row.number: row.error_dict for row in result.invalid_rows}


def test_a_messy_sheet_names_every_bad_row_and_saves_nothing(ledger):
    messy = dataset(
        good_row(),
        ["QS-2026-0002", "未知领域项目", "甲投资", "不存在的领域", "", "已签约", "2026-02-10", "", "", "", ""],
        ["QS-2026-0003", "日期写错项目", "甲投资", "化工新材料", "", "已签约", "2026-13-45", "", "", "", ""],
        ["QS-2026-0004", "金额带字母项目", "甲投资", "化工新材料", "", "已签约", "2026-02-10", "", "35O0", "", ""],
        ["QS-2026-0001", "重复编号项目", "甲投资", "化工新材料", "", "已签约", "2026-02-10", "", "", "", ""],
        ["QS-2026-0005", "没有投资方的签约项目", "", "化工新材料", "", "已签约", "2026-02-10", "", "", "", ""],
        ["QS-2026-0006", "阶段写错项目", "甲投资", "化工新材料", "", "快签了", "", "", "", "", ""],
        ["QS-2026-0007", "未知投资方项目", "乙公司；甲投资", "化工新材料", "", "在谈", "", "", "", "", ""],
        ["QS-2026-0008", "到位超总投资", "甲投资", "化工新材料", "", "已签约", "2026-02-10", "", "100", "200", ""],
    )
    result = ProjectResource().import_data(messy, dry_run=True)

    errors = errors_by_row(result)
    assert sorted(errors) == [2, 3, 4, 5, 6, 7, 8, 9]
    assert "未知的产业领域“不存在的领域”" in errors[2]["产业领域"][0]
    assert "签约日期“2026-13-45”不是有效日期" in errors[3]["签约日期"][0]
    assert "总投资“35O0”不是金额" in errors[4]["总投资（万元）"][0]
    assert "与第 2 行重复" in errors[5]["项目编号"][0]  # Excel row numbers: header is row 1
    assert "必须填写投资方" in errors[6]["投资方"][0]
    assert "“快签了”不是有效的项目阶段" in errors[7]["项目阶段"][0]
    assert "未知的投资方“乙公司”" in errors[8]["投资方"][0]
    assert "到位资金由项目的到位资金台账逐笔登记" in errors[9]["到位资金（万元）"][0]
    assert Project.objects.count() == 0

    # Committing the same file anyway writes nothing at all, not even the good first row.
    committed = ProjectResource().import_data(messy, dry_run=False)
    assert committed.has_validation_errors()
    assert Project.objects.count() == 0


def test_a_clean_sheet_goes_through_the_stage_table_and_a_second_import_updates(ledger):
    sheet = dataset(
        good_row(),
        ["QS-2026-0002", "同年开工项目", "甲投资；甲投资有限公司", "化工新材料", "测试招商大会", "已开工", "2025年", "2025年6月",
         "1.2亿", "", ""],
    )
    result = ProjectResource().import_data(sheet, dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors(), errors_by_row(result)
    assert result.totals["new"] == 2

    started = Project.objects.get(code="QS-2026-0002")
    assert started.total_investment == Decimal("12000.00")
    assert started.funds_in_place is None  # the funds ledger's, never the file's
    assert (started.signed_on, started.signed_on_precision) == (datetime.date(2025, 1, 1), "year")
    assert (started.started_on, started.started_on_precision) == (datetime.date(2025, 6, 1), "month")
    assert [i.name for i in started.investors.all()] == ["甲投资有限公司"]
    # The service logged each stage the project has passed, as it does for the admin.
    assert list(started.milestones.values_list("stage", flat=True)) == [Stage.SIGNED, Stage.STARTED]
    assert Project.objects.get(code="QS-2026-0001").officer == ledger["officer"]

    again = ProjectResource().import_data(sheet, dry_run=False)
    assert again.totals["skip"] == 2 and Project.objects.count() == 2

    sheet[0] = good_row(amount="4000")
    changed = ProjectResource().import_data(sheet, dry_run=False)
    assert changed.totals["update"] == 1 and changed.totals["skip"] == 1
    assert Project.objects.get(code="QS-2026-0001").total_investment == Decimal("4000.00")
    assert Project.objects.count() == 2


def test_a_row_without_code_updates_the_project_of_that_name(ledger):
    ProjectFactory(name="无编号项目", code="", investors=[ledger["investor"]], total_investment=Decimal("100"))
    sheet = dataset(["", "无编号项目", "甲投资", "化工新材料", "", "已签约", "2026-02-10", "", "200", "", ""])
    result = ProjectResource().import_data(sheet, dry_run=False)
    assert result.totals["update"] == 1
    assert Project.objects.get().total_investment == Decimal("200.00")


def test_an_import_cannot_move_a_project_backwards(ledger):
    ProjectFactory(code="QS-2025-0009", name="已开工项目", stage=Stage.STARTED, started_on=datetime.date(2026, 3, 1),
                   investors=[ledger["investor"]])
    sheet = dataset(["QS-2025-0009", "已开工项目", "甲投资", "化工新材料", "", "在谈", "", "", "", "", ""])
    result = ProjectResource().import_data(sheet, dry_run=True)
    assert "不能从“已开工”直接变为“在谈”" in errors_by_row(result)[1]["项目阶段"][0]
    assert Project.objects.get().stage == Stage.STARTED


def test_reviewer_only_stage_needs_the_permission(ledger):
    sheet = dataset(["QS-1", "投产项目", "甲投资", "", "", "已投产", "", "", "", "", ""])
    sheet.append_col(["2026-05-01"], header="投产日期")
    result = ProjectResource().import_data(sheet, dry_run=True, user=UserFactory(is_staff=True))
    assert "没有权限" in str(errors_by_row(result)[1])


def test_unknown_header_is_named_before_any_row(ledger):
    sheet = tablib.Dataset(["QS-1", "项目"], headers=["项目编号", "项目名字"])
    result = ProjectResource().import_data(sheet, dry_run=True)
    assert result.has_errors()
    assert "表头不认识：项目名字" in str(result.base_errors[0].error)


def test_export_has_the_template_columns_and_imports_back_unchanged(ledger):
    ProjectFactory(code="QS-2026-0100", name="导出项目", investors=[ledger["investor"]], sector=ledger["sector"],
                   signed_on=datetime.date(2025, 1, 1), signed_on_precision="year")
    exported = ProjectResource().export()
    assert exported.headers == ProjectResource().export(Project.objects.none()).headers
    assert exported.dict[0]["签约日期"] == "2025年"
    assert exported.dict[0]["投资方"] == "甲投资有限公司"
    result = ProjectResource().import_data(exported, dry_run=False)
    assert result.totals["skip"] == 1, errors_by_row(result)


def test_planned_dates_and_completion_import_with_their_precision_and_export_back(ledger):
    sheet = dataset(good_row(code="QS-2026-0200", name="有计划的项目"))
    for header, value in (("计划开工日期", "2026年5月"), ("计划竣工日期", "2027年"), ("计划投产日期", "2027-10-01"),
                          ("固定资产投资（万元）", "2800")):
        sheet.append_col([value], header=header)
    result = ProjectResource().import_data(sheet, dry_run=False)
    assert not result.has_validation_errors(), errors_by_row(result)
    project = Project.objects.get(code="QS-2026-0200")
    assert (project.planned_started_on, project.planned_started_on_precision) == (datetime.date(2026, 5, 1), "month")
    assert (project.planned_completed_on, project.planned_completed_on_precision) == (datetime.date(2027, 1, 1), "year")
    assert project.planned_production_on == datetime.date(2027, 10, 1)
    assert project.fixed_asset_investment == Decimal("2800.00")
    exported = ProjectResource().export(Project.objects.filter(pk=project.pk)).dict[0]
    assert (exported["计划开工日期"], exported["计划竣工日期"], exported["计划投产日期"]) == ("2026年5月", "2027年", "2027-10-01")
    assert exported["竣工日期"] == "" and exported["到位资金（万元）"] == ""


def test_the_funds_column_exports_the_ledger_sum_and_refuses_another_value(ledger):
    project = ProjectFactory(code="QS-2026-0300", name="有到位资金的项目", investors=[ledger["investor"]],
                             total_investment=Decimal("9000"))
    FundsEntryFactory(project=project, amount=Decimal("3000"))
    FundsEntryFactory(project=project, amount=Decimal("2000"))
    exported = ProjectResource().export(Project.objects.filter(pk=project.pk))
    assert exported.dict[0]["到位资金（万元）"] == "5000"
    assert ProjectResource().import_data(exported, dry_run=False).totals["skip"] == 1  # the same sum: unchanged
    exported[0] = tuple("6000" if header == "到位资金（万元）" else value
                        for header, value in zip(exported.headers, exported[0], strict=True))
    result = ProjectResource().import_data(exported, dry_run=True)
    assert "台账合计 5000.00 万元" in errors_by_row(result)[1]["到位资金（万元）"][0]
    assert Project.objects.get(pk=project.pk).funds_in_place == Decimal("5000.00")
