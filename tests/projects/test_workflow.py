"""Review and publishing, archiving and the stage table's roles, through the services."""

import datetime
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.roles import Role
from ledger import workflow
from projects import stages
from projects.models import Project, ReviewStatus
from projects.services import project_save
from projects.stages import Stage
from tests.factories import EnterpriseFactory, ProjectFactory, SigningEventFactory

pytestmark = pytest.mark.django_db


def draft_project(user, **fields) -> Project:
    project = Project(
        name=fields.pop("name", "测试草稿项目"), stage=Stage.SIGNED, signed_on=datetime.date(2026, 2, 10), **fields
    )
    return project_save(project=project, user=user, investors=[EnterpriseFactory()])


def test_officer_drafts_reviewer_publishes_and_the_public_page_shows_it(client, officer, reviewer):
    project = draft_project(officer)
    url = reverse("projects:project_detail", kwargs={"slug": project.slug})
    assert project.review_status == ReviewStatus.DRAFT and not project.is_published
    assert client.get(url).status_code == 404

    project = workflow.submit_for_review(record=project, user=officer)
    assert project.review_status == ReviewStatus.SUBMITTED
    assert list(Project.objects.waiting_for_review()) == [project]
    with pytest.raises(PermissionDenied):
        workflow.publish(record=project, user=officer)

    project = workflow.publish(record=project, user=reviewer)
    assert project.is_published and project.review_status == ReviewStatus.APPROVED
    assert project.published_at is not None
    assert client.get(url).status_code == 200
    assert "测试草稿项目" in client.get(url).content.decode()

    workflow.unpublish(record=project, user=reviewer, reason="数据待核实")
    assert client.get(url).status_code == 404
    project.refresh_from_db()
    assert project.review_status == ReviewStatus.DRAFT and project.review_comment == "数据待核实"


def test_reviewer_returns_with_a_reason_and_officer_resubmits(officer, reviewer):
    project = workflow.submit_for_review(record=draft_project(officer), user=officer)
    with pytest.raises(ValidationError) as excinfo:
        workflow.return_for_changes(record=project, user=reviewer, reason="  ")
    assert "退回原因" in str(excinfo.value)
    with pytest.raises(PermissionDenied):
        workflow.return_for_changes(record=project, user=officer, reason="自己退回")

    project = workflow.return_for_changes(record=project, user=reviewer, reason="请补充投资额来源")
    assert project.review_status == ReviewStatus.RETURNED
    assert project.review_comment == "请补充投资额来源"
    assert not Project.objects.waiting_for_review().exists()
    project = workflow.submit_for_review(record=project, user=officer)
    assert project.review_status == ReviewStatus.SUBMITTED


def test_publishing_twice_or_returning_a_draft_is_refused_in_chinese(officer, reviewer):
    project = draft_project(officer)
    with pytest.raises(ValidationError) as excinfo:
        workflow.return_for_changes(record=project, user=reviewer, reason="原因")
    assert "待审核" in str(excinfo.value)
    workflow.publish(record=project, user=reviewer)
    with pytest.raises(ValidationError) as excinfo:
        workflow.publish(record=project, user=reviewer)
    assert "已经发布" in str(excinfo.value)


def test_publishing_a_signed_project_without_investor_is_refused(reviewer):
    project = ProjectFactory(is_published=False)
    project.investors.clear()  # a signed project the services would not save (older data, a raw write)
    with pytest.raises(ValidationError) as excinfo:
        workflow.publish(record=project, user=reviewer)
    assert "必须填写投资方" in str(excinfo.value)
    project.refresh_from_db()
    assert not project.is_published


def test_other_publishable_records_follow_the_same_workflow(officer, reviewer, client):
    event = SigningEventFactory(is_published=False)
    with pytest.raises(PermissionDenied):
        workflow.publish(record=event, user=officer)
    workflow.publish(record=event, user=reviewer)
    assert client.get(reverse("projects:event_detail", kwargs={"slug": event.slug})).status_code == 200


def test_archiving_hides_a_project_everywhere_public_and_restore_brings_it_back(client, officer, reviewer):
    project = ProjectFactory(name="待归档项目")
    url = reverse("projects:project_detail", kwargs={"slug": project.slug})
    assert client.get(url).status_code == 200

    with pytest.raises(PermissionDenied):
        workflow.archive_project(project=project, user=officer, reason="重复录入")
    with pytest.raises(ValidationError) as excinfo:
        workflow.archive_project(project=project, user=reviewer, reason="")
    assert "归档原因" in str(excinfo.value)

    project = workflow.archive_project(project=project, user=reviewer, reason="重复录入")
    assert client.get(url).status_code == 404
    assert "待归档项目" not in client.get(reverse("projects:project_list")).content.decode()
    assert not Project.objects.public().filter(pk=project.pk).exists()
    assert list(Project.objects.archived()) == [project]
    assert not Project.objects.active().filter(pk=project.pk).exists()
    assert Project.objects.filter(pk=project.pk).exists()  # archived, not deleted
    with pytest.raises(ValidationError):
        workflow.publish(record=project, user=reviewer)

    project = workflow.restore_project(project=project, user=reviewer)
    assert project.archived_at is None and project.archive_reason == ""
    assert project.review_status == ReviewStatus.DRAFT and not project.is_published
    workflow.publish(record=project, user=reviewer)
    assert client.get(url).status_code == 200


def test_even_a_published_row_that_is_archived_stays_off_public_querysets(reviewer):
    project = ProjectFactory()
    Project.objects.filter(pk=project.pk).update(archived_at=datetime.datetime(2026, 3, 1, tzinfo=datetime.UTC),
                                                 archive_reason="测试")
    assert Project.objects.filter(pk=project.pk, is_published=True).exists()
    assert not Project.objects.public().filter(pk=project.pk).exists()


def test_database_refuses_an_archive_without_reason():
    from django.db import IntegrityError, transaction

    project = ProjectFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Project.objects.filter(pk=project.pk).update(archived_at=datetime.datetime(2026, 3, 1, tzinfo=datetime.UTC))


def test_illegal_stage_jump_is_refused_with_a_clear_reason(officer):
    project = ProjectFactory(stage=Stage.STARTED, started_on=datetime.date(2026, 3, 1))
    project.stage = Stage.SIGNED
    with pytest.raises(ValidationError) as excinfo:
        project_save(project=project, user=officer)
    assert excinfo.value.message_dict["stage"] == ["项目阶段不能从“已开工”直接变为“已签约”。"]
    project.refresh_from_db()
    assert project.stage == Stage.STARTED


def test_missing_stage_field_is_named_in_chinese(officer):
    project = ProjectFactory(stage=Stage.SIGNED)
    project.stage = Stage.STARTED
    with pytest.raises(ValidationError) as excinfo:
        project_save(project=project, user=officer)
    assert "必须填写开工日期" in str(excinfo.value.message_dict["started_on"])


def test_only_a_reviewer_moves_a_project_into_production_or_terminates_it(officer, reviewer):
    project = ProjectFactory(stage=Stage.STARTED, started_on=datetime.date(2026, 3, 1), is_published=False)
    project.stage = Stage.IN_PRODUCTION
    project.production_on = datetime.date(2026, 9, 1)
    with pytest.raises(PermissionDenied) as excinfo:
        project_save(project=project, user=officer)
    assert "已投产" in str(excinfo.value)
    project_save(project=project, user=reviewer)
    milestone = project.milestones.get(stage=Stage.IN_PRODUCTION)
    assert milestone.recorded_by == reviewer and milestone.date == datetime.date(2026, 9, 1)

    other = ProjectFactory(stage=Stage.SIGNED, is_published=False)
    other.stage = Stage.TERMINATED
    with pytest.raises(PermissionDenied):
        project_save(project=other, user=officer)
    other.stage = Stage.ON_HOLD
    project_save(project=other, user=officer)
    assert other.milestones.get(stage=Stage.ON_HOLD).recorded_by == officer


def test_every_move_into_a_reviewer_stage_needs_the_reviewer():
    """The stage table agrees with itself: entering a reviewer-only stage needs the reviewer on every path."""
    for old, new, role in stages.transition_table():
        if stages.permission_for(new) == stages.REVIEWER_PERMISSION:
            assert role == Role.REVIEWER, (old, new)
        assert stages.permission_for_transition(old, new) == stages.ROLE_PERMISSIONS[role]
    assert stages.role_for_transition(Stage.STARTED, Stage.NEGOTIATING) is None
    assert stages.role_for_transition(None, Stage.IN_PRODUCTION) == Role.REVIEWER
    assert stages.role_for_transition(None, Stage.SIGNED) == Role.OFFICER


def test_bulk_publish_reports_each_refusal_and_keeps_the_rest(reviewer):
    good = [ProjectFactory(is_published=False) for _ in range(3)]
    bad = ProjectFactory(is_published=False)
    bad.investors.clear()  # a signed project the services would not save any more
    result = workflow.publish_many(records=Project.objects.filter(is_published=False).order_by("pk"), user=reviewer)
    assert {p.pk for p in result.done} == {p.pk for p in good}
    assert [(p.pk, "必须填写投资方" in msg) for p, msg in result.refused] == [(bad.pk, True)]
    assert Project.objects.filter(is_published=True).count() == 3


def test_inactive_or_anonymous_users_cannot_publish(reviewer):
    from django.contrib.auth.models import AnonymousUser

    project = ProjectFactory(is_published=False)
    with pytest.raises(PermissionDenied):
        workflow.publish(record=project, user=AnonymousUser())
    reviewer.is_active = False
    reviewer.save()
    with pytest.raises(PermissionDenied):
        workflow.publish(record=project, user=reviewer)


def test_unpublishing_hides_a_project_at_once_even_from_the_page_cache(client, reviewer, django_capture_on_commit_callbacks):
    from django.core.cache import cache
    from django.test import override_settings

    cache.clear()
    with override_settings(PUBLIC_CACHE_SECONDS=300):
        project = ProjectFactory(name="缓存中的项目")
        list_url = reverse("projects:project_list")
        assert "缓存中的项目" in client.get(list_url).content.decode()
        assert client.get(list_url)["X-Cache"] == "hit"
        with django_capture_on_commit_callbacks(execute=True):
            workflow.unpublish(record=project, user=reviewer)
        assert "缓存中的项目" not in client.get(list_url).content.decode()
        with django_capture_on_commit_callbacks(execute=True):
            workflow.publish(record=project, user=reviewer)
        assert "缓存中的项目" in client.get(list_url).content.decode()
        with django_capture_on_commit_callbacks(execute=True):
            workflow.archive_project(project=project, user=reviewer, reason="重复录入")
        assert "缓存中的项目" not in client.get(list_url).content.decode()
    cache.clear()


def test_the_documented_stage_table_is_the_code():
    """docs/workflow.md shows the stage moves exactly as ``projects.stages`` allows them."""
    doc = (Path(__file__).resolve().parents[2] / "docs" / "workflow.md").read_text(encoding="utf-8")
    assert stages.transition_markdown() in doc


def test_completion_sits_between_start_and_production(officer, reviewer):
    project = ProjectFactory(stage=Stage.STARTED, started_on=datetime.date(2026, 3, 1), is_published=False)
    project.stage = Stage.COMPLETED
    with pytest.raises(ValidationError) as excinfo:
        project_save(project=project, user=officer)
    assert "必须填写竣工日期" in str(excinfo.value.message_dict["completed_on"])
    project.completed_on = datetime.date(2026, 2, 1)
    with pytest.raises(ValidationError) as excinfo:
        project_save(project=project, user=officer)
    assert "竣工日期不能早于开工日期" in str(excinfo.value.message_dict["completed_on"])
    project.completed_on = datetime.date(2026, 9, 1)
    project_save(project=project, user=officer)  # the officer records the completion
    assert project.milestones.get(stage=Stage.COMPLETED).date == datetime.date(2026, 9, 1)
    project.stage, project.production_on = Stage.IN_PRODUCTION, datetime.date(2026, 10, 1)
    with pytest.raises(PermissionDenied):
        project_save(project=project, user=officer)  # production stays the reviewer's
    project_save(project=project, user=reviewer)
    assert list(project.milestones.values_list("stage", flat=True)).count(Stage.COMPLETED) == 1
