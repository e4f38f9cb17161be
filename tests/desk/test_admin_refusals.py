"""What the desk's services refuse reaches the admin form that asked: a Chinese message on the page,
the typed values still in the form, and nothing written (rows counted), through the real request
path (each test commits for real: ``transaction=True``)."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from desk import services
from desk.models import Interaction, Notification, SupervisionFollowUp, SupervisionItem, SupervisionStatus, Task
from tests.admin_utils import form_data, form_errors
from tests.factories import StaffUserFactory

pytestmark = pytest.mark.django_db(transaction=True)

NOTE = "企业反映厂房消防验收卡在区住建局，下周再约分管领导现场协调。"


def desk_rows() -> dict[str, int]:
    """Every table a desk form writes, and their history."""
    return {model.__name__: model._default_manager.count() for model in (
        Interaction, Interaction.history.model, Task, Task.history.model, SupervisionItem,
        SupervisionItem.history.model, SupervisionFollowUp, SupervisionFollowUp.history.model, Notification)}


def visit_data(project, occurred_on: datetime.date, **extra) -> dict:
    return {"project": project.pk, "occurred_on": occurred_on.isoformat(), "kind": "visit",
            "enterprise_participants": "企业副总经理", "summary": NOTE, **extra}


def test_a_visit_dated_tomorrow_is_refused_on_the_form_and_the_note_is_kept(client, officer, project, today):
    client.force_login(officer)
    before = desk_rows()
    tomorrow = today + datetime.timedelta(days=1)
    response = client.post(reverse("admin:desk_interaction_add"), visit_data(
        project, tomorrow, next_step="报送消防整改方案", next_step_due=(today + datetime.timedelta(days=5)).isoformat()))
    assert response.status_code == 200
    assert form_errors(response) == {"occurred_on": ["走访日期不能晚于今天。"]}
    page = response.content.decode()
    assert "走访日期不能晚于今天。" in page and NOTE in page
    form = response.context["adminform"].form
    assert (form["summary"].value(), form["occurred_on"].value(), form["next_step"].value()) == (
        NOTE, tomorrow.isoformat(), "报送消防整改方案")
    assert desk_rows() == before


def test_an_edit_cannot_move_a_visit_into_the_future_either(client, officer, project, today):
    visit = services.interaction_log(project=project, occurred_on=today, summary="初次走访", user=officer)
    client.force_login(officer)
    change = reverse("admin:desk_interaction_change", args=[visit.pk])
    data = form_data(client.get(change))
    data.update(occurred_on=(today + datetime.timedelta(days=3)).isoformat(), summary=NOTE)
    before = desk_rows()
    response = client.post(change, data)
    assert response.status_code == 200 and "走访日期不能晚于今天。" in response.content.decode()
    assert response.context["adminform"].form["summary"].value() == NOTE
    visit.refresh_from_db()
    assert (visit.occurred_on, visit.summary) == (today, "初次走访")
    assert desk_rows() == before


def test_a_refusal_met_while_writing_undoes_the_visit_and_comes_back_on_the_form(client, project, today):
    """The visit's next step becomes a task; someone who may log visits but not create tasks is
    refused by the task's service after the visit was written: the visit is undone too."""
    clerk = StaffUserFactory(username="clerk")
    clerk.user_permissions.set(Permission.objects.filter(
        content_type__app_label="desk", codename__in=["add_interaction", "view_interaction", "change_interaction"]))
    client.force_login(clerk)
    before = desk_rows()
    response = client.post(reverse("admin:desk_interaction_add"), visit_data(
        project, today, next_step="报送消防整改方案", next_step_due=(today + datetime.timedelta(days=5)).isoformat()))
    assert response.status_code == 200
    page = response.content.decode()
    assert "您没有权限新增任务。" in page
    assert "已为您创建任务" not in page  # the message of the undone write is gone too
    form = response.context["adminform"].form
    assert (form["summary"].value(), form["next_step"].value()) == (NOTE, "报送消防整改方案")
    assert desk_rows() == before
    # Without the next step the same person logs the visit.
    data = visit_data(project, today)
    assert client.post(reverse("admin:desk_interaction_add"), data).status_code == 302
    assert Interaction.objects.get().summary == NOTE and not Task.objects.exists()


def item_change_data(client, item) -> dict:
    return form_data(client.get(reverse("admin:desk_supervisionitem_change", args=[item.pk])))


def new_follow_up(data: dict, note: str, date: str = "2026-12-01") -> dict:
    index = int(data["follow_ups-TOTAL_FORMS"])
    return {**data, "follow_ups-TOTAL_FORMS": str(index + 1), f"follow_ups-{index}-date": date,
            f"follow_ups-{index}-note": note}


@pytest.fixture
def item(project, officer):
    return services.supervision_create(project=project, obstacle="消防验收未通过", responsible_unit="区住建局",
                                       deadline=datetime.date(2030, 6, 30), user=officer)


def test_a_follow_up_on_a_resolved_item_is_refused_on_the_form_and_kept(client, officer, item):
    services.supervision_resolve(item=item, resolution="验收已通过", user=officer)
    client.force_login(officer)
    data = new_follow_up(item_change_data(client, item), NOTE)
    data["responsible_person"] = "张科长"
    before = desk_rows()
    response = client.post(reverse("admin:desk_supervisionitem_change", args=[item.pk]), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "督办事项已办结，不能再添加跟进记录。" in page
    assert NOTE in page and 'value="张科长"' in page
    formset = response.context["inline_admin_formsets"][0].formset
    assert [form["note"].value() for form in formset.forms if form["note"].value()] == [NOTE]
    assert desk_rows() == before
    item.refresh_from_db()
    assert item.responsible_person == ""  # the edit of the item was undone with the follow-up


def test_resolving_with_a_last_follow_up_logs_the_follow_up_first(client, officer, item):
    client.force_login(officer)
    data = new_follow_up(item_change_data(client, item), NOTE)
    data.update(status=SupervisionStatus.RESOLVED, resolution="消防验收已通过")
    response = client.post(reverse("admin:desk_supervisionitem_change", args=[item.pk]), data)
    assert response.status_code == 302, form_errors(response)
    item.refresh_from_db()
    assert (item.status, item.resolution) == (SupervisionStatus.RESOLVED, "消防验收已通过")
    assert list(item.follow_ups.values_list("note", flat=True)) == [NOTE]


def test_an_item_created_as_resolved_is_resolved(client, officer, project):
    client.force_login(officer)
    response = client.post(reverse("admin:desk_supervisionitem_add"), {
        "project": project.pk, "obstacle": "施工许可未办", "responsible_unit": "区住建局", "deadline": "2030-01-31",
        "status": SupervisionStatus.RESOLVED, "resolution": "许可已核发", "follow_ups-TOTAL_FORMS": "0",
        "follow_ups-INITIAL_FORMS": "0"})
    assert response.status_code == 302, form_errors(response)
    created = SupervisionItem.objects.get()
    assert (created.status, created.resolution) == (SupervisionStatus.RESOLVED, "许可已核发")
