"""A milestone of a published project is on the public page: a change of its note by someone who
may not publish waits for review, like the project's own. An officer annotates a draft's timeline."""

import pytest
from django.urls import reverse

from accounts.roles import Role
from ledger.models import Revision, RevisionStatus
from projects.models import ProjectMilestone
from tests.admin_utils import form_data
from tests.factories import ProjectFactory, StaffUserFactory

pytestmark = pytest.mark.django_db


def _edit_note(client, milestone: ProjectMilestone, note: str):
    url = reverse("admin:projects_projectmilestone_change", args=[milestone.pk])
    data = form_data(client.get(url))
    data["note"] = note
    return client.post(url, data)


def _first_milestone(**project_fields) -> ProjectMilestone:
    project = ProjectFactory(name="节点审核项目", **project_fields)
    return ProjectMilestone.objects.filter(project=project).earliest("created_at")


def test_an_officers_change_of_a_published_projects_milestone_note_waits_for_review(client):
    milestone = _first_milestone()
    before = milestone.note
    client.force_login(StaffUserFactory(username="officer-li", roles=[Role.OFFICER]))
    response = _edit_note(client, milestone, "未经审核的节点说明 MARKER")
    assert response.status_code == 302
    assert "待审修订" in client.get(response.url).content.decode()
    milestone.refresh_from_db()
    assert milestone.note == before
    revision = Revision.objects.get(object_id=milestone.pk, status=RevisionStatus.PENDING)
    assert revision.changes == {"note": "未经审核的节点说明 MARKER"}
    assert "MARKER" not in client.get(milestone.project.get_absolute_url()).content.decode()


def test_an_officer_annotates_a_drafts_milestone_and_a_reviewer_a_published_one(client):
    draft = _first_milestone(is_published=False)
    client.force_login(StaffUserFactory(username="officer-li", roles=[Role.OFFICER]))
    assert _edit_note(client, draft, "草稿的节点说明").status_code == 302
    draft.refresh_from_db()
    assert draft.note == "草稿的节点说明"

    published = _first_milestone()
    client.force_login(StaffUserFactory(username="reviewer-he", roles=[Role.REVIEWER]))
    assert _edit_note(client, published, "审核员修改的说明").status_code == 302
    published.refresh_from_db()
    assert published.note == "审核员修改的说明"
