"""Optimistic locking: the second of two edits opened on the same version is refused, with what changed."""

from decimal import Decimal

import pytest

from ledger import workflow
from ledger.writes import StaleVersionError, record_save
from projects.models import Enterprise, Project
from projects.services import project_save
from tests.factories import EnterpriseFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def test_the_race_two_staff_open_the_same_project_the_second_save_is_refused(officer, officer2):
    # A draft: officers' edits of a published project are held for review (ledger.revisions) instead.
    project = ProjectFactory(total_investment=Decimal("1000"), summary="旧摘要", is_published=False)
    project_save(project=project, user=officer)  # a service write: version 2, first history entry
    first = Project.objects.get(pk=project.pk)
    second = Project.objects.get(pk=project.pk)
    assert first.version == second.version == 2

    first.total_investment = Decimal("3000")
    project_save(project=first, user=officer, expected_version=2)

    second.summary = "另一位同事的新摘要"
    with pytest.raises(StaleVersionError) as excinfo:
        project_save(project=second, user=officer2, expected_version=2)
    message = excinfo.value.messages[0]
    assert "第 2 版" in message and "第 3 版" in message
    assert "专员甲" in message  # who changed it
    assert "总投资（万元）：1000.00 → 3000.00" in message  # what changed

    stored = Project.objects.get(pk=project.pk)
    assert stored.total_investment == Decimal("3000") and stored.summary == "旧摘要"  # nothing overwritten
    assert stored.version == 3


def test_every_service_write_moves_the_version_on(officer, reviewer):
    project = ProjectFactory(is_published=False)
    versions = [project.version]
    project_save(project=project, user=officer)
    versions.append(Project.objects.get(pk=project.pk).version)
    workflow.submit_for_review(record=project, user=officer)
    versions.append(Project.objects.get(pk=project.pk).version)
    workflow.publish(record=project, user=reviewer)
    versions.append(Project.objects.get(pk=project.pk).version)
    assert versions == [1, 2, 3, 4]


def test_publishing_a_version_that_changed_meanwhile_is_refused(officer, reviewer):
    project = ProjectFactory(is_published=False)
    loaded = project.version
    project.summary = "提交后又改了"
    project_save(project=project, user=officer, expected_version=loaded)
    with pytest.raises(StaleVersionError) as excinfo:
        workflow.publish(record=project, user=reviewer, expected_version=loaded)
    assert "摘要" in excinfo.value.messages[0]
    assert not Project.objects.get(pk=project.pk).is_published


def test_other_records_are_locked_the_same_way(officer, officer2):
    enterprise = EnterpriseFactory(description="旧简介", is_published=False)
    first, second = Enterprise.objects.get(pk=enterprise.pk), Enterprise.objects.get(pk=enterprise.pk)
    first.description = "新简介"
    record_save(record=first, user=officer, expected_version=first.version)
    second.city = "杭州"
    with pytest.raises(StaleVersionError) as excinfo:
        record_save(record=second, user=officer2, expected_version=second.version)
    assert "简介：旧简介 → 新简介" in excinfo.value.messages[0]
    assert Enterprise.objects.get(pk=enterprise.pk).city == "武汉"


def test_a_stale_refusal_is_a_validation_error_not_a_crash(officer):
    from django.core.exceptions import ValidationError

    project = ProjectFactory(is_published=False)
    project_save(project=project, user=officer, expected_version=project.version)
    assert issubclass(StaleVersionError, ValidationError)
    with pytest.raises(ValidationError):
        project_save(project=project, user=officer, expected_version=1)
