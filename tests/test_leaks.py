"""
No leaks: unpublished records and staff-only fields never reach a public page, the sitemap, the
feed or a figure. Every such value carries a marker; every public URL is fetched, in both languages,
and the marker must appear nowhere.
"""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from ambassadors.models import LeadStatus
from projects.stages import Stage
from tests.factories import (
    AmbassadorFactory,
    CohortFactory,
    EnterpriseFactory,
    LeadFactory,
    ProjectFactory,
    ProjectMilestoneFactory,
    RenewalZoneFactory,
    ResearchInstituteFactory,
    SigningEventFactory,
    UserFactory,
)
from tests.site_world import build_world

pytestmark = pytest.mark.django_db

MARKER = "ZQXLEAKMARKER"
SLUG_MARKER = "hushslug"  # in slugs, usernames and e-mail addresses
SECRET_AMOUNT = Decimal("98765.43")  # an unpublished project's amount: must not reach any figure


def secret(label: str) -> str:
    return f"{MARKER}{label}"


def build_secrets(world) -> None:
    """Unpublished records linked to published ones, and staff-only fields on published records."""
    hidden_investor = EnterpriseFactory(
        name=secret("未发布投资方"), name_en=secret("hidden investor"), slug=f"{SLUG_MARKER}-investor",
        is_published=False,
    )
    hidden_investor.honours.add(world.honour)
    hidden_parent = EnterpriseFactory(name=secret("未发布母公司"), slug=f"{SLUG_MARKER}-parent", is_published=False)
    world.investor.parent = hidden_parent
    world.investor.staff_note = secret("企业内部备注")
    world.investor.review_comment = secret("审核意见")
    world.investor.save()
    world.started.investors.add(hidden_investor)

    hidden_event = SigningEventFactory(name=secret("未发布活动"), slug=f"{SLUG_MARKER}-event", is_published=False,
                                       announced_project_count=99)
    # Placed on the map too (#18): an unpublished record with a position must not reach the map.
    hidden_zone = RenewalZoneFactory(name=secret("未发布片区"), slug=f"{SLUG_MARKER}-zone", is_published=False,
                                     latitude=Decimal("30.6"), longitude=Decimal("114.3"))
    hidden_institute = ResearchInstituteFactory(name=secret("未发布研究院"), slug=f"{SLUG_MARKER}-institute",
                                                is_published=False, zone=world.zone, latitude=Decimal("30.61"),
                                                longitude=Decimal("114.31"))
    world.signed.signing_event = hidden_event
    world.signed.zone = hidden_zone
    world.signed.save()
    world.started.institutes.add(hidden_institute)

    officer = UserFactory(username=f"{SLUG_MARKER}officer", first_name=MARKER)
    for project in (world.started, world.signed):
        project.staff_note = secret("谈判情况")
        project.obstacles = secret("问题清单")
        project.responsible_unit = secret("责任单位")
        project.responsible_person = secret("包保领导")
        project.review_comment = secret("审核意见")
        project.officer = officer
        project.save()
    ProjectMilestoneFactory(project=world.started, stage=Stage.STARTED, note=secret("节点说明"), recorded_by=officer)

    hidden_project = ProjectFactory(
        name=secret("未发布项目"), name_en=secret("hidden project"), slug=f"{SLUG_MARKER}-project",
        summary=secret("摘要"), is_published=False, sector=world.child_sector, signing_event=world.event,
        zone=world.zone, investors=[world.investor], total_investment=SECRET_AMOUNT,
        stage=Stage.STARTED, signed_on=datetime.date(2026, 3, 1), started_on=datetime.date(2026, 3, 2),
        latitude=Decimal("30.62"), longitude=Decimal("114.32"),
    )
    hidden_project.institutes.add(world.institute)

    for record in (world.event, world.zone, world.institute):
        record.staff_note = secret("内部备注")
        record.review_comment = secret("审核意见")
        record.save()

    world.ambassador.phone = "138" + "0" * 8
    world.ambassador.email = f"{SLUG_MARKER}@example.com"
    world.ambassador.staff_note = secret("大使备注")
    world.ambassador.enterprise = hidden_investor
    world.ambassador.save()
    world.lead.staff_note = secret("线索备注")
    world.lead.save()
    LeadFactory(ambassador=world.ambassador, target_name=secret("未公开线索"), is_published=False)
    LeadFactory(ambassador=world.ambassador, target_name="测试公开线索", status=LeadStatus.SIGNED,
                project=hidden_project)
    hidden_ambassador = AmbassadorFactory(name=secret("未发布大使"), slug=f"{SLUG_MARKER}-ambassador",
                                          cohort=world.cohort, is_published=False)
    LeadFactory(ambassador=hidden_ambassador, target_name=secret("未发布大使的线索"), is_published=True)
    hidden_cohort = CohortFactory(name=secret("未发布批次"), slug=f"{SLUG_MARKER}-cohort", is_published=False)
    AmbassadorFactory(name="测试大使乙", slug="test-ambassador-b", cohort=hidden_cohort)


def public_urls(world) -> list[str]:
    lists = ["/", "/projects/", "/events/", "/institutes/", "/zones/", "/ambassadors/", "/map/", "/map/data.json",
             "/interest/"]
    details = [
        world.started.get_absolute_url(), world.signed.get_absolute_url(), world.event.get_absolute_url(),
        world.zone.get_absolute_url(), world.institute.get_absolute_url(), world.ambassador.get_absolute_url(),
        "/ambassadors/test-ambassador-b/",
    ]
    filtered = [
        f"/projects/?sector={world.parent_sector.slug}", f"/projects/?zone={world.zone.slug}",
        f"/projects/?event={world.event.slug}", f"/projects/?honour={world.honour.slug}",
        f"/projects/?investor={world.investor.slug}", "/projects/?year=2026", "/projects/?signed=true",
        "/projects/?started=true", "/projects/?same_year=true", "/projects/?reached=started",
        "/projects/?ordering=-total_investment", "/projects/?q=测试", "/projects/?headquarters=true",
        "/projects/?stage=started&stage=signed", f"/institutes/?zone={world.zone.slug}",
        f"/ambassadors/?cohort={world.cohort.slug}",
        # Asking for an unpublished record by its slug is refused without naming it.
        f"/projects/?zone={SLUG_MARKER}-zone", f"/projects/?event={SLUG_MARKER}-event",
        f"/projects/?investor={SLUG_MARKER}-investor", f"/ambassadors/?cohort={SLUG_MARKER}-cohort",
    ]
    machine = ["/sitemap.xml", "/robots.txt", reverse("projects:project_feed")]
    return lists + details + filtered + machine


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_marker_never_appears_on_any_public_url(client, language):
    world = build_world()
    build_secrets(world)
    client.cookies["django_language"] = language
    fetched = 0
    for url in public_urls(world):
        response = client.get(url, follow=True)  # an English visitor is sent to the /en/ address
        assert response.status_code in (200, 400), url
        body = response.content.decode()
        assert MARKER not in body, f"marker leaked on {url}"
        if SLUG_MARKER not in url:  # a page may echo the visitor's own query string (language switcher)
            assert SLUG_MARKER not in body, f"unpublished slug or staff contact leaked on {url}"
        assert "138" + "0" * 8 not in body, f"phone leaked on {url}"
        fetched += 1
    assert fetched >= 30


def test_unpublished_records_are_404(client):
    world = build_world()
    build_secrets(world)
    for url in [
        f"/projects/{SLUG_MARKER}-project/", f"/events/{SLUG_MARKER}-event/", f"/zones/{SLUG_MARKER}-zone/",
        f"/institutes/{SLUG_MARKER}-institute/", f"/ambassadors/{SLUG_MARKER}-ambassador/",
    ]:
        response = client.get(url)
        assert response.status_code == 404, url
        assert MARKER not in response.content.decode()


def test_search_does_not_reveal_links_to_unpublished_investors(client):
    world = build_world()
    build_secrets(world)
    # The hidden investor is linked to a published project; searching its name must not find it.
    page = client.get("/projects/", {"q": "未发布投资方"}).content.decode()
    assert "没有符合条件的项目" in page


def test_figures_ignore_unpublished_projects(client):
    world = build_world()
    build_secrets(world)
    page = client.get("/").content.decode()
    # Published: 30 亿元 signed, 2 signed projects, 1 started. The hidden project would make it 3 and 2.
    assert "30" in page and "50.0%" in page
    event_page = client.get(world.event.get_absolute_url()).content.decode()
    assert "30 亿元" in event_page
    assert "30.98765" not in event_page
