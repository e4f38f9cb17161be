import pytest
import tablib

from ledger.spreadsheets import read_dataset, template_dataset
from projects.models import Enterprise
from projects.resources import EnterpriseResource
from tests.factories import EnterpriseFactory, HonourFactory

pytestmark = pytest.mark.django_db

HEADERS = ["企业名称", "统一社会信用代码", "企业性质", "荣誉标签", "所属集团"]
VALID = "91350100M000100Y43"


def test_bad_credit_code_unknown_kind_and_honour_are_named_per_row():
    HonourFactory(name="世界500强", slug="fortune-global-500")
    sheet = tablib.Dataset(headers=HEADERS)
    sheet.append(["甲集团", VALID, "央企", "世界500强", ""])
    sheet.append(["乙公司", "91350100M000100Y44", "民企", "", ""])
    sheet.append(["丙公司", "", "国企吧", "", ""])
    sheet.append(["丁公司", "", "民企", "独角兽", ""])
    sheet.append(["戊公司", "", "民企", "", "不存在集团"])
    result = EnterpriseResource().import_data(sheet, dry_run=True)
    errors = {row.number: row.error_dict for row in result.invalid_rows}
    assert sorted(errors) == [2, 3, 4, 5]
    assert "校验位错误" in errors[2]["统一社会信用代码"][0]
    assert "“国企吧”不是有效的企业性质" in errors[3]["企业性质"][0]
    assert "未知的荣誉标签“独角兽”" in errors[4]["荣誉标签"][0]
    assert "未知的所属集团“不存在集团”" in errors[5]["所属集团"][0]
    assert not Enterprise.objects.exists()


def test_reimport_matches_on_credit_code_so_a_renamed_enterprise_is_updated():
    EnterpriseFactory(name="旧名称有限公司", credit_code=VALID)
    sheet = tablib.Dataset(headers=HEADERS)
    sheet.append(["新名称有限公司", VALID.lower(), "民企", "", ""])
    sheet.append(["子公司", "", "民企", "", "新名称有限公司"])
    result = EnterpriseResource().import_data(sheet, dry_run=False)
    assert (result.totals["update"], result.totals["new"]) == (1, 1), [r.error_dict for r in result.invalid_rows]
    renamed = Enterprise.objects.get(credit_code=VALID)
    assert renamed.name == "新名称有限公司"
    assert Enterprise.objects.get(name="子公司").parent == renamed
    assert Enterprise.objects.count() == 2


def test_the_template_downloads_with_chinese_headers_and_a_csv_with_bom_reads_back():
    template = template_dataset("enterprises")
    assert template.headers[:3] == ["企业名称", "简称", "统一社会信用代码"]
    assert len(template) == 0
    csv_bytes = ("\ufeff" + "企业名称,统一社会信用代码\n己公司,\n").encode()
    dataset = read_dataset(csv_bytes, "企业.csv")
    assert dataset.headers == ["企业名称", "统一社会信用代码"]
    result = EnterpriseResource().import_data(dataset, dry_run=False)
    assert result.totals["new"] == 1 and Enterprise.objects.get().slug
