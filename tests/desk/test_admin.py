"""The desk in the admin: a visit logged from the form, bulk edits of projects, the officer field,
the printable sheet."""

import datetime

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from accounts.roles import Role
from desk import services
from desk.models import Interaction, Notification, SupervisionItem, SupervisionStatus, Task
from ledger.models import Revision
from projects.models import Project
from tests.admin_utils import form_data
from tests.factories import ProjectFactory, SectorFactory, StaffUserFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/projects/project/"


def test_logging_a_visit_in_the_admin_creates_the_task(client, officer, project):
    client.force_login(officer)
    today = datetime.date.today()
    response = client.post(reverse("admin:desk_interaction_add"), {
        "project": project.pk, "occurred_on": today.isoformat(), "kind": "visit", "staff": [officer.pk],
        "enterprise_participants": "企业副总", "summary": "了解扩产计划", "next_step": "联系区规划局",
        "next_step_due": (today + datetime.timedelta(days=3)).isoformat()}, follow=True)
    assert response.status_code == 200
    visit = Interaction.objects.get()
    assert visit.recorded_by == officer and list(visit.staff.all()) == [officer]
    assert visit.history.count() == 1
    task = Task.objects.get()
    assert (task.title, task.assignee, task.interaction) == ("联系区规划局", officer, visit)
    assert "已为您创建任务：联系区规划局" in response.content.decode()


def test_a_due_date_without_a_next_step_is_refused_on_the_form(client, officer, project):
    client.force_login(officer)
    today = datetime.date.today().isoformat()
    response = client.post(reverse("admin:desk_interaction_add"), {
        "project": project.pk, "occurred_on": today, "kind": "call", "summary": "电话", "next_step_due": today})
    assert response.status_code == 200
    assert "请同时填写下一步工作" in response.content.decode()
    assert not Interaction.objects.exists()


def test_resolving_an_item_in_the_admin_needs_the_resolution(client, officer, project):
    client.force_login(officer)
    add = client.post(reverse("admin:desk_supervisionitem_add"), {
        "project": project.pk, "obstacle": "施工许可未办", "responsible_unit": "区住建局", "deadline": "2026-12-31",
        "status": "open", "resolution": "", "follow_ups-TOTAL_FORMS": "1", "follow_ups-INITIAL_FORMS": "0",
        "follow_ups-0-date": "2026-12-01", "follow_ups-0-note": "已发函"})
    assert add.status_code == 302
    item = SupervisionItem.objects.get()
    assert item.follow_ups.get().note == "已发函" and item.status == SupervisionStatus.IN_PROGRESS
    change = reverse("admin:desk_supervisionitem_change", args=[item.pk])
    data = {"project": project.pk, "obstacle": "施工许可未办", "responsible_unit": "区住建局",
            "deadline": "2026-12-31", "status": "resolved", "resolution": "", "follow_ups-TOTAL_FORMS": "0",
            "follow_ups-INITIAL_FORMS": "0"}
    refused = client.post(change, data)
    assert refused.status_code == 200 and "办结时必须填写办结情况" in refused.content.decode()
    assert client.post(change, {**data, "resolution": "许可已核发"}).status_code == 302
    item.refresh_from_db()
    assert item.status == SupervisionStatus.RESOLVED and item.resolved_at is not None


def test_bulk_assigning_projects_to_an_officer_asks_first_then_writes_one_history_entry_each(client, reviewer):
    newcomer = StaffUserFactory(username="newcomer", email="new@example.com", roles=[Role.OFFICER])
    projects = [ProjectFactory(name=f"批量{n}") for n in range(20)]
    ids = [str(p.pk) for p in projects]
    client.force_login(reviewer)
    confirm = client.post(CHANGELIST, {"action": "bulk_edit_projects", ACTION_CHECKBOX_NAME: ids})
    page = confirm.content.decode()
    assert confirm.status_code == 200 and "将修改以下 20 个项目" in page and "批量19" in page
    assert not Project.objects.filter(officer=newcomer).exists()  # nothing changed yet
    before = {p.pk: p.history.count() for p in projects}
    done = client.post(CHANGELIST, {"action": "bulk_edit_projects", ACTION_CHECKBOX_NAME: ids, "confirm": "yes",
                                    "officer": newcomer.pk, "responsible_unit": "区招商局"}, follow=True)
    assert "已修改 20 个项目" in done.content.decode()
    for project in projects:
        project.refresh_from_db()
        assert (project.officer, project.responsible_unit) == (newcomer, "区招商局")
        assert project.history.count() == before[project.pk] + 1
        assert project.history.latest().history_change_reason == "批量修改：招商专员, 责任单位"
    notice = Notification.objects.get(recipient=newcomer)
    assert notice.message.startswith("20 个项目指派给您担任招商专员")


def test_a_refused_row_is_named_and_the_others_are_changed(client, officer):
    mine = ProjectFactory(name="可以改的项目", is_published=False)
    archived = ProjectFactory(name="缺投资方的项目", is_published=False)
    Project.objects.filter(pk=archived.pk).update(stage="signed")
    archived.investors.clear()  # the stage table now refuses any save of it
    client.force_login(officer)
    response = client.post(CHANGELIST, {"action": "bulk_edit_projects", ACTION_CHECKBOX_NAME: [mine.pk, archived.pk],
                                        "confirm": "yes", "responsible_unit": "区发改局"}, follow=True)
    page = response.content.decode()
    assert "已修改 1 个项目" in page and "“缺投资方的项目”未修改" in page
    mine.refresh_from_db()
    archived.refresh_from_db()
    assert (mine.responsible_unit, archived.responsible_unit) == ("区发改局", "")


def test_an_empty_bulk_edit_is_refused_on_the_confirmation_page(client, reviewer):
    project = ProjectFactory()
    client.force_login(reviewer)
    response = client.post(CHANGELIST, {"action": "bulk_edit_projects", ACTION_CHECKBOX_NAME: [project.pk],
                                        "confirm": "yes"})
    assert response.status_code == 200 and "请至少选择一项" in response.content.decode()


def test_an_officer_without_user_rights_can_pick_any_active_staff_member_as_officer(client, officer):
    project = ProjectFactory(name="草稿氢能项目", officer=officer, is_published=False)  # a draft: the edit is live
    colleague = StaffUserFactory(username="colleague-zhao", first_name="敏", last_name="赵", roles=[Role.OFFICER])
    StaffUserFactory(username="gone", is_active=False, roles=[Role.OFFICER])
    outsider = StaffUserFactory(username="not-staff", is_staff=False)
    client.force_login(officer)
    assert not officer.has_perm("auth.view_user")
    url = reverse("admin:projects_project_change", args=[project.pk])
    rendered = client.get(url)
    page = rendered.content.decode()
    select = page[page.index('name="officer"'):]
    select = select[:select.index("</select>")]
    # A plain choice of the active staff: no autocomplete to the user admin (which answers 403 to officers).
    assert "data-ajax--url" not in select
    assert f'<option value="{colleague.pk}">' in select and f'<option value="{officer.pk}" selected>' in select
    assert f'value="{outsider.pk}"' not in select and "gone" not in select
    data = form_data(rendered)
    data["officer"] = str(colleague.pk)
    assert client.post(url, data).status_code == 302
    project.refresh_from_db()
    assert project.officer == colleague


def test_the_printable_sheet_shows_internal_fields_open_items_and_latest_visits(client, officer, project):
    today = datetime.date.today()
    services.supervision_create(project=project, obstacle="供电线路待迁改", responsible_unit="供电公司",
                                deadline=today, user=officer)
    done = services.supervision_create(project=project, obstacle="已解决的问题", responsible_unit="区城管局",
                                       deadline=today, user=officer)
    services.supervision_resolve(item=done, resolution="完成", user=officer)
    services.interaction_log(project=project, occurred_on=today, summary="与企业会谈扩产", user=officer)
    client.force_login(officer)
    change = client.get(reverse("admin:projects_project_change", args=[project.pk])).content.decode()
    assert reverse("admin:desk_project_sheet", args=[project.pk]) in change
    sheet = client.get(reverse("admin:desk_project_sheet", args=[project.pk])).content.decode()
    assert "区发改局" in sheet and "供电线路待迁改" in sheet and "与企业会谈扩产" in sheet
    assert "已解决的问题" not in sheet
    assert 'media="print"' in sheet and "desk/print.css" in sheet


def test_an_officers_bulk_edit_of_a_published_project_waits_for_review(client, officer):
    published = ProjectFactory(name="已发布的项目")
    sector = SectorFactory(name="测试另一领域")
    client.force_login(officer)
    response = client.post(CHANGELIST, {"action": "bulk_edit_projects", ACTION_CHECKBOX_NAME: [published.pk],
                                        "confirm": "yes", "sector": sector.pk, "responsible_unit": "区发改局"},
                           follow=True)
    assert "1 个已发布项目的修改已保存为待审修订" in response.content.decode()
    published.refresh_from_db()
    assert published.sector != sector  # the live record (and the public site) keeps its public fields
    assert published.responsible_unit == "区发改局"  # an internal field applies at once
    assert Revision.objects.get(object_id=published.pk).changes == {"sector_id": sector.pk}
