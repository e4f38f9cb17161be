"""项目工作页: the timeline of everything done about one project (newest first, by kind), the stage
checklist, and the quick actions that write through the services and come back to the page."""

import datetime

import pytest
from django.urls import reverse

from desk import services
from desk.models import EvidenceDocument, Interaction, Task
from desk.timeline import project_page
from ledger import workflow
from ledger.models import Revision, RevisionStatus
from projects.interest import interest_submit
from projects.models import Project
from projects.services import project_save
from tests.factories import NegotiatingProjectFactory, ProjectFactory
from tests.queries import exact_queries

from .conftest import pdf

pytestmark = pytest.mark.django_db


def page_url(project) -> str:
    return reverse("admin:desk_project_page", args=[project.pk])


def timeline_of(page: str) -> str:
    return page.split('id="timeline"')[1].split("</ol>")[0]


def test_the_page_shows_visits_items_with_escalations_tasks_files_revisions_and_enquiries(
        client, project, officer, reviewer, today):
    services.interaction_log(project=project, occurred_on=today, summary="走访企业，确认用地需求。", user=officer)
    item = services.supervision_create(project=project, obstacle="施工许可未办理", responsible_unit="区住建局",
                                       deadline=today - datetime.timedelta(days=3), user=officer)
    services.supervision_escalate(item=item)
    services.task_create(title="准备签约材料", assignee=officer, project=project, user=officer)
    services.evidence_attach(project=project, upload=pdf(), title="投资协议", user=officer)
    interest_submit(organisation="某某投资公司", contact_name="李先生", phone="13800000000", message="有意投资", consent=True,
                    project=project)
    client.force_login(officer)
    page = client.get(page_url(project)).content.decode()
    timeline = timeline_of(page)
    for text in ("走访企业，确认用地需求。", "新建督办事项", "逾期升级：蓝色 → 黄色", "准备签约材料", "投资协议",
                 "PDF 文档", "投资意向：某某投资公司"):
        assert text in timeline, text
    assert "application/pdf" not in timeline  # a file kind as people say it, not a MIME type
    # Newest first: the enquiry came last.
    assert timeline.index("投资意向") < timeline.index("走访企业")
    assert "王伟" in timeline  # who, by 姓名


def test_the_timeline_filters_by_kind(client, project, officer, today):
    services.interaction_log(project=project, occurred_on=today, summary="电话沟通签约时间", user=officer)
    services.task_create(title="准备签约材料", assignee=officer, project=project, user=officer)
    client.force_login(officer)
    timeline = timeline_of(client.get(page_url(project), {"kind": "task"}).content.decode())
    assert "准备签约材料" in timeline and "电话沟通签约时间" not in timeline


def test_logging_a_visit_stays_on_the_page_and_the_timeline_shows_it(client, project, officer, today):
    client.force_login(officer)
    response = client.post(page_url(project), {
        "action": "visit", "visit-occurred_on": today.isoformat(), "visit-kind": "visit",
        "visit-summary": "现场查看厂房进度", "visit-next_step": "送达补充材料清单",
        "visit-next_step_due": (today + datetime.timedelta(days=3)).isoformat()})
    assert response.status_code == 302 and response["Location"].startswith(page_url(project))
    visit = Interaction.objects.get()
    assert visit.summary == "现场查看厂房进度" and visit.recorded_by == officer
    assert Task.objects.get().title == "送达补充材料清单"  # the next step became a task
    page = client.get(response["Location"]).content.decode()
    assert "现场查看厂房进度" in timeline_of(page) and "已登记走访" in page


def test_a_visit_in_the_future_is_refused_with_the_input_kept(client, project, officer, today):
    client.force_login(officer)
    response = client.post(page_url(project), {
        "action": "visit", "visit-occurred_on": (today + datetime.timedelta(days=2)).isoformat(),
        "visit-kind": "visit", "visit-summary": "还没去的走访"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "走访日期不能晚于今天" in page and "还没去的走访" in page
    assert not Interaction.objects.exists()


def test_a_task_and_a_file_from_the_page(client, project, officer, today):
    client.force_login(officer)
    client.post(page_url(project), {"action": "task", "task-title": "约企业负责人面谈", "task-assignee": officer.pk})
    assert Task.objects.get().project == project
    response = client.post(page_url(project), {"action": "evidence", "evidence-kind": "contract",
                                                "evidence-title": "补充协议", "evidence-upload": pdf()})
    assert response.status_code == 302
    document = EvidenceDocument.objects.get()
    assert (document.project, document.title, document.uploaded_by) == (project, "补充协议", officer)


def test_a_viewer_sees_the_page_but_cannot_write(client, project, viewer, today):
    client.force_login(viewer)
    assert client.get(page_url(project)).status_code == 200
    response = client.post(page_url(project), {"action": "task", "task-title": "越权任务", "task-assignee": viewer.pk})
    assert response.status_code == 400 and not Task.objects.exists()


def test_the_file_form_offers_only_this_projects_milestones(client, project, officer):
    other = ProjectFactory(name="别的项目", officer=officer, stage="signed", signed_on=datetime.date(2025, 3, 1))
    client.force_login(officer)
    page = client.get(page_url(project)).content.decode()
    menu = page.split('name="evidence-milestone"')[1].split("</select>")[0]
    assert other.milestones.exists() and "别的项目" not in menu
    for milestone in project.milestones.all():
        assert f'value="{milestone.pk}"' in menu


def test_a_returned_revision_shows_its_notice(client, project, officer, reviewer):
    project_record = Project.objects.get(pk=project.pk)
    project_record.summary = "新摘要"
    project_save(project=project_record, user=officer, expected_version=project_record.version)
    revision = Revision.objects.get(status=RevisionStatus.PENDING)
    workflow.revision_return(revision=revision, user=reviewer, reason="金额无依据")
    client.force_login(officer)
    page = client.get(page_url(project)).content.decode()
    assert 'id="returned-notice"' in page and "金额无依据" in page.split('id="returned-notice"')[1].split("</div>")[0]
    assert "修订被退回" in timeline_of(page)


def test_the_stage_checklist_says_what_is_missing(client, officer):
    project = NegotiatingProjectFactory(name="洽谈中的项目", officer=officer)
    rows = {row.label: row.missing for row in project_page(project=project).checklist}
    assert rows == {"已签约": ["投资方", "签约日期"]}
    signed = {row.stage: row.missing for row in project_page(project=ProjectFactory(officer=officer)).checklist}
    assert signed == {"registered": ["注册落户日期"], "started": ["开工日期"]}
    client.force_login(officer)
    page = client.get(page_url(project)).content.decode()
    assert "投资方、签约日期" in page.split('id="stage-checklist"')[1]


@pytest.mark.parametrize("count", [1, 50])
def test_the_page_takes_the_same_queries_whatever_the_number_of_entries(client, project, officer, today, count):
    for number in range(count):
        services.interaction_log(project=project, occurred_on=today, summary=f"走访 {number}", user=officer)
    client.force_login(officer)
    client.get(page_url(project))  # warm the per-process caches (content types)
    # The session, the user and their permissions (4); the project with its investor count; one per
    # source of the timeline (visits, 督办 steps, follow-ups, tasks, files, revisions, history, enquiries: 8);
    # the people in the visit's and the task's menus, the project's milestones in the file's (3).
    with exact_queries(16, "project page"):
        response = client.get(page_url(project))
    assert response.status_code == 200
    assert timeline_of(response.content.decode()).count("走访 ") == count
