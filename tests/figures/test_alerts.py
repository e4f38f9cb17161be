import datetime

import pytest
from django.contrib import admin
from django.core import mail
from django.core.management import call_command
from django.test import RequestFactory
from django.utils import timezone

from projects.admin_filters import AlertColourFilter
from projects.models import Project, ProjectMilestone
from projects.progress import AlertColour, with_alert
from projects.services import project_save
from projects.stages import Stage
from tests.factories import ProjectFactory, ProjectMilestoneFactory, UserFactory

pytestmark = pytest.mark.django_db


def silent_for(project: Project, days: int) -> Project:
    """Backdate the project's creation, last update and milestones, the one its save logged included
    (auto_now and auto_now_add cannot be set through save())."""
    then = timezone.now() - datetime.timedelta(days=days)
    Project.objects.filter(pk=project.pk).update(created_at=then, updated_at=then)
    ProjectMilestone.objects.filter(project=project).update(created_at=then)
    return project


def colours() -> dict[str, str]:
    return dict(with_alert(Project.objects.all()).values_list("name", "alert_colour"))


def test_sixty_days_silent_is_yellow_ninety_is_red_and_finished_projects_carry_none():
    silent_for(ProjectFactory(name="十天"), 10)
    silent_for(ProjectFactory(name="六十一天"), 61)
    silent_for(ProjectFactory(name="九十一天"), 91)
    silent_for(
        ProjectFactory(name="已投产", stage=Stage.IN_PRODUCTION, production_on=datetime.date(2026, 3, 1)), 400
    )
    silent_for(ProjectFactory(name="暂缓", stage=Stage.ON_HOLD), 400)
    assert colours() == {
        "十天": AlertColour.GREEN,
        "六十一天": AlertColour.YELLOW,
        "九十一天": AlertColour.RED,
        "已投产": AlertColour.NONE,
        "暂缓": AlertColour.NONE,
    }


def test_a_recent_milestone_counts_as_progress():
    project = silent_for(ProjectFactory(name="有新节点"), 120)
    assert colours()["有新节点"] == AlertColour.RED
    ProjectMilestoneFactory(project=project, stage=Stage.STARTED, date=datetime.date(2026, 3, 1))
    assert colours()["有新节点"] == AlertColour.GREEN
    ProjectMilestone.objects.filter(project=project).update(created_at=timezone.now() - datetime.timedelta(days=70))
    assert colours()["有新节点"] == AlertColour.YELLOW


def test_thresholds_are_settings(settings):
    settings.PROGRESS_ALERT_YELLOW_DAYS = 7
    settings.PROGRESS_ALERT_RED_DAYS = 14
    silent_for(ProjectFactory(name="八天"), 8)
    silent_for(ProjectFactory(name="十五天"), 15)
    assert colours() == {"八天": AlertColour.YELLOW, "十五天": AlertColour.RED}


def test_admin_list_filter_keeps_only_the_chosen_colour():
    silent_for(ProjectFactory(name="黄"), 70)
    silent_for(ProjectFactory(name="红"), 100)
    ProjectFactory(name="绿")
    request = RequestFactory().get("/admin/projects/project/", {"alert": "red"})
    model_admin = admin.ModelAdmin(Project, admin.site)
    list_filter = AlertColourFilter(request, {"alert": ["red"]}, Project, model_admin)
    assert [choice for choice, _label in list_filter.lookup_choices] == ["red", "yellow", "green"]
    assert list(list_filter.queryset(request, Project.objects.all()).values_list("name", flat=True)) == ["红"]


def test_weekly_command_prints_each_officers_list_and_mails_those_with_an_address(capsys):
    wang = UserFactory(username="wang", email="wang@example.com", first_name="伟", last_name="王")
    li = UserFactory(username="li", email="")
    silent_for(ProjectFactory(name="王的红色项目", code="QS-2026-0001", officer=wang, responsible_unit="区发改局"), 95)
    silent_for(ProjectFactory(name="王的黄色项目", officer=wang), 65)
    silent_for(ProjectFactory(name="李的黄色项目", officer=li), 65)
    silent_for(ProjectFactory(name="无人负责的红色项目"), 200)
    ProjectFactory(name="王的正常项目", officer=wang)

    call_command("progress_alerts", "--mail")
    out = capsys.readouterr().out

    assert "共 4 个项目" in out
    wang_block = out.split("招商专员：王伟")[1].split("招商专员：")[0]
    assert "[红] QS-2026-0001 王的红色项目 · 已签约 · 95 天无进展 · 责任单位：区发改局" in wang_block
    assert "王的黄色项目" in wang_block
    assert wang_block.index("王的红色项目") < wang_block.index("王的黄色项目")
    assert "王的正常项目" not in out
    assert "李的黄色项目" in out.split("招商专员：li")[1]
    assert "无人负责的红色项目" in out.split("招商专员：（未指派）")[1]
    assert [m.to for m in mail.outbox] == [["wang@example.com"]]
    assert "王的红色项目" in mail.outbox[0].body and "李的黄色项目" not in mail.outbox[0].body


def test_command_only_prints_when_mail_is_not_configured(capsys):
    silent_for(ProjectFactory(officer=UserFactory(email="x@example.com")), 95)
    call_command("progress_alerts")
    assert "共 1 个项目" in capsys.readouterr().out
    assert mail.outbox == []


def test_an_edit_is_not_progress_a_typo_fix_leaves_a_red_project_red():
    project = silent_for(ProjectFactory(name="错别字项目"), 120)
    assert colours()["错别字项目"] == AlertColour.RED
    project.refresh_from_db()
    project.summary = "修正一个错别字"
    project_save(project=project, user=None)
    project.refresh_from_db()
    assert project.updated_at > timezone.now() - datetime.timedelta(minutes=1)  # the edit was written
    assert colours()["错别字项目"] == AlertColour.RED
