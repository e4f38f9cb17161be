import pytest
import tablib

from ambassadors.models import Ambassador, Lead, LeadStatus
from ambassadors.resources import AmbassadorResource, LeadResource
from tests.factories import AmbassadorFactory, CohortFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def test_ambassadors_match_on_slug_and_bad_rows_are_named():
    CohortFactory(name="2026年第二批")
    AmbassadorFactory(slug="test-amb", name="原姓名")
    sheet = tablib.Dataset(headers=["网址标识", "姓名", "聘任批次", "任期开始", "任期结束", "状态"])
    sheet.append(["test-amb", "新姓名", "2026年第二批", "2026-02-10", "2028-02-09", "在任"])
    sheet.append(["", "坏日期大使", "2026年第二批", "2026年13月", "", ""])
    sheet.append(["", "任期倒挂大使", "2026年第二批", "2027-01-01", "2026-01-01", ""])
    sheet.append(["test-amb", "重复", "", "", "", ""])
    result = AmbassadorResource().import_data(sheet, dry_run=True)
    errors = {row.number: row.error_dict for row in result.invalid_rows}
    assert sorted(errors) == [2, 3, 4]
    assert "不是有效日期" in errors[2]["任期开始"][0]
    assert "任期结束不能早于任期开始" in errors[3]["任期结束"][0]
    assert "与第 2 行重复" in errors[4]["网址标识"][0]  # Excel row numbers

    del sheet[1:]
    result = AmbassadorResource().import_data(sheet, dry_run=False)
    assert result.totals["update"] == 1
    assert Ambassador.objects.get().name == "新姓名"


def test_leads_match_on_ambassador_and_target_and_signed_needs_a_project():
    ambassador = AmbassadorFactory(slug="lian")
    ProjectFactory(code="QS-2026-0001")
    sheet = tablib.Dataset(headers=["推荐大使", "目标企业/资源", "状态", "签约项目"])
    sheet.append(["lian", "洛阳测试企业", "已签约", ""])
    result = LeadResource().import_data(sheet, dry_run=True)
    assert "必须关联签约项目" in str(result.invalid_rows[0].error_dict)

    sheet[0] = ["lian", "洛阳测试企业", "已签约", "QS-2026-0001"]
    assert LeadResource().import_data(sheet, dry_run=False).totals["new"] == 1
    sheet[0] = ["lian", "洛阳测试企业", "投资意向", ""]
    assert LeadResource().import_data(sheet, dry_run=False).totals["update"] == 1
    assert Lead.objects.get(ambassador=ambassador).status == LeadStatus.INTENTION
