"""Reviewed revisions (issue 14): an edit to a PUBLISHED record by anyone who may not publish is held
as a pending revision; the public keeps the approved version until a reviewer approves it."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts.roles import Role
from ledger import workflow
from ledger.models import PublicDataVersion, Revision, RevisionStatus
from ledger.revisions import pending_revisions
from projects.models import Enterprise, Project, RenewalZone, SigningEvent
from projects.services import project_save, projects_import
from tests.admin_utils import admin_url, form_data, form_errors
from tests.factories import ProjectFactory, StaffUserFactory
from tests.site_world import build_world
from tests.test_leaks import public_urls

pytestmark = pytest.mark.django_db

MARKER = "ZQXREVISIONMARKER"


@pytest.fixture
def officer():
    return StaffUserFactory(username="officer", first_name="王", roles=[Role.OFFICER])


@pytest.fixture
def reviewer():
    return StaffUserFactory(username="reviewer", roles=[Role.REVIEWER])


@pytest.fixture
def administrator():
    return StaffUserFactory(username="administrator", roles=[Role.ADMINISTRATOR])


def token() -> str:
    return PublicDataVersion.objects.get(pk=1).token


def officer_edits(client, user, record, **changes):
    client.force_login(user)
    url = admin_url(type(record), "change", record.pk)
    data = form_data(client.get(url))
    data.update(changes)
    response = client.post(url, data)
    assert response.status_code == 302, form_errors(response)
    return response


def test_an_officers_edit_of_a_published_project_waits_for_review(client, officer):
    project = ProjectFactory(total_investment=Decimal("50000"), summary="旧摘要")
    history_before = project.history.count()
    data_before = token()
    response = officer_edits(client, officer, project, total_investment="60000", summary="新摘要")
    page = client.get(response["Location"]).content.decode()
    assert "已保存为待审修订" in page

    live = Project.objects.get(pk=project.pk)
    assert (live.total_investment, live.summary, live.version) == (Decimal("50000"), "旧摘要", project.version)
    assert project.history.count() == history_before  # the live record did not change
    assert token() == data_before  # nor did the public data
    (revision,) = pending_revisions(project)
    assert revision.author == officer and revision.base_version == project.version
    assert revision.changes == {"total_investment": "60000.00", "summary": "新摘要"}

    client.logout()
    public = client.get(project.get_absolute_url()).content.decode()
    assert "旧摘要" in public and "新摘要" not in public
    api = client.get(f"/api/v1/projects/{project.slug}/").json()
    assert api["summary"] == "旧摘要"


def test_the_reviewer_sees_the_diff_and_approves(client, officer, reviewer, django_capture_on_commit_callbacks):
    project = ProjectFactory(total_investment=Decimal("50000"), summary="旧摘要")
    officer_edits(client, officer, project, total_investment="60000", summary="新摘要")
    client.force_login(reviewer)
    page = client.get(admin_url(Project, "change", project.pk)).content.decode()
    assert "待审修订：王" in page
    assert "旧摘要" in page and "新摘要" in page and "通过此修订" in page
    (revision,) = pending_revisions(project)
    history_before = project.history.count()
    data_before = token()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(admin_url(Project, "revision", project.pk, revision.pk, "approve"))
    assert response.status_code == 302
    live = Project.objects.get(pk=project.pk)
    assert (live.total_investment, live.summary, live.version) == (Decimal("60000"), "新摘要", project.version + 1)
    (entry,) = project.history.order_by("-history_id")[:1]
    assert project.history.count() == history_before + 1
    assert entry.history_user == reviewer and "审核通过 王 提交的修订" in entry.history_change_reason
    assert token() != data_before
    revision.refresh_from_db()
    assert revision.status == RevisionStatus.APPROVED and revision.decided_by == reviewer
    client.logout()
    assert "新摘要" in client.get(project.get_absolute_url()).content.decode()


def test_an_officer_does_not_see_the_review_buttons_and_cannot_post_them(client, officer):
    project = ProjectFactory(summary="旧摘要")
    officer_edits(client, officer, project, summary="新摘要")
    page = client.get(admin_url(Project, "change", project.pk)).content.decode()
    assert "通过此修订" not in page
    assert "您尚未审核的修订" in page  # the officer's form shows their own revision
    (revision,) = pending_revisions(project)
    response = client.post(admin_url(Project, "revision", project.pk, revision.pk, "approve"))
    assert response.status_code == 403
    assert Project.objects.get(pk=project.pk).summary == "旧摘要"


def test_a_second_edit_by_the_same_author_replaces_their_revision_and_keeps_the_first_change(client, officer):
    project = ProjectFactory(summary="旧摘要", total_investment=Decimal("50000"))
    officer_edits(client, officer, project, summary="新摘要")
    officer_edits(client, officer, project, total_investment="70000")  # the form showed 新摘要
    (revision,) = pending_revisions(project)
    assert revision.changes == {"summary": "新摘要", "total_investment": "70000.00"}
    assert Revision.objects.filter(status=RevisionStatus.SUPERSEDED).count() == 1


def test_the_database_refuses_two_pending_revisions_by_one_author(officer):
    project = ProjectFactory()
    first = Revision.objects.get_or_create(
        content_type_id=Revision._meta.get_field("content_type").related_model.objects.get_for_model(Project).pk,
        object_id=project.pk, author=officer, base_version=1, changes={"summary": "a"})[0]
    with pytest.raises(IntegrityError), transaction.atomic():
        Revision.objects.create(content_type=first.content_type, object_id=project.pk, author=officer,
                                base_version=1, changes={"summary": "b"})


def test_two_pending_revisions_cannot_overwrite_each_other(officer, reviewer):
    other = StaffUserFactory(username="officer2", roles=[Role.OFFICER])
    project = ProjectFactory(summary="旧摘要", total_investment=Decimal("50000"))
    for user, changes in ((officer, {"summary": "甲的摘要"}), (other, {"total_investment": Decimal("1")})):
        record = Project.objects.get(pk=project.pk)
        for name, value in changes.items():
            setattr(record, name, value)
        project_save(project=record, user=user, expected_version=project.version)
    first, second = pending_revisions(project)
    workflow.revision_approve(revision=first, user=reviewer)
    with pytest.raises(ValidationError, match="基于第 1 版"):
        workflow.revision_approve(revision=second, user=reviewer)
    live = Project.objects.get(pk=project.pk)
    assert (live.summary, live.total_investment) == ("甲的摘要", Decimal("50000"))
    second.refresh_from_db()
    assert second.status == RevisionStatus.PENDING
    workflow.revision_return(revision=second, user=reviewer, reason="请在最新版本上重新修改")
    second.refresh_from_db()
    assert second.status == RevisionStatus.RETURNED


def test_a_returned_revision_shows_its_reason_to_the_author(client, officer, reviewer):
    project = ProjectFactory(summary="旧摘要")
    officer_edits(client, officer, project, summary="新摘要")
    (revision,) = pending_revisions(project)
    client.force_login(reviewer)
    client.post(admin_url(Project, "revision", project.pk, revision.pk, "return"), {"reason": ""})
    revision.refresh_from_db()
    assert revision.status == RevisionStatus.PENDING  # a return without a reason is refused
    client.post(admin_url(Project, "revision", project.pk, revision.pk, "return"), {"reason": "金额无依据"})
    revision.refresh_from_db()
    assert revision.status == RevisionStatus.RETURNED
    client.force_login(officer)
    page = client.get(admin_url(Project, "change", project.pk)).content.decode()
    assert "您提交的修订已被退回" in page and "金额无依据" in page
    assert Project.objects.get(pk=project.pk).summary == "旧摘要"


def test_a_reviewers_own_edit_is_live_at_once(client, reviewer):
    project = ProjectFactory(summary="旧摘要")
    officer_edits(client, reviewer, project, summary="审核员的摘要")
    assert Project.objects.get(pk=project.pk).summary == "审核员的摘要"
    assert not pending_revisions(project).exists()


def test_an_unpublished_draft_is_edited_directly(officer):
    project = ProjectFactory(summary="旧摘要", is_published=False)
    project.summary = "草稿的新摘要"
    project_save(project=project, user=officer, expected_version=project.version)
    assert Project.objects.get(pk=project.pk).summary == "草稿的新摘要"
    assert not Revision.objects.exists()


def test_an_import_and_a_revert_by_an_officer_are_held_too(officer):
    project = ProjectFactory(summary="第一版")
    first = project.history.latest("history_date")
    project.summary = "第二版"
    project_save(project=project)
    project = Project.objects.get(pk=project.pk)
    project.summary = "导入的摘要"
    projects_import(rows=[(project, None)], user=officer)
    assert Project.objects.get(pk=project.pk).summary == "第二版"
    assert pending_revisions(project).get().changes == {"summary": "导入的摘要"}
    workflow.revert_to_version(entry=first, user=officer)
    assert Project.objects.get(pk=project.pk).summary == "第二版"
    assert pending_revisions(project).get().changes == {"summary": "第一版"}


def test_an_administrators_edit_of_a_published_zone_waits_and_a_reviewer_may_approve_it(administrator, reviewer):
    zone = build_world().zone
    zone.name = "改过的片区名"
    from projects.services import record_save
    record_save(record=zone, user=administrator, expected_version=zone.version)
    assert RenewalZone.objects.get(pk=zone.pk).name == "测试新材料产业园"
    workflow.revision_approve(revision=pending_revisions(zone).get(), user=reviewer)
    assert RenewalZone.objects.get(pk=zone.pk).name == "改过的片区名"


def test_the_changelist_counts_and_filters_pending_revisions(client, officer, reviewer):
    project = ProjectFactory(name="有修订的项目")
    ProjectFactory(name="没有修订的项目")
    officer_edits(client, officer, project, summary="新摘要")
    client.force_login(reviewer)
    page = client.get(admin_url(Project, "changelist")).content.decode()
    assert "有 1 条已发布招商项目的修订等待审核" in page
    listed = client.get(admin_url(Project, "changelist"), {"pending_revision": "yes"}).content.decode()
    assert "有修订的项目" in listed and "没有修订的项目" not in listed


def test_a_pending_revision_changes_no_public_figure_or_page(client, officer):
    """Pending revisions with a marker on a project, its investor, event and zone; every public URL."""
    world = build_world()
    pages_before = {url: client.get(url, follow=True).status_code for url in public_urls(world)}
    home_before = client.get("/").content.decode()
    for record, changes in (
        (world.started, {"summary": MARKER, "total_investment": Decimal("9876543")}),
        (world.investor, {"name": MARKER + "投资方"}),
    ):
        record = type(record).objects.get(pk=record.pk)
        for name, value in changes.items():
            setattr(record, name, value)
        if isinstance(record, Project):
            project_save(project=record, user=officer, expected_version=record.version)
        else:
            from projects.services import enterprise_save
            enterprise_save(enterprise=record, user=officer, expected_version=record.version)
    administrator = StaffUserFactory(username="admin-role", roles=[Role.ADMINISTRATOR])
    from projects.services import record_save
    for model, record in ((SigningEvent, world.event), (RenewalZone, world.zone)):
        record = model.objects.get(pk=record.pk)
        record.name = MARKER + "名称"
        record_save(record=record, user=administrator, expected_version=record.version)
    assert Revision.objects.filter(status=RevisionStatus.PENDING).count() == 4
    assert Enterprise.objects.filter(name__contains=MARKER).count() == 0
    for url, status in pages_before.items():
        response = client.get(url, follow=True)
        assert response.status_code == status, url
        assert MARKER not in response.content.decode(), url
        assert "98765" not in response.content.decode(), url
    for url in ("/api/v1/projects/", "/api/v1/enterprises/", "/api/v1/zones/", "/api/v1/events/"):
        response = client.get(url)
        assert MARKER not in response.content.decode(), url
    home_after = client.get("/").content.decode()
    assert "30" in home_after and "50.0%" in home_after
    # The home page's figures are the same (tokens in forms aside: compare the main element).
    assert home_before.split("<main")[1].split("</main>")[0] == home_after.split("<main")[1].split("</main>")[0]
