"""Change history: who, when, which fields, old and new; one entry per record, bulk actions too."""

import datetime
from decimal import Decimal

import pytest

from ambassadors.models import Lead
from ledger import workflow
from ledger.history import describe_changes, format_changes
from ledger.revisions import pending_revisions
from ledger.writes import record_save
from projects.models import Enterprise, Project, Sector
from projects.services import project_save
from projects.stages import Stage
from tests.factories import EnterpriseFactory, LeadFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def test_every_ledger_model_keeps_history():
    from django.apps import apps

    from accounts.roles import LEDGER_MODELS
    from ledger.history import has_history

    for app_label, model_name in LEDGER_MODELS:
        assert has_history(apps.get_model(app_label, model_name)), model_name


def test_a_project_save_with_investors_leaves_one_entry_with_the_diff(officer):
    first, second = EnterpriseFactory(name="甲方集团"), EnterpriseFactory(name="乙方集团")
    project = Project(name="历史测试项目", stage=Stage.SIGNED, signed_on=datetime.date(2026, 2, 10),
                      total_investment=Decimal("1000"))
    project_save(project=project, user=officer, investors=[first])
    assert project.history.count() == 1
    created = project.history.get()
    assert created.history_type == "+" and created.history_user == officer
    assert [row.enterprise.name for row in created.investors.all()] == ["甲方集团"]

    project.total_investment = Decimal("2500")
    project.stage = Stage.STARTED
    project.started_on = datetime.date(2026, 4, 1)
    project_save(project=project, user=officer, investors=[first, second])
    assert project.history.count() == 2
    newer, older = project.history.all()[:2]
    changes = {c.field: c for c in describe_changes(older, newer)}
    assert (changes["total_investment"].old, changes["total_investment"].new) == ("1000.00", "2500.00")
    assert (changes["stage"].old, changes["stage"].new) == ("已签约", "已开工")
    assert changes["investors"].old == "甲方集团"
    assert set(changes["investors"].new.split("、")) == {"甲方集团", "乙方集团"}
    assert "version" not in changes and "updated_at" not in changes
    assert "总投资（万元）：1000.00 → 2500.00" in format_changes(list(changes.values()))


def test_workflow_steps_are_in_the_history_with_who_and_why(officer, reviewer):
    project = ProjectFactory(is_published=False)
    before = project.history.count()
    workflow.submit_for_review(record=project, user=officer)
    workflow.return_for_changes(record=project, user=reviewer, reason="补充材料")
    workflow.submit_for_review(record=project, user=officer)
    workflow.publish(record=project, user=reviewer)
    entries = list(project.history.order_by("history_date", "history_id"))[before:]
    assert [(e.history_user.username, e.history_change_reason) for e in entries] == [
        ("officer", "提交审核"),
        ("reviewer", "退回修改：补充材料"),
        ("officer", "提交审核"),
        ("reviewer", "发布"),
    ]
    publish_changes = {c.field: (c.old, c.new) for c in describe_changes(entries[-2], entries[-1])}
    assert publish_changes["is_published"] == ("否", "是")
    assert publish_changes["review_status"] == ("待审核", "已审核")


def test_bulk_publish_and_bulk_archive_leave_one_entry_per_record(reviewer):
    projects = [ProjectFactory(is_published=False) for _ in range(5)]
    counts = {p.pk: p.history.count() for p in projects}

    result = workflow.publish_many(records=Project.objects.filter(pk__in=counts), user=reviewer)
    assert len(result.done) == 5
    for project in projects:
        assert project.history.count() == counts[project.pk] + 1
        latest = project.history.first()
        assert latest.history_change_reason == "发布" and latest.history_user == reviewer and latest.is_published

    result = workflow.archive_many(projects=Project.objects.filter(pk__in=counts), user=reviewer, reason="批量归档")
    assert len(result.done) == 5
    for project in projects:
        assert project.history.count() == counts[project.pk] + 2
        assert project.history.first().archive_reason == "批量归档"


def test_delete_of_a_ledger_record_is_recorded():
    lead = LeadFactory(target_name="待删线索")
    pk = lead.pk
    lead.delete()
    assert Lead.history.filter(id=pk).first().history_type == "-"


def test_a_chosen_version_can_be_reverted_without_touching_publication(officer, reviewer):
    first, second = EnterpriseFactory(name="原投资方"), EnterpriseFactory(name="误填投资方")
    project = Project(name="回退测试项目", stage=Stage.SIGNED, signed_on=datetime.date(2026, 2, 10),
                      summary="第一版")
    project_save(project=project, user=officer, investors=[first])
    project.summary = "第二版，写错了"
    project_save(project=project, user=officer, investors=[second])
    workflow.publish(record=project, user=reviewer)
    first_version = project.history.get(summary="第一版")

    workflow.revert_to_version(entry=first_version, user=officer)
    project.refresh_from_db()
    assert project.summary == "第二版，写错了"  # published: the officer's revert waits for review
    (revision,) = pending_revisions(project)
    workflow.revision_approve(revision=revision, user=reviewer)
    project.refresh_from_db()
    assert project.summary == "第一版"
    assert [e.name for e in project.investors.all()] == ["原投资方"]
    assert project.is_published  # the draft-era state was not restored: reverting cannot unpublish or publish
    latest = project.history.first()
    assert latest.history_change_reason.startswith("审核通过") and "恢复到" in latest.history_change_reason
    assert latest.history_user == reviewer


def test_an_officer_cannot_publish_by_reverting_or_by_editing(officer, reviewer):
    project = ProjectFactory(is_published=False)
    workflow.publish(record=project, user=reviewer)
    workflow.unpublish(record=project, user=reviewer)
    published_version = project.history.get(history_change_reason="发布")
    workflow.revert_to_version(entry=published_version, user=officer)
    project.refresh_from_db()
    assert not project.is_published

    project.is_published = True
    project_save(project=project, user=officer)
    project.refresh_from_db()
    assert not project.is_published

    new = Project(name="专员新建", stage=Stage.NEGOTIATING, is_published=True)
    project_save(project=new, user=officer)
    assert not Project.objects.get(pk=new.pk).is_published


def test_a_record_without_stage_table_reverts_too(officer):
    enterprise = EnterpriseFactory(name="回退测试企业", description="第一版")
    record_save(record=enterprise, user=officer)
    enterprise.description = "第二版，写错了"
    record_save(record=enterprise, user=officer)
    workflow.revert_to_version(entry=enterprise.history.filter(description="第一版").first(), user=officer)
    enterprise.refresh_from_db()
    assert enterprise.description == "第一版"


def test_reference_data_has_history_too():
    sector = Sector.objects.create(name="历史领域", slug="history-sector", tier="emerging")
    sector.name = "历史领域二"
    sector.save()
    assert [h.name for h in sector.history.all()] == ["历史领域二", "历史领域"]
    assert Enterprise.history.model._meta.db_table == "projects_historicalenterprise"
