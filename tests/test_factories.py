"""The factories build records through the write services, as a system write would: the stage
table's requirements met, the milestones the save logs, one history entry, published."""

import pytest
from django.core.exceptions import ValidationError

from projects import stages
from projects.models import Project
from projects.services import project_stage_errors
from projects.stages import Stage
from tests.factories import (
    CompletedProjectFactory,
    InProductionProjectFactory,
    NegotiatingProjectFactory,
    ProjectFactory,
    RegisteredProjectFactory,
    SignedProjectFactory,
    StartedProjectFactory,
)

pytestmark = pytest.mark.django_db

STAGE_FACTORIES = [
    (NegotiatingProjectFactory, Stage.NEGOTIATING),
    (SignedProjectFactory, Stage.SIGNED),
    (RegisteredProjectFactory, Stage.REGISTERED),
    (StartedProjectFactory, Stage.STARTED),
    (CompletedProjectFactory, Stage.COMPLETED),
    (InProductionProjectFactory, Stage.IN_PRODUCTION),
]


@pytest.mark.parametrize(("factory", "stage"), STAGE_FACTORIES, ids=[stage for _f, stage in STAGE_FACTORIES])
def test_each_stage_factory_makes_a_published_project_the_stage_table_accepts(factory, stage):
    project = factory()
    project.refresh_from_db()
    assert project.stage == stage and project.is_published
    assert project_stage_errors(project=project, investors=None, old_stage=None) == {}
    project.full_clean()
    # The save logged a milestone for each dated stage the project passed on the way, then its own.
    passed = stages.MAIN_PATH[: stages.MAIN_PATH.index(stage) + 1]
    expected = [s for s in passed if s == stage or stages.date_field_for(s)]
    assert list(project.milestones.values_list("stage", flat=True)) == expected
    # One history entry, the system's (no user).
    assert list(project.history.values_list("history_type", "history_user")) == [("+", None)]


def test_project_factory_is_a_signed_project_with_one_investor():
    project = ProjectFactory()
    assert project.stage == Stage.SIGNED
    assert project.investors.count() == 1


def test_a_factory_cannot_make_what_the_services_refuse():
    with pytest.raises(ValidationError) as excinfo:
        SignedProjectFactory(investors=[])
    assert "必须填写投资方" in str(excinfo.value)
    assert not Project.objects.exists()

