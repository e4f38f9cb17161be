"""The database refuses bad ambassador, cohort and lead rows, whatever wrote them (see tests/projects/test_constraints.py)."""

import datetime
from collections.abc import Callable

import pytest
from django.db import IntegrityError, transaction

from ambassadors.models import Ambassador, Cohort, Lead, LeadStatus
from tests.factories import AmbassadorFactory, CohortFactory, LeadFactory, ProjectFactory

pytestmark = pytest.mark.django_db

MODELS = [Cohort, Ambassador, Lead]
FACTORIES = {Cohort: CohortFactory, Ambassador: AmbassadorFactory, Lead: LeadFactory}


def update(model, **values) -> Callable[[], None]:
    def write() -> None:
        obj = FACTORIES[model]()
        model.objects.filter(pk=obj.pk).update(**values)

    return write


def duplicate(model, field: str, value) -> Callable[[], None]:
    def write() -> None:
        FACTORIES[model](**{field: value})
        second = FACTORIES[model]()
        model.objects.filter(pk=second.pk).update(**{field: value})

    return write


def duplicate_lead() -> None:
    lead = LeadFactory(target_name="测试洛阳中硅")
    second = LeadFactory(ambassador=lead.ambassador)
    Lead.objects.filter(pk=second.pk).update(target_name="测试洛阳中硅")


CHECKS: dict[str, Callable[[], None]] = {
    "cohort_name_not_empty": update(Cohort, name=""),
    "cohort_slug_not_empty": update(Cohort, slug=""),
    "cohort_year_range": update(Cohort, year=1900),
    "ambassador_name_not_empty": update(Ambassador, name=""),
    "ambassador_slug_not_empty": update(Ambassador, slug=""),
    "ambassador_term_in_order": update(
        Ambassador, term_start=datetime.date(2027, 2, 1), term_end=datetime.date(2025, 2, 1)
    ),
    "lead_target_not_empty": update(Lead, target_name=""),
    "lead_status_valid": update(Lead, status="won"),
    "lead_signed_has_project": update(Lead, status=LeadStatus.SIGNED, project=None),
}

UNIQUES: dict[str, Callable[[], None]] = {
    "lead_unique_per_ambassador": duplicate_lead,
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


def test_every_constraint_of_the_ambassador_models_has_a_case():
    declared = {c.name for model in MODELS for c in model._meta.constraints}
    declared |= {
        f"{model._meta.model_name}.{field.name}"
        for model in MODELS
        for field in model._meta.fields
        if field.unique and not field.primary_key
    }
    assert declared == set(CHECKS) | set(UNIQUES)


def test_rows_the_rules_allow_are_accepted():
    """Two ambassadors may refer the same target; a signed lead with its project is fine."""
    first = LeadFactory(target_name="测试中冶长城")
    LeadFactory(target_name="测试中冶长城", status=LeadStatus.SIGNED, project=ProjectFactory())
    AmbassadorFactory(name=first.ambassador.name, term_start=datetime.date(2025, 2, 1),
                      term_end=datetime.date(2025, 2, 1))
    assert Lead.objects.filter(target_name="测试中冶长城").count() == 2
    assert Ambassador.objects.filter(name=first.ambassador.name).count() == 2
