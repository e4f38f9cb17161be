"""A milestone of a published project is on the public page: its note, like the project, changes
only by someone who may publish (issue 14). An officer may still annotate a draft's timeline."""

import pytest
from django.urls import reverse

from accounts.roles import Role
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


def test_an_officer_cannot_change_a_published_projects_milestone_note(client):
    milestone = _first_milestone()
    before = milestone.note
    client.force_login(StaffUserFactory(username="officer-li", roles=[Role.OFFICER]))
    response = _edit_note(client, milestone, "未经审核的节点说明 MARKER")
    assert response.status_code == 200
    assert "只能由审核员修改" in response.content.decode()
    milestone.refresh_from_db()
    assert milestone.note == before
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
