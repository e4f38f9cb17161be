"""Decisions reach their author: a reviewer's return or approval of a revision, a return of a draft,
a publication, an assignment, an escalation — each one notice in the bell (and in the digest); and the
index's banner and the desk's list of returned projects say the same thing."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from accounts.roles import Role
from desk import services
from desk.models import EmailMode, Notification, NotificationKind
from desk.selectors import desk_for
from ledger import workflow
from ledger.models import Revision, RevisionStatus
from ledger.writes import record_delete
from projects.models import Project, SigningEvent
from projects.services import project_save
from tests.factories import ProjectFactory, SigningEventFactory, StaffUserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def officer_revises(project, officer, **changes) -> Revision:
    record = Project.objects.get(pk=project.pk)
    for name, value in changes.items():
        setattr(record, name, value)
    project_save(project=record, user=officer, expected_version=record.version)
    return Revision.objects.get(object_id=project.pk, status=RevisionStatus.PENDING)


def test_a_reviewers_return_of_a_revision_notifies_its_author_exactly_once(officer, reviewer):
    project = ProjectFactory(name="已发布项目", officer=officer, summary="旧摘要")
    revision = officer_revises(project, officer, summary="新摘要")
    assert not Notification.objects.exists()
    workflow.revision_return(revision=revision, user=reviewer, reason="金额无依据")
    notice = Notification.objects.get()
    assert (notice.recipient, notice.kind) == (officer, NotificationKind.RETURNED)
    assert "已发布项目" in notice.message and "金额无依据" in notice.message
    assert notice.url == reverse("admin:projects_project_change", args=[project.pk])


def test_an_approved_revision_notifies_its_author_once(officer, reviewer):
    project = ProjectFactory(name="已发布项目", officer=officer, summary="旧摘要")
    revision = officer_revises(project, officer, summary="新摘要")
    workflow.revision_approve(revision=revision, user=reviewer)
    assert list(Notification.objects.values_list("recipient__username", "kind")) == [
        ("officer-wang", NotificationKind.APPROVED)]


def test_a_returned_draft_notifies_once_and_goes_into_the_digest(officer, reviewer):
    services.preference_set(user=officer, email_mode=EmailMode.DIGEST)
    project = ProjectFactory(name="草稿项目", officer=officer, is_published=False)
    workflow.submit_for_review(record=project, user=officer)
    workflow.return_for_changes(record=project, user=reviewer, reason="缺少附件")
    assert Notification.objects.filter(recipient=officer).count() == 1 and mail.outbox == []
    assert services.digest_send() == 1
    assert "草稿项目" in mail.outbox[0].body and "缺少附件" in mail.outbox[0].body


def test_a_supervision_item_assigned_to_someone_else_tells_them(officer, reviewer, today):
    project = ProjectFactory(officer=officer)
    services.supervision_create(project=project, obstacle="用地指标未落实", responsible_unit="区自然资源局",
                                deadline=today + datetime.timedelta(days=5), user=reviewer, owner=officer)
    assert list(Notification.objects.values_list("recipient__username", "kind")) == [
        ("officer-wang", NotificationKind.ASSIGNED)]


def test_the_index_banner_and_the_desk_agree_on_a_returned_revision(client, officer, reviewer):
    project = ProjectFactory(name="已发布项目", officer=officer, summary="旧摘要")
    revision = officer_revises(project, officer, summary="新摘要")
    workflow.revision_return(revision=revision, user=reviewer, reason="金额无依据")
    assert [p.name for p in desk_for(user=officer).returned] == ["已发布项目"]
    client.force_login(officer)
    page = client.get(reverse("admin:index")).content.decode()
    assert "招商项目：1 条已退回" in page
    assert "没有被退回的项目" not in page
    assert "金额无依据" in page.split('id="desk-returned"')[1].split("</ul>")[0]


def test_an_approved_and_a_returned_deletion_tell_their_author_what_became_of_the_record(reviewer):
    administrator = StaffUserFactory(username="admin-zhao", first_name="敏", last_name="赵", roles=[Role.ADMINISTRATOR])
    kept, removed = SigningEventFactory(name="留下的签约活动"), SigningEventFactory(name="删除的签约活动")
    returned = record_delete(record=kept, user=administrator)
    approved = record_delete(record=removed, user=administrator)
    assert not Notification.objects.exists()

    workflow.revision_return(revision=returned, user=reviewer, reason="活动仍在公开报道中")
    workflow.revision_approve(revision=approved, user=reviewer)

    notices = {n.kind: n for n in Notification.objects.filter(recipient=administrator)}
    assert "删除签约活动“留下的签约活动”被退回：活动仍在公开报道中" in notices[NotificationKind.RETURNED].message
    assert "删除签约活动“删除的签约活动”已审核通过，记录已删除" in notices[NotificationKind.APPROVED].message
    assert notices[NotificationKind.APPROVED].url == reverse("admin:projects_signingevent_changelist")
    assert list(SigningEvent.objects.values_list("name", flat=True)) == ["留下的签约活动"]
