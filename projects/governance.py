"""
The project ledger's public models at the write door (``ledger.writes.register_governed``), and
their internal fields.

Every model below appears on a public page, the anonymous API, an export, the feed or the
sitemap: a change or delete of a public record by someone who may not publish it waits for a
reviewer. The internal fields are never shown to the public (no public serializer or template
names them): they are written at once, even on a published record.
"""

from ledger.writes import register_governed

from .models import (
    Enterprise,
    Honour,
    Project,
    ProjectMilestone,
    RenewalZone,
    ResearchInstitute,
    Sector,
    SigningEvent,
)
from .stages import PLANNED_DATE_FIELDS

PROJECT_INTERNAL_FIELDS: tuple[str, ...] = (
    "officer", "responsible_unit", "responsible_person", "staff_note", "obstacles", "fixed_asset_investment",
    *(name for field in PLANNED_DATE_FIELDS.values() for name in (field, f"{field}_precision")),
)
# A carrier's admission thresholds (亩均效益) are the office's own yardstick.
ZONE_INTERNAL_FIELDS: tuple[str, ...] = (
    "staff_note", "min_investment_intensity", "min_output_per_mu", "min_tax_per_mu",
)


def _project_is_published(milestone: ProjectMilestone) -> bool:
    return Project.objects.filter(pk=milestone.project_id, is_published=True).exists()


def register() -> None:
    """Called from ``ProjectsConfig.ready``."""
    register_governed(Project, internal=PROJECT_INTERNAL_FIELDS)
    # A milestone is on its project's public page (the timeline) and in the exports.
    register_governed(ProjectMilestone, published=_project_is_published, publisher="projects.publish_project")
    register_governed(Enterprise, internal=("staff_note",))
    register_governed(SigningEvent, internal=("staff_note",))
    register_governed(RenewalZone, internal=ZONE_INTERNAL_FIELDS)
    register_governed(ResearchInstitute, internal=("staff_note",))
    # Sectors and honours are named on every public page that lists a project or an investor: always public.
    register_governed(Sector, published=None, publisher="projects.publish_project")
    register_governed(Honour, published=None, publisher="projects.publish_enterprise")
