"""Public ambassador pages: by cohort, public fields only, public leads and the projects they became."""

import datetime

import pytest

from ambassadors.models import LeadStatus
from projects.models import DatePrecision
from tests.factories import AmbassadorFactory, CohortFactory, LeadFactory, ProjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cohorts():
    older = CohortFactory(name="测试2025年批次", slug="c-2025", year=2025, appointed_on=datetime.date(2025, 2, 1),
                          appointed_on_precision=DatePrecision.MONTH, announced_size=12)
    newer = CohortFactory(name="测试2026年批次", slug="c-2026", year=2026, announced_size=15)
    return older, newer


def test_list_groups_ambassadors_by_cohort_newest_first(client, cohorts):
    older, newer = cohorts
    AmbassadorFactory(name="测试大使老", cohort=older, organisation="测试一冶")
    AmbassadorFactory(name="测试大使新", cohort=newer, organisation="测试联合工程")
    AmbassadorFactory(name="测试未发布大使", cohort=newer, is_published=False)
    response = client.get("/ambassadors/")
    assert response.status_code == 200
    page = response.content.decode()
    assert page.index("测试2026年批次") < page.index("测试大使新") < page.index("测试2025年批次") < page.index("测试大使老")
    assert "2025年2月" in page and "公布聘任 12 位" in page
    assert "测试未发布大使" not in page


def test_list_search_and_empty_state(client, cohorts):
    AmbassadorFactory(name="测试连某", cohort=cohorts[0])
    assert "测试连某" in client.get("/ambassadors/", {"q": "连"}).content.decode()
    page = client.get("/ambassadors/", {"q": "没有这个人"}).content.decode()
    assert "暂无招商大使" in page


def test_detail_shows_public_fields_leads_and_their_published_projects(client, cohorts):
    ambassador = AmbassadorFactory(
        name="测试向某", slug="test-xiang", cohort=cohorts[1], title="测试副总经理", organisation="测试联合工程",
        bio="测试全链条服务", bio_en="Test full-chain services", phone="13900000000", email="x@example.com",
        staff_note="测试内部备注",
    )
    published = ProjectFactory(name="测试大使促成项目")
    hidden = ProjectFactory(name="测试未发布促成项目", is_published=False)
    LeadFactory(ambassador=ambassador, target_name="测试洛阳中硅", status=LeadStatus.SIGNED, project=published,
                referred_on=datetime.date(2025, 6, 1), referred_on_precision=DatePrecision.YEAR)
    LeadFactory(ambassador=ambassador, target_name="测试中冶长城", status=LeadStatus.SITE_VISIT)
    LeadFactory(ambassador=ambassador, target_name="测试签约但项目未发布", status=LeadStatus.SIGNED, project=hidden)
    LeadFactory(ambassador=ambassador, target_name="测试未公开线索", is_published=False)

    page = client.get("/ambassadors/test-xiang/").content.decode()
    assert "测试副总经理" in page and "测试联合工程" in page and "测试全链条服务" in page
    assert "测试洛阳中硅" in page and "测试中冶长城" in page and "实地考察" in page
    assert "测试大使促成项目" in page
    assert "2025年" in page and "2025年6月" not in page
    assert "测试未发布促成项目" not in page
    assert "测试未公开线索" not in page
    assert "13900000000" not in page and "x@example.com" not in page and "测试内部备注" not in page


def test_detail_in_english_uses_english_bio(client, cohorts):
    AmbassadorFactory(slug="test-en", cohort=cohorts[1], bio="测试中文简介", bio_en="Test English bio")
    client.cookies["django_language"] = "en"
    page = client.get("/ambassadors/test-en/", follow=True).content.decode()
    assert "Test English bio" in page and "测试中文简介" not in page


def test_unpublished_ambassador_is_404(client, cohorts):
    AmbassadorFactory(slug="test-hidden", cohort=cohorts[1], is_published=False)
    assert client.get("/ambassadors/test-hidden/").status_code == 404


def test_ambassador_in_unpublished_cohort_is_listed_without_it(client):
    hidden = CohortFactory(name="测试未发布批次", is_published=False)
    AmbassadorFactory(name="测试大使丙", cohort=hidden)
    page = client.get("/ambassadors/").content.decode()
    assert "测试大使丙" in page and "未注明批次的招商大使" in page
    assert "测试未发布批次" not in page


def test_cohorts_show_even_before_their_members_are_recorded(client, cohorts):
    page = client.get("/ambassadors/").content.decode()
    assert "测试2026年批次" in page and "公布聘任 15 位" in page
    assert "本库尚未记录该批次的大使名单" in page
    # A search shows only the groups with matching ambassadors.
    page = client.get("/ambassadors/", {"q": "没有这个人"}).content.decode()
    assert "测试2026年批次" not in page


def test_list_shows_each_cohorts_public_results(client, cohorts, django_capture_on_commit_callbacks):
    """The per-cohort summary (issue #6) counts published ambassadors, public leads and published projects only,
    and follows a publish through the service on the next request."""
    from ledger.workflow import publish
    from tests.factories import UserFactory

    older, newer = cohorts
    ambassador = AmbassadorFactory(name="测试大使甲", cohort=newer)
    hidden_ambassador = AmbassadorFactory(name="测试未发布大使MARKER", cohort=newer, is_published=False)
    signed = ProjectFactory(name="测试已发布签约项目", total_investment=3000, funds_in_place=1000)
    draft = ProjectFactory(name="测试草稿项目MARKER", total_investment=99999, is_published=False)
    LeadFactory(ambassador=ambassador, status=LeadStatus.SIGNED, project=signed)
    LeadFactory(ambassador=ambassador, status=LeadStatus.SIGNED, project=draft)
    LeadFactory(ambassador=ambassador, status=LeadStatus.CONTACTED, is_published=False)
    LeadFactory(ambassador=hidden_ambassador, status=LeadStatus.SIGNED, project=signed)

    def row_of(page: str, cohort_name: str) -> list[str]:
        import re

        table = page[page.index('id="cohort-results-heading"'):]
        row = re.search(r"<tr>\s*<th scope=\"row\">" + re.escape(cohort_name) + r"</th>(.*?)</tr>", table, re.S)
        assert row, cohort_name
        return [cell.strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S)]

    page = client.get("/ambassadors/").content.decode()
    assert "MARKER" not in page
    # ambassadors, leads, signed projects, signed amount (the funds in place is staff-only)
    assert row_of(page, "测试2026年批次")[:3] == ["1", "2", "1"]
    assert row_of(page, "测试2026年批次")[3:] == ["3,000 万元"]
    assert "到位资金" not in page

    reviewer = UserFactory(is_staff=True, is_superuser=True)
    with django_capture_on_commit_callbacks(execute=True):
        publish(record=draft, user=reviewer)
    assert row_of(client.get("/ambassadors/").content.decode(), "测试2026年批次")[:3] == ["1", "2", "2"]
