"""The staff workflow in the admin: the "done when" scenario, actions, history, revert and the race."""

import datetime
import re

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.test import Client
from django.urls import reverse

from projects.models import Project, ReviewStatus
from projects.stages import Stage
from tests.admin_utils import _form_values, admin_url, form_data, form_errors
from tests.factories import EnterpriseFactory, LeadFactory, ProjectFactory, SectorFactory

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def action(client, model, name, objs, **extra):
    data = {"action": name, ACTION_CHECKBOX_NAME: [str(o.pk) for o in objs], "index": "0", **extra}
    return client.post(admin_url(model, "changelist"), data, follow=True)


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_done_when_officer_drafts_reviewer_publishes_history_shows_both_stale_edit_refused(
    officer, officer2, reviewer, client
):
    investor = EnterpriseFactory(name="示例投资集团")
    sector = SectorFactory()
    officer_client, reviewer_client = client_for(officer), client_for(reviewer)

    # 1. The officer drafts a project in the admin; it is not public.
    data = form_data(officer_client.get(admin_url(Project, "add")))
    data.update(name="示例招商项目", stage=Stage.SIGNED, signed_on="2026-02-10", signed_on_precision="day",
                investors=[str(investor.pk)], sector=str(sector.pk), total_investment="5000")
    response = officer_client.post(admin_url(Project, "add"), data)
    assert response.status_code == 302, form_errors(response)
    project = Project.objects.get(name="示例招商项目")
    assert not project.is_published and project.review_status == ReviewStatus.DRAFT
    public_url = reverse("projects:project_detail", kwargs={"slug": project.slug})
    assert client.get(public_url).status_code == 404

    # 2. The officer submits it; the officer cannot publish.
    response = action(officer_client, Project, "submit_selected", [project])
    assert "已提交审核 1 条。" in messages_of(response)
    response = action(officer_client, Project, "publish_selected", [project])
    assert not Project.objects.get(pk=project.pk).is_published

    # 3. The reviewer's list says what waits for review; the reviewer publishes.
    response = reviewer_client.get(admin_url(Project, "changelist"))
    assert any("有 1 条招商项目等待审核" in m for m in messages_of(response))
    response = action(reviewer_client, Project, "publish_selected", [project])
    assert "已发布 1 条。" in messages_of(response)

    # 4. The public page shows it.
    response = client.get(public_url)
    assert response.status_code == 200 and "示例招商项目" in response.content.decode()

    # 5. The history shows both steps, who made them and the diff.
    response = reviewer_client.get(admin_url(Project, "history", project.pk))
    page = response.content.decode()
    assert response.status_code == 200
    assert "提交审核" in page and "发布" in page
    assert "专员甲" in page and "审核员丙" in page  # who, by 姓名
    history = list(Project.history.filter(id=project.pk).order_by("history_date", "history_id"))
    assert [h.history_change_reason for h in history] == [None, "提交审核", "发布"]
    assert "已发布" in page  # the field that changed, with old → new

    # 6. Two staff open the same project; the first (a reviewer: live at once) saves; the second is
    # refused with what changed.
    first_data = form_data(reviewer_client.get(admin_url(Project, "change", project.pk)))
    second_client = client_for(officer2)
    second_data = form_data(second_client.get(admin_url(Project, "change", project.pk)))
    first_data["total_investment"] = "8000"
    assert reviewer_client.post(admin_url(Project, "change", project.pk), first_data).status_code == 302
    second_data["summary"] = "同事的修改"
    response = second_client.post(admin_url(Project, "change", project.pk), second_data)
    assert response.status_code == 200
    error = " ".join(form_errors(response)["__all__"])
    assert "已被" in error and "总投资（万元）：5000.00 → 8000.00" in error
    stored = Project.objects.get(pk=project.pk)
    assert stored.summary == "" and stored.total_investment == 8000

    # 7. An illegal stage jump is refused with a clear reason, nothing written.
    data = form_data(officer_client.get(admin_url(Project, "change", project.pk)))
    data["stage"] = Stage.NEGOTIATING
    response = officer_client.post(admin_url(Project, "change", project.pk), data)
    assert response.status_code == 200
    assert "项目阶段不能从“已签约”直接变为“在谈”。" in form_errors(response)["stage"]
    assert Project.objects.get(pk=project.pk).stage == Stage.SIGNED


def test_bulk_publish_in_the_admin_leaves_one_history_entry_per_record(reviewer):
    projects = ProjectFactory.create_batch(4, is_published=False)
    before = {p.pk: Project.history.filter(id=p.pk).count() for p in projects}
    response = action(client_for(reviewer), Project, "publish_selected", projects)
    assert "已发布 4 条。" in messages_of(response)
    for p in projects:
        assert Project.history.filter(id=p.pk).count() == before[p.pk] + 1
        assert Project.history.filter(id=p.pk).first().history_user == reviewer


def test_returning_asks_for_a_reason_first(reviewer):
    project = ProjectFactory(is_published=False, review_status=ReviewStatus.SUBMITTED)
    client = client_for(reviewer)
    response = action(client, Project, "return_selected", [project])
    assert response.status_code == 200 and "退回原因" in response.content.decode()
    assert Project.objects.get(pk=project.pk).review_status == ReviewStatus.SUBMITTED

    response = action(client, Project, "return_selected", [project], confirm="yes", reason="")
    assert "这个字段是必填项" in response.content.decode() or "required" in response.content.decode()
    assert Project.objects.get(pk=project.pk).review_status == ReviewStatus.SUBMITTED

    response = action(client, Project, "return_selected", [project], confirm="yes", reason="请补充投资协议")
    assert "已退回 1 条。" in messages_of(response)
    project.refresh_from_db()
    assert project.review_status == ReviewStatus.RETURNED and project.review_comment == "请补充投资协议"


def test_projects_are_archived_not_deleted_and_can_be_restored(reviewer, superuser, admin_client, client):
    project = ProjectFactory(name="归档演示项目")
    # No one deletes a project in the admin, not even a superuser.
    assert admin_client.get(admin_url(Project, "delete", project.pk)).status_code == 403
    assert "delete_selected" not in admin_client.get(admin_url(Project, "changelist")).content.decode()

    reviewer_client = client_for(reviewer)
    response = action(reviewer_client, Project, "archive_selected", [project], confirm="yes", reason="与另一条重复")
    assert "已归档 1 个项目。" in messages_of(response)
    project.refresh_from_db()
    assert project.archived_at is not None and project.archive_reason == "与另一条重复"
    assert client.get(project.get_absolute_url()).status_code == 404
    # Out of the working list, found under 已归档.
    assert "归档演示项目" not in reviewer_client.get(admin_url(Project, "changelist")).content.decode()
    archived_list = reviewer_client.get(admin_url(Project, "changelist"), {"archived": "yes"})
    assert "归档演示项目" in archived_list.content.decode()

    response = reviewer_client.post(
        admin_url(Project, "changelist") + "?archived=yes",
        {"action": "restore_selected", ACTION_CHECKBOX_NAME: [str(project.pk)], "index": "0"}, follow=True,
    )
    assert any("已恢复 1 个项目" in m for m in messages_of(response))
    assert Project.objects.get(pk=project.pk).archived_at is None


def test_publication_fields_cannot_be_set_through_the_form(officer):
    project = ProjectFactory(is_published=False)
    client = client_for(officer)
    data = form_data(client.get(admin_url(Project, "change", project.pk)))
    data.update(is_published="on", review_status=ReviewStatus.APPROVED, summary="改摘要")
    assert client.post(admin_url(Project, "change", project.pk), data).status_code == 302
    project.refresh_from_db()
    assert project.summary == "改摘要" and not project.is_published and project.review_status == ReviewStatus.DRAFT


def test_a_chosen_version_is_reverted_from_the_history_page(officer):
    project = ProjectFactory(summary="原来的摘要", is_published=False)
    client = client_for(officer)
    data = form_data(client.get(admin_url(Project, "change", project.pk)))
    data["summary"] = "改错的摘要"
    assert client.post(admin_url(Project, "change", project.pk), data).status_code == 302
    original = Project.history.filter(id=project.pk, summary="原来的摘要").first()

    revert_url = admin_url(Project, "simple_history", project.pk, original.history_id)
    response = client.get(revert_url)
    assert response.status_code == 200
    data = _form_values(response.context["adminform"].form)  # the revert page has no inlines
    assert data["summary"] == "原来的摘要"
    assert client.post(revert_url, data).status_code == 302
    project.refresh_from_db()
    assert project.summary == "原来的摘要"
    latest = Project.history.filter(id=project.pk).first()
    assert latest.history_change_reason.startswith("恢复到") and latest.history_user == officer


def test_reverting_from_the_history_page_restores_the_investors_of_that_version(officer):
    first, second = EnterpriseFactory(name="第一投资方"), EnterpriseFactory(name="后换的投资方")
    project = ProjectFactory(investors=[first], is_published=False)
    client = client_for(officer)
    data = form_data(client.get(admin_url(Project, "change", project.pk)))
    data["investors"] = [str(second.pk)]
    assert client.post(admin_url(Project, "change", project.pk), data).status_code == 302
    assert list(project.investors.all()) == [second]
    original = Project.history.filter(id=project.pk).order_by("-history_date", "-history_id")[1]  # before the edit
    assert [row.enterprise_id for row in original.investors.all()] == [first.pk]

    revert_url = admin_url(Project, "simple_history", project.pk, original.history_id)
    response = client.get(revert_url)
    data = _form_values(response.context["adminform"].form)
    assert [str(pk) for pk in data["investors"]] == [str(first.pk)]  # the form shows that version's investors
    assert client.post(revert_url, data).status_code == 302
    assert list(project.investors.all()) == [first]


def test_a_stale_edit_of_an_enterprise_is_refused_too(officer, officer2):
    enterprise = EnterpriseFactory(description="旧", is_published=False)
    first, second = client_for(officer), client_for(officer2)
    url = admin_url(type(enterprise), "change", enterprise.pk)
    first_data, second_data = form_data(first.get(url)), form_data(second.get(url))
    first_data["description"] = "新"
    assert first.post(url, first_data).status_code == 302
    second_data["city"] = "杭州"
    response = second.post(url, second_data)
    assert response.status_code == 200
    assert "简介：旧 → 新" in " ".join(form_errors(response)["__all__"])


def test_leads_are_published_by_action_only(officer, reviewer):
    lead = LeadFactory(is_published=False)
    url = admin_url(type(lead), "change", lead.pk)
    client = client_for(officer)
    data = form_data(client.get(url))
    data["is_published"] = "on"
    assert client.post(url, data).status_code == 302
    lead.refresh_from_db()
    assert not lead.is_published
    action(client_for(reviewer), type(lead), "publish_selected", [lead])
    lead.refresh_from_db()
    assert lead.is_published


def test_the_history_page_has_no_inline_style(reviewer):
    project = ProjectFactory(signed_on=datetime.date(2026, 2, 10))
    page = client_for(reviewer).get(admin_url(Project, "history", project.pk)).content.decode()
    assert 'style="' not in page.split('id="change-history"')[1]


def test_the_history_page_reads_as_labels_not_raw_values(officer, reviewer):
    project = ProjectFactory(is_published=False, summary="")
    reviewer_client = client_for(reviewer)
    action(client_for(officer), Project, "submit_selected", [project])
    action(reviewer_client, Project, "publish_selected", [project])
    page = reviewer_client.get(admin_url(Project, "history", project.pk)).content.decode()
    assert "<strong>已发布：</strong>否 → 是" in page
    assert "<strong>审核状态：</strong>待审核 → 已审核" in page
    assert "未填 →" in page  # published_at was empty
    for raw in ("False", "True", "submitted", "approved", "None", "Historical", "CHANGES", "Changes"):
        assert raw not in page, raw
    assert re.search(r">\d{4}-\d{2}-\d{2} \d{2}:\d{2}</a>", page)  # local time to the minute
    entry = Project.history.filter(id=project.pk).earliest("history_date")
    form_page = reviewer_client.get(admin_url(Project, "simple_history", project.pk, entry.pk)).content.decode()
    assert "historical 招商项目" not in form_page.lower() and "恢复到此版本" in form_page
