"""Unpublished records and staff-only fields never reach an anonymous reader, in any format.

Every secret below carries MARKER. The anonymous answers (JSON lists and details, CSV, XLSX
unzipped, the sync cursor, filters, the schema) must not contain it anywhere; a staff user with
the view permission does see it.
"""

import io
import re
import zipfile

import pytest

from tests.api.conftest import API, ENDPOINTS
from tests.factories import (
    AmbassadorFactory,
    CohortFactory,
    EnterpriseFactory,
    ProjectFactory,
    RenewalZoneFactory,
    ResearchInstituteFactory,
    SigningEventFactory,
    UserFactory,
)

MARKER = "LEAKMARKER7"


@pytest.fixture
def secrets(db):
    """Published records with staff-only fields set, unpublished records, and links between them."""
    hidden_enterprise = EnterpriseFactory(name=f"{MARKER}企业", slug="leakmarker7-enterprise", is_published=False)
    hidden_zone = RenewalZoneFactory(name=f"{MARKER}片区", slug="leakmarker7-zone", is_published=False)
    hidden_event = SigningEventFactory(name=f"{MARKER}活动", slug="leakmarker7-event", is_published=False)
    hidden_institute = ResearchInstituteFactory(
        name=f"{MARKER}研究院", slug="leakmarker7-institute", is_published=False
    )
    hidden_cohort = CohortFactory(name=f"{MARKER}批次", slug="leakmarker7-cohort", is_published=False)
    officer = UserFactory(username="leakmarker7-officer")

    public_project = ProjectFactory(
        slug="public-project",
        investors=[EnterpriseFactory(slug="public-investor"), hidden_enterprise],
        signing_event=hidden_event,
        zone=hidden_zone,
        staff_note=f"{MARKER} 谈判底价",
        obstacles=f"{MARKER} 用地指标",
        responsible_unit=f"{MARKER}局",
        responsible_person=f"{MARKER}同志",
        officer=officer,
        review_comment=f"{MARKER} 审核意见",
    )
    public_project.institutes.set([hidden_institute])
    ProjectFactory(name=f"{MARKER}未发布项目", slug="leakmarker7-project", is_published=False)
    EnterpriseFactory(slug="public-enterprise", parent=hidden_enterprise, staff_note=f"{MARKER} 备注")
    SigningEventFactory(slug="public-event", staff_note=f"{MARKER} 备注", review_comment=f"{MARKER}")
    RenewalZoneFactory(slug="public-zone", staff_note=f"{MARKER} 备注")
    ResearchInstituteFactory(slug="public-institute", zone=hidden_zone, staff_note=f"{MARKER} 备注")
    AmbassadorFactory(
        slug="public-ambassador", cohort=hidden_cohort, enterprise=hidden_enterprise,
        phone="027-LEAKMARKER7", email="leakmarker7@example.com", staff_note=f"{MARKER} 备注",
    )
    AmbassadorFactory(name=f"{MARKER}大使", slug="leakmarker7-ambassador", is_published=False)
    CohortFactory(slug="public-cohort", review_comment=f"{MARKER} 审核意见")
    # The unpublished project also counts towards a published event's recorded figures: it must not.
    visible_event = SigningEventFactory(slug="event-with-hidden-project")
    ProjectFactory(slug="leakmarker7-project-2", is_published=False, signing_event=visible_event,
                   total_investment=77777)
    return public_project


def _text(response) -> str:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if response["Content-Type"].startswith("application/vnd.openxmlformats"):
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            return "\n".join(archive.read(name).decode("utf-8") for name in archive.namelist())
    return body.decode("utf-8-sig")


def _anonymous_answers(client):
    for endpoint, _label in ENDPOINTS:
        for query in ["", "?format=csv", "?format=xlsx", "?format=json", "?format=html", "?cursor=", "?ordering=-updated_at",
                      "?page_size=200", "?search=leakmarker7", "?q=LEAKMARKER7"]:
            yield f"{API}{endpoint}/{query}"
        listing = client.get(f"{API}{endpoint}/?page_size=200").json()["results"]
        for record in listing:
            for fmt in ["", "?format=csv", "?format=xlsx"]:
                yield record["url"] + fmt


@pytest.mark.django_db
def test_anonymous_answers_never_contain_the_marker(api_client, secrets):
    seen = 0
    for url in _anonymous_answers(api_client):
        response = api_client.get(url)
        assert response.status_code == 200, url
        text = _text(response)
        assert MARKER.lower() not in text.lower(), url
        # The secret figure as a number of its own, not digits inside another (an XLSX date serial such
        # as 46357.81527777778 carries "77777" in its fraction).
        assert not re.search(r"(?<![\d.])77777", text), url
        seen += 1
    assert seen > 80


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", ["projects", "enterprises", "events", "institutes", "zones", "ambassadors",
                                      "cohorts"])
def test_unpublished_detail_is_404_for_anonymous(api_client, secrets, endpoint):
    slug = {"projects": "leakmarker7-project", "enterprises": "leakmarker7-enterprise", "events": "leakmarker7-event",
            "institutes": "leakmarker7-institute", "zones": "leakmarker7-zone",
            "ambassadors": "leakmarker7-ambassador", "cohorts": "leakmarker7-cohort"}[endpoint]
    for fmt in ["", "?format=csv", "?format=xlsx"]:
        response = api_client.get(f"{API}{endpoint}/{slug}/{fmt}")
        assert response.status_code == 404
        assert response["Content-Type"] == "application/json"
        assert MARKER not in response.content.decode()


FILTERS_BY_UNPUBLISHED = [
    ("projects", "investor", "leakmarker7-enterprise"),
    ("projects", "zone", "leakmarker7-zone"),
    ("projects", "event", "leakmarker7-event"),
    ("institutes", "zone", "leakmarker7-zone"),
    ("ambassadors", "cohort", "leakmarker7-cohort"),
]


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint, parameter, slug", FILTERS_BY_UNPUBLISHED)
def test_filtering_by_an_unpublished_record_is_refused(api_client, secrets, endpoint, parameter, slug):
    response = api_client.get(f"{API}{endpoint}/?{parameter}={slug}")
    assert response.status_code == 400
    assert parameter in response.json()
    assert MARKER not in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint, parameter, slug", FILTERS_BY_UNPUBLISHED)
def test_staff_may_filter_by_an_unpublished_record(staff_client, secrets, endpoint, parameter, slug):
    response = staff_client.get(f"{API}{endpoint}/?{parameter}={slug}")
    assert response.status_code == 200
    slugs = [record["slug"] for record in response.json()["results"]]
    expected = {"projects": ["public-project"], "institutes": ["public-institute"],
                "ambassadors": ["public-ambassador"]}[endpoint]
    assert slugs == expected


@pytest.mark.django_db
def test_related_hidden_records_are_null_or_left_out(api_client, secrets):
    project = api_client.get(f"{API}projects/public-project/").json()
    assert project["investors"] == ["public-investor"]
    assert project["zone"] is None and project["zone_url"] is None
    assert project["signing_event"] is None and project["institutes"] == []
    for field in ["staff_note", "obstacles", "responsible_unit", "responsible_person", "officer", "review_comment",
                  "review_status", "is_published", "version"]:
        assert field not in project
    ambassador = api_client.get(f"{API}ambassadors/public-ambassador/").json()
    assert ambassador["cohort"] is None and ambassador["enterprise"] is None
    assert "phone" not in ambassador and "email" not in ambassador
    event = api_client.get(f"{API}events/event-with-hidden-project/").json()
    assert event["recorded_project_count"] == 0 and event["recorded_total_investment"] is None


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["", "?format=csv", "?format=xlsx"])
def test_staff_with_permission_see_everything(staff_client, secrets, fmt):
    text = _text(staff_client.get(f"{API}projects/{fmt}"))
    for secret in ["谈判底价", "用地指标", f"{MARKER}局", f"{MARKER}同志", "leakmarker7-officer", "审核意见",
                   f"{MARKER}未发布项目", "leakmarker7-enterprise", "leakmarker7-zone"]:
        assert secret in text
    text = _text(staff_client.get(f"{API}ambassadors/{fmt}"))
    for secret in ["027-LEAKMARKER7", "leakmarker7@example.com", f"{MARKER}大使", "leakmarker7-cohort"]:
        assert secret in text
    event = staff_client.get(f"{API}events/event-with-hidden-project/").json()
    assert event["recorded_project_count"] == 1 and event["recorded_total_investment"] == "77777.00"


@pytest.mark.django_db
def test_staff_without_view_permission_and_non_staff_with_it_see_public_only(secrets):
    from django.contrib.auth.models import Permission
    from rest_framework.test import APIClient

    staff_without = UserFactory(username="staff-no-perm", is_staff=True)
    member_with = UserFactory(username="member-with-perm", is_staff=False)
    member_with.user_permissions.set(Permission.objects.filter(codename="view_project"))
    for user in (staff_without, member_with):
        client = APIClient()
        client.force_authenticate(user)
        text = _text(client.get(f"{API}projects/?format=csv"))
        assert "public-project" in text
        assert MARKER not in text
