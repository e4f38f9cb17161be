"""我的工作台 on the admin index: what it shows each person, in a fixed number of queries."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone, translation

from accounts.roles import Role
from desk import services
from desk.selectors import desk_for
from ledger.workflow import return_for_changes, submit_for_review
from projects.models import Project
from tests.factories import ProjectFactory, StaffUserFactory
from tests.queries import exact_queries

pytestmark = pytest.mark.django_db


def silent(project: Project, days: int) -> None:
    then = timezone.now() - datetime.timedelta(days=days)
    Project.objects.filter(pk=project.pk).update(created_at=then, updated_at=then)
    project.milestones.update(created_at=then)


def world(officer, reviewer, count: int) -> None:
    today = datetime.date.today()
    for n in range(count):
        project = ProjectFactory(name=f"工作台项目{n}", officer=officer, responsible_unit=f"单位{n % 3}",
                                 is_published=False)
        services.task_create(title=f"任务{n}", assignee=officer, due_on=today + datetime.timedelta(days=n - 1),
                             project=project, user=None)
        services.supervision_create(project=project, obstacle=f"问题{n}", responsible_unit=f"单位{n % 3}",
                                    deadline=today + datetime.timedelta(days=n - 1), user=officer)
        if n % 2:
            silent(project, 100)
    submit_for_review(record=Project.objects.get(name="工作台项目0"), user=officer)


def test_my_desk_lists_overdue_first_and_the_stalled_projects(officer, reviewer):
    today = datetime.date.today()
    quiet = ProjectFactory(name="久未推进", officer=officer)
    silent(quiet, 95)
    lively = ProjectFactory(name="正常推进", officer=officer)
    services.task_create(title="下周做", assignee=officer, due_on=today + datetime.timedelta(days=7), user=None)
    services.task_create(title="昨天就该做", assignee=officer, due_on=today - datetime.timedelta(days=1), user=None)
    services.task_create(title="别人的", assignee=reviewer, due_on=today, user=None)
    submitted = ProjectFactory(name="被退回", officer=officer, is_published=False)
    submit_for_review(record=submitted, user=officer)
    return_for_changes(record=submitted, user=reviewer, reason="缺少附件")

    desk = desk_for(user=officer)
    assert [t.title for t in desk.tasks] == ["昨天就该做", "下周做"]
    assert desk.tasks[0].is_overdue and not desk.tasks[1].is_overdue
    assert [p.name for p in desk.stalled] == ["久未推进"]
    assert desk.stalled[0].days_since_progress == 95
    assert [p.name for p in desk.returned] == ["被退回"]
    assert desk.to_review is None  # an officer reviews nothing
    assert {p.name for group in desk.my_projects for p in group.projects} == {"久未推进", "正常推进", "被退回"}
    assert lively.pk

    reviewer_desk = desk_for(user=reviewer)
    assert reviewer_desk.to_review == [] and [t.title for t in reviewer_desk.tasks] == ["别人的"]


def test_the_admin_index_shows_the_desk(client, officer):
    ProjectFactory(name="我的项目甲", officer=officer)
    services.task_create(title="打电话给企业", assignee=officer, user=None)
    client.force_login(officer)
    page = client.get(reverse("admin:index")).content.decode()
    assert "我的工作台" in page and "打电话给企业" in page and "我的项目甲" in page
    assert "没有未办结的督办事项" in page  # an empty state, not an empty box


@pytest.mark.parametrize("count", [1, 50])
def test_the_desk_takes_the_same_queries_whatever_the_number_of_projects(officer, reviewer, count):
    world(officer, reviewer, count)
    officer = type(officer).objects.get(pk=officer.pk)  # no permission cache
    with exact_queries(6, "officer's desk"):  # + the returned list (banner's definition)
        desk = desk_for(user=officer)
    assert sum(len(g.projects) for g in desk.my_projects) == count
    reviewer = type(reviewer).objects.get(pk=reviewer.pk)
    with exact_queries(6, "reviewer's desk"):  # + the review list, no returned list
        desk_for(user=reviewer)


@pytest.mark.parametrize("count", [1, 50])
def test_leadership_sees_every_unit_in_a_fixed_number_of_queries(officer, reviewer, count):
    world(officer, reviewer, count)
    leader = StaffUserFactory(username="leader", roles=[Role.VIEWER])
    leader.user_permissions.add(Permission.objects.get(codename="view_unit_desks"))
    leader = type(leader).objects.get(pk=leader.pk)
    with exact_queries(8, "leadership desk"):
        desk = desk_for(user=leader)
    assert sum(unit.projects for unit in desk.units) == count
    assert sum(unit.open_items for unit in desk.units) == count
    assert len(desk.unit_stalled) == count // 2


@pytest.mark.parametrize("count", [1, 50])
def test_the_admin_index_with_the_desk_is_pinned(client, officer, reviewer, count):
    world(officer, reviewer, count)
    client.force_login(officer)
    client.get(reverse("admin:index"))  # warm the per-process caches (content types, dashboard figures)
    # The session, the user, the permissions, the desk's lists, the yardsticks dashboard, the app list.
    # 14 for the desk and the index, plus 8 for the returned-records summary (per model the officer may
    # change but not publish: enterprises, projects, chains, chain links; its returned records and its
    # returned revisions), plus the dashboard's 当年到位资金 (one sum over the funds ledger's entries of
    # the year).
    with exact_queries(23, "admin index"):
        response = client.get(reverse("admin:index"))
    assert response.status_code == 200



def test_the_desk_reads_in_english(rf, officer):
    ProjectFactory(name="英文项目", officer=officer)
    request = rf.get("/admin/")
    request.user = officer
    with translation.override("en"):
        html = Template("{% load desk %}{% desk_workbench %}").render(Context({"request": request}))
    assert "My desk" in html and "My open tasks" in html and "No open supervision items." in html
    assert "我的工作台" not in html
