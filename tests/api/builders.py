"""Rows for every API endpoint, with their relations filled in (so prefetching is exercised)."""

from tests.factories import (
    AmbassadorFactory,
    CohortFactory,
    EnterpriseFactory,
    HonourFactory,
    ProjectFactory,
    ProjectMilestoneFactory,
    RenewalZoneFactory,
    ResearchInstituteFactory,
    SectorFactory,
    SigningEventFactory,
)


def build_rows(endpoint: str, count: int) -> None:
    """``count`` published records of the endpoint's entity, each with its related records."""
    if endpoint == "projects":
        event = SigningEventFactory()
        zone = RenewalZoneFactory()
        for _ in range(count):
            project = ProjectFactory(
                signing_event=event, zone=zone, investors=[EnterpriseFactory(), EnterpriseFactory()]
            )
            project.institutes.set([ResearchInstituteFactory(zone=zone)])
            ProjectMilestoneFactory(project=project)
    elif endpoint == "enterprises":
        parent = EnterpriseFactory()
        honour = HonourFactory()
        for _ in range(count - 1):
            EnterpriseFactory(parent=parent).honours.set([honour])
    elif endpoint == "sectors":
        parent = SectorFactory()
        SectorFactory.create_batch(count - 1, parent=parent)
    elif endpoint == "events":
        sector = SectorFactory()
        for _ in range(count):
            event = SigningEventFactory()
            event.sectors.set([sector])
            ProjectFactory(signing_event=event)
    elif endpoint == "institutes":
        ResearchInstituteFactory.create_batch(count, zone=RenewalZoneFactory())
    elif endpoint == "zones":
        RenewalZoneFactory.create_batch(count)
    elif endpoint == "ambassadors":
        cohort = CohortFactory()
        for _ in range(count):
            AmbassadorFactory(cohort=cohort, enterprise=EnterpriseFactory())
    elif endpoint == "cohorts":
        CohortFactory.create_batch(count)
    else:  # pragma: no cover - a new endpoint must be added here
        raise ValueError(endpoint)
