"""Every public page runs a fixed number of queries, whether it shows one project or a hundred."""

import pytest

from ambassadors.models import LeadStatus
from tests.factories import (
    AmbassadorFactory,
    CohortFactory,
    EnterpriseFactory,
    HonourFactory,
    LeadFactory,
    ProjectFactory,
    RenewalZoneFactory,
    ResearchInstituteFactory,
    SectorFactory,
    SigningEventFactory,
)

pytestmark = pytest.mark.django_db

MANY = 110

# The bound per page, whatever the number of rows (measured, then fixed here).
BOUNDS = {
    # First visit after a change: the summary and the announced figures are computed (then 1: the version).
    "/": 15,
    "/?year=2026&sector=parent": 14,
    "/projects/": 9,  # first visit after a change: + the version, the menus are computed (then 5)
    "/projects/?sector=parent&stage=signed&honour=honour&q=测试&ordering=-total_investment": 11,
    "/projects/?page=2": 8,
    "/projects/?q=测试项目&stage=signed": 8,  # on PostgreSQL paged branch by branch (ledger.paginators)
    "/projects/feed/": 3,
    "/projects/test-detail/": 5,
    "/events/": 3,
    "/events/test-event/": 5,
    "/institutes/": 2,
    "/institutes/test-inst/": 4,
    "/zones/": 2,
    "/zones/test-zone/": 5,
    "/ambassadors/": 6,  # + the results per cohort: the data version, then (after a change) ambassadors and leads
    "/ambassadors/test-amb/": 3,  # + the results section (ambassadors.results.public_results_for)
    "/sitemap.xml": 11,
}


def build(rows: int) -> None:
    parent = SectorFactory(slug="parent")
    honour = HonourFactory(slug="honour")
    event = SigningEventFactory(slug="test-event")
    zone = RenewalZoneFactory(slug="test-zone")
    institute = ResearchInstituteFactory(slug="test-inst", zone=zone)
    cohort = CohortFactory()
    ambassador = AmbassadorFactory(slug="test-amb", cohort=cohort)
    for index in range(rows):
        sector = SectorFactory(parent=parent)
        investors = [EnterpriseFactory(), EnterpriseFactory()]
        investors[0].honours.add(honour, HonourFactory())
        project = ProjectFactory(
            slug="test-detail" if index == 0 else f"row-{index}", sector=sector, signing_event=event, zone=zone,
            investors=investors,
        )
        project.institutes.add(institute, ResearchInstituteFactory(zone=zone))
        LeadFactory(ambassador=ambassador, status=LeadStatus.SIGNED, project=project)
        AmbassadorFactory(cohort=cohort if index % 2 else CohortFactory())


@pytest.mark.parametrize("rows", [1, MANY], ids=["1-row", f"{MANY}-rows"])
def test_query_count_does_not_grow_with_rows(client, django_assert_max_num_queries, rows):
    build(rows)
    for url, bound in BOUNDS.items():
        if "page=2" in url and rows == 1:
            continue  # there is no second page
        with django_assert_max_num_queries(bound, info=url):
            response = client.get(url)
        assert response.status_code == 200, url
