"""A refused stale save keeps the person's input, shows the other person's change next to it, and a
second save applies the person's edits onto the newest version (through the real request path)."""

from decimal import Decimal

import pytest
from django.test import Client

from projects.models import Project
from tests.admin_utils import admin_url, form_data, form_errors
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db(transaction=True)


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _race(officer, officer2, **mine):
    project = ProjectFactory(total_investment=Decimal("5000.00"), summary="", is_published=False)
    first, second = client_for(officer), client_for(officer2)
    theirs = form_data(first.get(admin_url(Project, "change", project.pk)))
    my_form = form_data(second.get(admin_url(Project, "change", project.pk)))
    theirs["total_investment"] = "8000"
    assert first.post(admin_url(Project, "change", project.pk), theirs).status_code == 302
    my_form.update(mine)
    response = second.post(admin_url(Project, "change", project.pk), my_form)
    assert response.status_code == 200
    return project, second, response


def test_my_edit_is_kept_and_their_change_is_taken_where_i_changed_nothing(officer, officer2):
    project, me, response = _race(officer, officer2, summary="我的摘要")
    errors = form_errors(response)
    assert "已被" in " ".join(errors["__all__"]) and "您的填写都已保留" in " ".join(errors["__all__"])
    # One story, not two: the input is kept for saving again, so nothing tells the person to reopen the record.
    assert "请重新打开" not in " ".join(errors["__all__"]) and "您的修改未保存" not in " ".join(errors["__all__"])
    assert "对方已改为“8000.00”" in errors["total_investment"][0]
    again = form_data(response)
    assert again["summary"] == "我的摘要"  # my input is still in the form
    assert Decimal(again["total_investment"]) == Decimal("8000")  # their change, not my stale copy
    assert me.post(admin_url(Project, "change", project.pk), again).status_code == 302
    stored = Project.objects.get(pk=project.pk)
    assert stored.summary == "我的摘要" and stored.total_investment == Decimal("8000.00")


def test_when_we_both_changed_a_field_mine_is_kept_next_to_theirs(officer, officer2):
    project, me, response = _race(officer, officer2, total_investment="6000")
    message = form_errors(response)["total_investment"][0]
    assert "对方已改为“8000.00”" in message and "保留的是您的填写" in message
    again = form_data(response)
    assert again["total_investment"] == "6000"
    assert me.post(admin_url(Project, "change", project.pk), again).status_code == 302
    assert Project.objects.get(pk=project.pk).total_investment == Decimal("6000.00")
