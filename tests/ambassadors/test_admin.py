"""The back office for ambassadors, cohorts and leads, driven as a superuser through the real admin pages."""

import datetime

import pytest

from ambassadors.models import Ambassador, Cohort, Lead, LeadStatus
from tests.admin_utils import admin_url, assert_admin_pages_work, form_data, form_errors
from tests.factories import (
    AmbassadorFactory,
    CohortFactory,
    EnterpriseFactory,
    LeadFactory,
    ProjectFactory,
    SectorFactory,
)

pytestmark = pytest.mark.django_db

MAX_QUERIES = 16


def test_cohort_pages(admin_client):
    cohort = CohortFactory(name="2025年测试招商大使", year=2025, announced_size=12)
    assert_admin_pages_work(
        admin_client, obj=cohort, search="招商大使",
        add_data={"name": "2026年测试批次", "year": "2026"}, change_data={"announced_size": "15"},
    )
    assert Cohort.objects.get(name="2026年测试批次").slug == "2026-nian-ce-shi-pi-ci"


def test_ambassador_pages(admin_client):
    ambassador = AmbassadorFactory(name="测试大使连某", organisation="测试一冶集团")
    LeadFactory(ambassador=ambassador, target_name="测试中硅")
    assert_admin_pages_work(
        admin_client, obj=ambassador, search="一冶",
        add_data={"name": "测试大使向某", "cohort": str(ambassador.cohort_id)}, change_data={"title": "党委副书记"},
    )
    added = Ambassador.objects.get(name="测试大使向某")
    assert added.slug == "ce-shi-da-shi-xiang-mou"


def test_ambassador_with_the_same_name_gets_a_distinct_slug(admin_client):
    AmbassadorFactory(name="同名测试", slug="tong-ming-ce-shi")
    data = form_data(admin_client.get(admin_url(Ambassador, "add")))
    data.update(name="同名测试")
    assert admin_client.post(admin_url(Ambassador, "add"), data).status_code == 302
    assert Ambassador.objects.filter(name="同名测试").latest("id").slug == "tong-ming-ce-shi-2"


def test_lead_pages(admin_client):
    lead = LeadFactory(target_name="测试洛阳中硅", sector=SectorFactory())
    assert_admin_pages_work(
        admin_client, obj=lead, search="中硅",
        add_data={"ambassador": str(lead.ambassador_id), "target_name": "测试中冶长城", "status": "site_visit"},
        change_data={"status": "intention"},
    )


def test_leads_are_edited_inline_on_the_ambassador(admin_client):
    ambassador = AmbassadorFactory()
    lead = LeadFactory(ambassador=ambassador, status=LeadStatus.CONTACTED)
    change = admin_url(Ambassador, "change", ambassador.pk)
    data = form_data(admin_client.get(change))
    data.update({"leads-0-status": LeadStatus.SITE_VISIT, "leads-TOTAL_FORMS": "2", "leads-1-target_name": "测试新线索企业",
                 "leads-1-status": LeadStatus.INTRODUCED, "leads-1-referred_on_precision": "day"})
    response = admin_client.post(change, data)
    assert response.status_code == 302, form_errors(response)
    lead.refresh_from_db()
    assert lead.status == LeadStatus.SITE_VISIT
    assert ambassador.leads.filter(target_name="测试新线索企业").exists()


def test_inline_lead_signed_without_project_is_a_message_not_a_500(admin_client):
    ambassador = AmbassadorFactory()
    lead = LeadFactory(ambassador=ambassador, status=LeadStatus.INTENTION)
    change = admin_url(Ambassador, "change", ambassador.pk)
    data = form_data(admin_client.get(change))
    data["leads-0-status"] = LeadStatus.SIGNED
    response = admin_client.post(change, data)
    assert response.status_code == 200
    assert form_errors(response)["leads-0-__all__"] == ["签约项目：线索状态为“已签约”时必须关联签约项目。"]
    lead.refresh_from_db()
    assert lead.status == LeadStatus.INTENTION


@pytest.mark.parametrize(
    ("model", "make", "changes", "field", "message"),
    [
        (Ambassador, AmbassadorFactory, {"term_start": "2026-12-31", "term_end": "2026-01-01"}, "term_end",
         "任期结束不能早于任期开始。"),
        (Cohort, CohortFactory, {"year": "1900"}, "year", "聘任年份应在 1978 至 2100 年之间。"),
        (Lead, LeadFactory, {"status": LeadStatus.SIGNED, "project": ""}, "project",
         "线索状态为“已签约”时必须关联签约项目。"),
    ],
)
def test_forms_refuse_bad_input_in_chinese_and_write_nothing(admin_client, model, make, changes, field, message):
    obj = make()
    before = model.objects.values().get(pk=obj.pk)
    change = admin_url(model, "change", obj.pk)
    data = form_data(admin_client.get(change))
    data.update(changes)
    response = admin_client.post(change, data)
    assert response.status_code == 200
    assert form_errors(response)[field] == [message]
    assert model.objects.values().get(pk=obj.pk) == before


def test_duplicate_lead_for_the_same_ambassador_is_refused_in_chinese(admin_client):
    lead = LeadFactory(target_name="测试重复线索")
    data = form_data(admin_client.get(admin_url(Lead, "add")))
    data.update(ambassador=str(lead.ambassador_id), target_name="测试重复线索", status=LeadStatus.INTRODUCED)
    response = admin_client.post(admin_url(Lead, "add"), data)
    assert response.status_code == 200
    assert "招商线索 已经存在" in str(form_errors(response))
    assert Lead.objects.count() == 1


def _cohorts(n: int) -> None:
    for cohort in CohortFactory.create_batch(n, appointed_on=datetime.date(2025, 2, 1)):
        AmbassadorFactory(cohort=cohort)


def _ambassadors(n: int) -> None:
    cohort, enterprise = CohortFactory(), EnterpriseFactory()
    for ambassador in AmbassadorFactory.create_batch(n, cohort=cohort, enterprise=enterprise,
                                                     term_start=datetime.date(2026, 1, 1)):
        LeadFactory(ambassador=ambassador)


def _leads(n: int) -> None:
    ambassador, sector = AmbassadorFactory(), SectorFactory()
    project = ProjectFactory(sector=sector)
    LeadFactory.create_batch(n, ambassador=ambassador, sector=sector, project=project, status=LeadStatus.SIGNED,
                             target_enterprise=EnterpriseFactory(), referred_on=datetime.date(2025, 3, 1))


@pytest.mark.parametrize(
    ("model", "make_rows"),
    [pytest.param(Cohort, _cohorts, id="cohort"), pytest.param(Ambassador, _ambassadors, id="ambassador"),
     pytest.param(Lead, _leads, id="lead")],
)
def test_changelist_runs_the_same_queries_for_1_and_101_rows(
    admin_client, django_assert_max_num_queries, model, make_rows
):
    url = admin_url(model, "changelist")
    make_rows(1)
    admin_client.get(url)
    with django_assert_max_num_queries(MAX_QUERIES) as one_row:
        assert admin_client.get(url).status_code == 200
    make_rows(100)
    with django_assert_max_num_queries(MAX_QUERIES) as many_rows:
        response = admin_client.get(url)
    assert response.context["cl"].result_count >= 101
    assert len(many_rows.captured_queries) == len(one_row.captured_queries)


def test_ambassador_change_page_query_bound_with_many_leads(admin_client, django_assert_max_num_queries):
    ambassador = AmbassadorFactory(enterprise=EnterpriseFactory())
    sector, project, target = SectorFactory(), ProjectFactory(), EnterpriseFactory()
    LeadFactory(ambassador=ambassador, sector=sector, project=project, target_enterprise=target)
    url = admin_url(Ambassador, "change", ambassador.pk)
    admin_client.get(url)
    with django_assert_max_num_queries(MAX_QUERIES) as few:
        assert admin_client.get(url).status_code == 200
    LeadFactory.create_batch(100, ambassador=ambassador, sector=sector, project=project, target_enterprise=target)
    with django_assert_max_num_queries(MAX_QUERIES) as many:
        response = admin_client.get(url)
    assert len(response.context["inline_admin_formsets"][0].formset.forms) == 101
    assert len(many.captured_queries) == len(few.captured_queries)
