"""Publishing together (issue 14): a record whose public page would show an unpublished related
record is refused, naming those records, or published together with them in one step."""

import datetime

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import ValidationError

from accounts.roles import Role
from ledger import workflow
from projects.models import Enterprise, Project, RenewalZone, SigningEvent
from projects.services import project_save
from projects.stages import Stage
from tests.admin_utils import admin_url
from tests.factories import EnterpriseFactory, RenewalZoneFactory, SigningEventFactory, StaffUserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewer():
    return StaffUserFactory(username="reviewer", roles=[Role.REVIEWER])


def project_with_drafts() -> Project:
    investor = EnterpriseFactory(name="未发布的投资方", is_published=False)
    zone = RenewalZoneFactory(name="未发布的片区", is_published=False)
    event = SigningEventFactory(name="未发布的签约活动", is_published=False)
    project = Project(name="关联未发布的项目", stage=Stage.SIGNED, signed_on=datetime.date(2026, 2, 10), zone=zone,
                      signing_event=event, is_published=False)
    return project_save(project=project, investors=[investor])


def test_publishing_a_project_with_unpublished_relations_is_refused_naming_them(reviewer):
    project = project_with_drafts()
    with pytest.raises(ValidationError) as refusal:
        workflow.publish(record=project, user=reviewer)
    message = refusal.value.messages[0]
    for name in ("未发布的投资方", "未发布的片区", "未发布的签约活动"):
        assert name in message
    assert not Project.objects.get(pk=project.pk).is_published
    assert not Enterprise.objects.filter(is_published=True, name="未发布的投资方").exists()


def test_publishing_together_publishes_every_related_record_with_its_own_history(reviewer):
    project = project_with_drafts()
    workflow.publish(record=project, user=reviewer, together=True)
    assert Project.objects.get(pk=project.pk).is_published
    for model, name in ((Enterprise, "未发布的投资方"), (RenewalZone, "未发布的片区"), (SigningEvent, "未发布的签约活动")):
        record = model.objects.get(name=name)
        assert record.is_published
        assert record.history.latest("history_id").history_change_reason == "发布"


def test_the_reviewer_sees_the_list_before_confirming_in_the_admin(client, reviewer):
    project = project_with_drafts()
    client.force_login(reviewer)
    url = admin_url(Project, "changelist")
    page = client.post(url, {"action": "publish_selected", ACTION_CHECKBOX_NAME: [project.pk]})
    assert page.status_code == 200
    body = page.content.decode()
    assert "须先发布" in body and "未发布的投资方" in body and "未发布的片区" in body and "一并发布" in body
    assert not Project.objects.get(pk=project.pk).is_published  # nothing published before confirming
    response = client.post(url, {"action": "publish_selected", ACTION_CHECKBOX_NAME: [project.pk], "together": "yes",
                                 "index": "0"})
    assert response.status_code == 302
    assert Project.objects.get(pk=project.pk).is_published
    assert Enterprise.objects.get(name="未发布的投资方").is_published


def test_a_project_whose_relations_are_published_publishes_at_once(client, reviewer):
    project = project_save(project=Project(name="关联已发布的项目", stage=Stage.SIGNED,
                                           signed_on=datetime.date(2026, 2, 10), is_published=False),
                           investors=[EnterpriseFactory()])
    client.force_login(reviewer)
    response = client.post(admin_url(Project, "changelist"),
                           {"action": "publish_selected", ACTION_CHECKBOX_NAME: [project.pk]})
    assert response.status_code == 302
    assert Project.objects.get(pk=project.pk).is_published
