"""The database itself refuses bad rows: every check and unique constraint, written past the forms.

Each case writes one bad value with ``QuerySet.update()`` or a plain ``save()`` (no ``full_clean``),
as a buggy import or a hand-written SQL fix would, and expects the database to refuse it. Check
constraints are identified by name in the database's error, so the right rule is the one firing.
"""

import datetime
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from projects.models import (
    Enterprise,
    FundsEntry,
    FundsEntryKind,
    Honour,
    Project,
    ProjectMilestone,
    ProjectYearFigures,
    RenewalZone,
    ResearchInstitute,
    Sector,
    SigningEvent,
)
from projects.stages import STAGE_DATE_FIELDS, Stage
from projects.validators import credit_code_check_character
from tests.factories import (
    EnterpriseFactory,
    FundsEntryFactory,
    HonourFactory,
    ProjectFactory,
    ProjectMilestoneFactory,
    ProjectYearFiguresFactory,
    RenewalZoneFactory,
    ResearchInstituteFactory,
    SectorFactory,
    SigningEventFactory,
)

pytestmark = pytest.mark.django_db

MODELS = [Sector, Honour, Enterprise, SigningEvent, RenewalZone, ResearchInstitute, Project, ProjectMilestone,
          FundsEntry, ProjectYearFigures]
FACTORIES = {
    Sector: SectorFactory,
    Honour: HonourFactory,
    Enterprise: EnterpriseFactory,
    SigningEvent: SigningEventFactory,
    RenewalZone: RenewalZoneFactory,
    ResearchInstitute: ResearchInstituteFactory,
    Project: ProjectFactory,
    ProjectMilestone: ProjectMilestoneFactory,
    FundsEntry: FundsEntryFactory,
    ProjectYearFigures: ProjectYearFiguresFactory,
}


def valid_credit_code(first17: str = "91420107000000000") -> str:
    return first17 + credit_code_check_character(first17)


def update(model, **values) -> Callable[[], None]:
    """A write that sets ``values`` on a fresh, valid record of ``model``."""

    def write() -> None:
        obj = FACTORIES[model]()
        model.objects.filter(pk=obj.pk).update(**values)

    return write


def own_parent(model) -> Callable[[], None]:
    def write() -> None:
        obj = FACTORIES[model]()
        model.objects.filter(pk=obj.pk).update(parent_id=obj.pk)

    return write


def duplicate(model, field: str, value) -> Callable[[], None]:
    """Two records sharing ``value`` (the second set by update: some factories get_or_create)."""

    def write() -> None:
        FACTORIES[model](**{field: value})
        second = FACTORIES[model]()
        model.objects.filter(pk=second.pk).update(**{field: value})

    return write


D1, D2 = datetime.date(2026, 1, 1), datetime.date(2026, 2, 1)

# constraint name -> a write that breaks it
CHECKS: dict[str, Callable[[], None]] = {
    "sector_not_own_parent": own_parent(Sector),
    "sector_slug_not_empty": update(Sector, slug=""),
    "sector_name_not_empty": update(Sector, name=""),
    "honour_name_not_empty": update(Honour, name=""),
    "honour_slug_not_empty": update(Honour, slug=""),
    "enterprise_name_not_empty": update(Enterprise, name=""),
    "enterprise_slug_not_empty": update(Enterprise, slug=""),
    "enterprise_not_own_parent": own_parent(Enterprise),
    "enterprise_credit_code_18_chars": update(Enterprise, credit_code="9142010700000"),
    "event_name_not_empty": update(SigningEvent, name=""),
    "event_slug_not_empty": update(SigningEvent, slug=""),
    "event_announced_total_not_negative": update(SigningEvent, announced_total_investment=Decimal("-0.01")),
    "zone_name_not_empty": update(RenewalZone, name=""),
    "zone_slug_not_empty": update(RenewalZone, slug=""),
    "zone_area_positive": update(RenewalZone, area_km2=Decimal("0")),
    # A place on the map (#18): both coordinates or neither, each in range.
    **{
        f"{prefix}_{name}": update(model, **values)
        for prefix, model in (("zone", RenewalZone), ("institute", ResearchInstitute), ("project", Project))
        for name, values in (
            ("point_complete", {"latitude": Decimal("30.6"), "longitude": None}),
            ("latitude_range", {"latitude": Decimal("91"), "longitude": Decimal("114.3")}),
            ("longitude_range", {"latitude": Decimal("30.6"), "longitude": Decimal("-181")}),
        )
    },
    "institute_name_not_empty": update(ResearchInstitute, name=""),
    "institute_slug_not_empty": update(ResearchInstitute, slug=""),
    "project_name_not_empty": update(Project, name=""),
    "project_slug_not_empty": update(Project, slug=""),
    "project_total_investment_not_negative": update(Project, total_investment=Decimal("-1")),
    # The sum of the funds ledger (kept by triggers) past the total: an entry written around the door.
    "project_funds_within_total": lambda: FundsEntry.objects.create(
        project=ProjectFactory(total_investment=Decimal("100")), received_on=D1, amount=Decimal("100.01")),
    "project_fixed_asset_investment_not_negative": update(Project, fixed_asset_investment=Decimal("-1")),
    **{f"zone_{name}_not_negative": update(RenewalZone, **{name: Decimal("-1")})
       for name in ("min_investment_intensity", "min_output_per_mu", "min_tax_per_mu")},
    "funds_entry_amount_positive": update(FundsEntry, amount=Decimal("0")),
    "funds_entry_kind_valid": update(FundsEntry, kind="gift"),
    "funds_entry_precision_valid": update(FundsEntry, received_on_precision="week"),
    "funds_entry_dated_unless_opening": update(FundsEntry, received_on=None),
    "year_figures_year_range": update(ProjectYearFigures, year=1900),
    "year_figures_output_not_negative": update(ProjectYearFigures, output_value=Decimal("-1")),
    "year_figures_tax_not_negative": update(ProjectYearFigures, tax=Decimal("-1")),
    "project_land_area_positive": update(Project, land_area_mu=Decimal("0")),
    "project_archive_has_reason": update(Project, archived_at=datetime.datetime(2026, 3, 1, tzinfo=datetime.UTC)),
    "project_stage_valid": update(Project, stage="approved"),
    "milestone_stage_valid": update(ProjectMilestone, stage="approved"),
    # Milestone dates in lifecycle order: each later date may not precede each earlier one.
    **{
        f"project_{earlier}_before_{later}": update(
            Project, **{"stage": Stage.NEGOTIATING, "signed_on": None, earlier: D2, later: D1}
        )
        for i, earlier in enumerate(STAGE_DATE_FIELDS.values())
        for later in list(STAGE_DATE_FIELDS.values())[i + 1 :]
    },
    # A stage's date is present once the project has reached it.
    **{
        f"project_{stage}_needs_{date_field}": update(Project, stage=stage, **{date_field: None})
        for stage, date_field in STAGE_DATE_FIELDS.items()
    },
}

UNIQUES: dict[str, Callable[[], None]] = {
    "enterprise_credit_code_unique": duplicate(Enterprise, "credit_code", valid_credit_code()),
    "project_code_unique": duplicate(Project, "code", "QS-2026-0001"),
    "funds_entry_one_opening": lambda: [
        FundsEntry.objects.create(project=project, kind=FundsEntryKind.OPENING, amount=Decimal("1"))
        for project in [ProjectFactory()] for _ in range(2)],
    "year_figures_one_per_year": lambda: [ProjectYearFigures.objects.create(project=project, year=2025)
                                          for project in [ProjectFactory()] for _ in range(2)],
    **{
        f"{model._meta.model_name}.{field.name}": duplicate(model, field.name, f"dup-{field.name}")
        for model in MODELS
        for field in model._meta.fields
        if field.unique and not field.primary_key
    },
}


@pytest.mark.parametrize("constraint", CHECKS)
def test_database_refuses_a_row_breaking_check_constraint(constraint):
    with pytest.raises(IntegrityError) as excinfo, transaction.atomic():
        CHECKS[constraint]()
    assert constraint in str(excinfo.value)


@pytest.mark.parametrize("constraint", UNIQUES)
def test_database_refuses_a_duplicate(constraint):
    with pytest.raises(IntegrityError), transaction.atomic():
        UNIQUES[constraint]()


def test_every_constraint_of_the_ledger_models_has_a_case():
    declared = {c.name for model in MODELS for c in model._meta.constraints}
    declared |= {
        f"{model._meta.model_name}.{field.name}"
        for model in MODELS
        for field in model._meta.fields
        if field.unique and not field.primary_key
    }
    assert declared == set(CHECKS) | set(UNIQUES)


def test_blank_codes_are_not_duplicates():
    """Most enterprises and projects have no published code: blanks may repeat."""
    EnterpriseFactory.create_batch(2, credit_code="")
    assert Enterprise.objects.filter(credit_code="").count() == 2
    ProjectFactory.create_batch(2, code="")
    assert Project.objects.filter(code="").count() == 2


def test_a_valid_project_with_every_stage_date_in_order_is_accepted():
    project = ProjectFactory(
        stage=Stage.IN_PRODUCTION, signed_on=D1, registered_on=D1, started_on=D2, completed_on=D2, production_on=D2,
        total_investment=Decimal("100"), funds_in_place=Decimal("100"), land_area_mu=Decimal("0.01"),
    )
    assert Project.objects.filter(pk=project.pk, stage=Stage.IN_PRODUCTION).exists()
