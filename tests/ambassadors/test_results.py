import datetime
from decimal import Decimal

import pytest
from django.template import Context, Template

from ambassadors.models import Lead, LeadStatus
from ambassadors.results import public_results, staff_results
from projects.models import DuplicateFlag, DuplicateStatus
from projects.stages import Stage
from tests.factories import AmbassadorFactory, CohortFactory, LeadFactory, ProjectFactory

pytestmark = pytest.mark.django_db

RESULTS_URL = "/admin/ambassadors/ambassador/results/"  # AmbassadorAdmin's extra page


@pytest.fixture
def ledger():
    c2025 = CohortFactory(name="2025年批次", year=2025)
    c2026 = CohortFactory(name="2026年批次", year=2026)
    lian = AmbassadorFactory(name="甲大使", cohort=c2025, phone="13800000000", email="secret@example.com",
                             staff_note="内部评价")
    xiang = AmbassadorFactory(name="乙大使", cohort=c2025)
    bing = AmbassadorFactory(name="丙大使", cohort=c2026, is_published=False)
    big = ProjectFactory(name="大项目", total_investment=Decimal("20000"), funds_in_place=Decimal("5000"))
    small = ProjectFactory(name="小项目", total_investment=Decimal("3000"), funds_in_place=None)
    hidden = ProjectFactory(name="未发布项目", total_investment=Decimal("7000"), is_published=False)
    unsigned = ProjectFactory(name="在谈项目", stage=Stage.NEGOTIATING, signed_on=None)
    dup = ProjectFactory(name="重复签约项目", total_investment=Decimal("20000"))
    DuplicateFlag.objects.create(project=dup, original=big, reason="同一投资方", status=DuplicateStatus.CONFIRMED)
    LeadFactory(ambassador=lian, target_name="甲1", status=LeadStatus.SIGNED, project=big)
    LeadFactory(ambassador=lian, target_name="甲2", status=LeadStatus.SIGNED, project=big)  # same project again
    LeadFactory(ambassador=lian, target_name="甲3", status=LeadStatus.SIGNED, project=hidden)
    LeadFactory(ambassador=lian, target_name="甲4", status=LeadStatus.SITE_VISIT, is_published=False)
    LeadFactory(ambassador=lian, target_name="甲5", status=LeadStatus.INTENTION, project=unsigned)
    LeadFactory(ambassador=xiang, target_name="乙1", status=LeadStatus.SIGNED, project=small)
    LeadFactory(ambassador=xiang, target_name="乙2", status=LeadStatus.SIGNED, project=dup)
    LeadFactory(ambassador=xiang, target_name="乙3", status=LeadStatus.DROPPED)
    LeadFactory(ambassador=bing, target_name="丙1", status=LeadStatus.CONTACTED)
    return {"lian": lian, "xiang": xiang, "bing": bing}


def by_name(groups):
    return {entry.ambassador.name: entry.results for group in groups for entry in group.ambassadors}


def hand(ambassador, *, public: bool):
    """The results recomputed by hand from raw lead rows."""
    leads = [lead for lead in Lead.objects.filter(ambassador=ambassador).select_related("project")
             if not public or lead.is_published]
    projects = {lead.project.pk: lead.project for lead in leads
                if lead.project and lead.project.signed_on and not lead.project.duplicate_flags.filter(
                    status="confirmed").exists() and (lead.project.is_published or not public)}
    def published_sum(values):  # None when no amount was published: the page says 未公布, never 0
        values = [value for value in values if value is not None]
        return sum(values) if values else None

    return (len(leads), len(projects), published_sum(p.total_investment for p in projects.values()),
            published_sum(p.funds_in_place for p in projects.values()))


def test_staff_results_per_ambassador_match_a_hand_count(ledger):
    results = by_name(staff_results())
    for name, key in (("甲大使", "lian"), ("乙大使", "xiang"), ("丙大使", "bing")):
        r = results[name]
        assert (r.leads, r.signed_projects, r.signed_investment_wan, r.funds_in_place_wan) == hand(
            ledger[key], public=False)
    lian = results["甲大使"]
    # 5 leads; the big project counted once plus the unpublished one; 20000 + 7000; 5000 in place.
    assert (lian.leads, lian.signed_projects, lian.signed_investment_wan, lian.funds_in_place_wan) == (
        5, 2, Decimal("27000"), Decimal("5000"))
    assert lian.by_status[LeadStatus.SIGNED] == 3 and lian.by_status[LeadStatus.SITE_VISIT] == 1
    # The confirmed duplicate signing does not count for 乙.
    assert results["乙大使"].signed_projects == 1


def test_cohort_totals_add_up_their_ambassadors(ledger):
    groups = {group.cohort.name: group for group in staff_results()}
    c2025 = groups["2025年批次"].results
    assert (c2025.leads, c2025.signed_projects, c2025.signed_investment_wan) == (8, 3, Decimal("30000"))
    assert groups["2026年批次"].results.leads == 1


def test_public_results_count_published_records_only(ledger):
    results = by_name(public_results())
    assert "丙大使" not in results
    lian = results["甲大使"]
    assert (lian.leads, lian.signed_projects, lian.signed_investment_wan) == hand(ledger["lian"], public=True)[:3]
    assert (lian.leads, lian.signed_projects, lian.signed_investment_wan) == (4, 1, Decimal("20000"))


def test_public_section_shows_no_staff_field(client, ledger):
    page = client.get(ledger["lian"].get_absolute_url()).content.decode()
    assert "招商成效" in page and "促成签约项目" in page
    for secret in ("13800000000", "secret@example.com", "内部评价", "未发布项目", "2.7 亿元"):
        assert secret not in page
    rendered = Template("{% load ambassador_results %}{% cohort_results %}").render(Context({}))
    assert "2025年批次" in rendered
    assert "2026年批次" not in rendered  # its only ambassador is unpublished.


def test_staff_page_query_count_is_fixed(admin_client, ledger, django_assert_max_num_queries):
    with django_assert_max_num_queries(12) as few:
        response = admin_client.get(RESULTS_URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert "甲大使" in page and "2.7 亿元" in page
    cohort = CohortFactory(name="批量批次")
    for _n in range(55):
        ambassador = AmbassadorFactory(cohort=cohort)
        LeadFactory(ambassador=ambassador, status=LeadStatus.SIGNED,
                    project=ProjectFactory(signed_on=datetime.date(2026, 2, 10)))
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert admin_client.get(RESULTS_URL).status_code == 200


def test_staff_page_needs_permission(client):
    from tests.factories import UserFactory

    client.force_login(UserFactory(is_staff=True))
    assert client.get(RESULTS_URL).status_code == 403


def test_staff_page_old_address_redirects(admin_client):
    response = admin_client.get("/admin/ambassadors/results/")
    assert response.status_code == 301 and response["Location"] == RESULTS_URL
    assert "甲大使" not in response.content.decode()


def test_dashboard_links_the_staff_page(admin_client):
    assert f'href="{RESULTS_URL}"' in admin_client.get("/admin/").content.decode()
