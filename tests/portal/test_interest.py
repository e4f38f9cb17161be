"""投资意向 (issue #18): a visitor's expression of interest becomes a back-office record for the
responsible officer, never appears publicly, and resists abuse (CSRF, honeypot, per-address rate
limit, length limits, every field validated with a Chinese message)."""

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from projects.models import InterestStatus, InvestmentInterest
from tests.factories import ProjectFactory, RenewalZoneFactory, UserFactory

pytestmark = pytest.mark.django_db

FORM = reverse("portal:interest")
THANKS = reverse("portal:interest_thanks")
MARKER = "ZQXINTERESTMARKER"


def valid(**changes) -> dict:
    data = {"organisation": "测试新材料有限公司", "contact_name": "王经理", "phone": "027-8686 0000",
            "email": "wang@example.com", "message": "希望了解化工园区的用地和中试条件。", "consent": "on"}
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


@pytest.fixture
def project():
    officer = UserFactory(username="officer-li", is_staff=True)
    return ProjectFactory(name="测试碳纤维项目", slug="test-carbon", officer=officer)


def test_the_project_page_leads_to_the_form_about_that_project(client, project):
    page = client.get(project.get_absolute_url()).content.decode()
    assert f'href="{FORM}?project=test-carbon"' in page
    form = client.get(FORM, {"project": "test-carbon"})
    assert form.status_code == 200 and "no-store" in form["Cache-Control"]
    body = form.content.decode()
    assert "测试碳纤维项目" in body and "csrfmiddlewaretoken" in body
    assert 'name="project" value="test-carbon"' in body


def test_a_submission_becomes_a_record_for_the_projects_officer(client, project, django_assert_num_queries):
    with django_assert_num_queries(4):  # the project, SAVEPOINT, INSERT, RELEASE (no session, no other read)
        response = client.post(FORM, valid(project="test-carbon"))
    assert (response.status_code, response["Location"]) == (302, THANKS)
    interest = InvestmentInterest.objects.get()
    assert (interest.organisation, interest.project, interest.officer.username) == ("测试新材料有限公司", project,
                                                                                    "officer-li")
    assert interest.status == InterestStatus.NEW and interest.consent is True
    thanks = client.get(THANKS).content.decode()
    assert "接下来会怎样" in thanks and "不会公开" in thanks


def test_a_zone_or_carrier_page_offers_the_form_too(client):
    zone = RenewalZoneFactory(name="测试化工园区", slug="test-chem-park", kind="carrier")
    assert f'href="{FORM}?zone=test-chem-park"' in client.get(zone.get_absolute_url()).content.decode()
    client.post(FORM, valid(zone="test-chem-park"))
    assert InvestmentInterest.objects.get().zone == zone


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"organisation": ""}, "请填写单位名称。"),
        ({"contact_name": "  "}, "请填写联系人。"),
        ({"phone": "", "email": ""}, "请至少填写电话或电子邮箱中的一项"),
        ({"phone": "abc123"}, "电话只能包含数字"),
        ({"email": "not-an-address"}, "请填写有效的电子邮箱"),
        ({"message": "好"}, "请至少写 5 个字"),
        ({"message": "长" * 2001}, "内容最多 2000 个字"),
        ({"organisation": "公" * 121}, "单位名称最多 120 个字"),
        ({"consent": None}, "请勾选同意招商局与您联系"),
        ({"project": "no-such-project"}, "所选项目不存在或未公开"),
        ({"organisation": "坏\x07字符"}, "含有不允许的字符"),
    ],
)
def test_every_field_is_checked_with_a_chinese_message(client, project, changes, message):
    response = client.post(FORM, valid(**changes))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not InvestmentInterest.objects.exists()


def test_an_unpublished_project_cannot_be_named(client):
    ProjectFactory(slug="test-secret", is_published=False)
    page = client.get(FORM, {"project": "test-secret"}).content.decode()
    assert 'value="test-secret"' not in page and "您感兴趣的" not in page
    assert client.post(FORM, valid(project="test-secret")).status_code == 400


def test_a_filled_honeypot_is_thanked_and_dropped(client):
    response = client.post(FORM, valid(website="http://spam.example"))
    assert (response.status_code, response["Location"]) == (302, THANKS)
    assert not InvestmentInterest.objects.exists()


def test_the_sixth_submission_in_a_minute_from_one_address_is_refused(client, settings):
    assert settings.INTEREST_RATE_LIMIT == 5
    for _ in range(5):
        assert client.post(FORM, valid()).status_code == 302
    refused = client.post(FORM, valid())
    assert refused.status_code == 429
    assert "提交过于频繁" in refused.content.decode()
    assert InvestmentInterest.objects.count() == 5
    other = Client(REMOTE_ADDR="10.0.0.9")
    assert other.post(FORM, valid()).status_code == 302  # another address is not held back


def test_a_post_without_the_csrf_token_is_refused():
    client = Client(enforce_csrf_checks=True)
    assert client.post(FORM, valid()).status_code == 403
    assert not InvestmentInterest.objects.exists()


def test_the_database_refuses_a_record_without_consent_or_contact():
    for fields in ({"consent": False, "phone": "1"}, {"consent": True, "phone": "", "email": ""}):
        with pytest.raises(IntegrityError), transaction.atomic():
            InvestmentInterest.objects.create(organisation="甲", contact_name="乙", message="内容内容内容", **fields)


def test_the_officer_finds_it_in_the_admin(admin_client, client, project):
    client.post(FORM, valid(project="test-carbon", organisation="测试后台可见公司"))
    page = admin_client.get(reverse("admin:projects_investmentinterest_changelist")).content.decode()
    assert "测试后台可见公司" in page
    interest = InvestmentInterest.objects.get()
    change = reverse("admin:projects_investmentinterest_change", args=[interest.pk])
    response = admin_client.post(change, {"status": "contacted", "officer": project.officer.pk, "staff_note": "已电话联系"})
    assert response.status_code == 302
    interest.refresh_from_db()
    assert (interest.status, interest.staff_note, interest.organisation) == ("contacted", "已电话联系", "测试后台可见公司")


def test_nothing_submitted_shows_on_any_public_page_feed_export_or_api(client, project):
    zone = RenewalZoneFactory(slug="test-marker-zone")
    client.post(FORM, valid(project="test-carbon", organisation=f"{MARKER}公司", contact_name=f"{MARKER}人",
                            email="zqxinterestmarker@example.com", message=f"{MARKER} 内容"))
    client.post(FORM, valid(zone="test-marker-zone", organisation=f"{MARKER}二"))
    assert InvestmentInterest.objects.count() == 2
    urls = ["/", "/en/", "/projects/", project.get_absolute_url(), zone.get_absolute_url(),
            "/zones/", "/institutes/", "/events/", "/ambassadors/", "/projects/feed/", "/sitemap.xml", FORM, THANKS]
    api = ["/api/v1/projects/", "/api/v1/zones/", "/api/v1/projects/?format=csv", "/api/v1/projects/?format=xlsx",
           f"/api/v1/projects/{project.slug}/"]
    for url in urls + api:
        response = client.get(url)
        assert response.status_code == 200, url
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert MARKER.encode() not in body and b"zqxinterestmarker" not in body.lower(), url
