"""督办 items, visits and tasks: what an officer records, and what the schedule does with it."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.roles import Role
from desk import services
from desk.models import (
    Interaction,
    Notification,
    NotificationKind,
    SupervisionItem,
    SupervisionLevel,
    SupervisionStatus,
    Task,
)
from projects.models import Project
from projects.progress import AlertColour, with_alert
from projects.services import project_save
from tests.factories import StaffUserFactory

pytestmark = pytest.mark.django_db


def backdate(project: Project, days: int) -> None:
    then = timezone.now() - datetime.timedelta(days=days)
    Project.objects.filter(pk=project.pk).update(created_at=then, updated_at=then)
    project.milestones.update(created_at=then)


def colour(project: Project) -> str:
    return with_alert(Project.objects.filter(pk=project.pk)).get().alert_colour


def item_for(project, officer, *, deadline, **kwargs) -> SupervisionItem:
    return services.supervision_create(project=project, obstacle="用地指标未落实", responsible_unit="区自然资源局",
                                       deadline=deadline, user=officer, **kwargs)


def test_a_visit_with_a_next_step_creates_a_task_for_the_officer(project, officer, today):
    colleague = StaffUserFactory(username="colleague", roles=[Role.OFFICER])
    visit = services.interaction_log(
        project=project, occurred_on=today, kind="site_inspection", summary="踏勘厂房，企业希望下月签约。",
        staff=[officer, colleague], enterprise_participants="企业总经理", next_step="报送用地方案",
        next_step_due=today + datetime.timedelta(days=7), user=officer)
    task = Task.objects.get()
    assert (task.title, task.assignee, task.due_on, task.project, task.interaction) == (
        "报送用地方案", officer, today + datetime.timedelta(days=7), project, visit)
    assert set(visit.staff.all()) == {officer, colleague}
    assert visit.history.count() == 1 and task.history.count() == 1
    assert list(visit.history.get().staff.values_list("user_id", flat=True)) != []
    # Logged by the assignee: no notice to oneself.
    assert not Notification.objects.exists()


def test_a_visit_in_the_future_or_without_summary_is_refused_and_nothing_written(project, officer, today):
    with pytest.raises(ValidationError) as future:
        services.interaction_log(project=project, occurred_on=today + datetime.timedelta(days=1), summary="x",
                                 user=officer)
    assert "走访日期不能晚于今天" in str(future.value)
    with pytest.raises(ValidationError):
        services.interaction_log(project=project, occurred_on=today, summary="  ", next_step="下一步", user=officer)
    assert not Interaction.objects.exists() and not Task.objects.exists()


def test_the_database_refuses_a_due_date_without_a_next_step(project, officer, today):
    with pytest.raises(IntegrityError), transaction.atomic():
        Interaction.objects.create(project=project, occurred_on=today, summary="x", next_step="",
                                   next_step_due=today)


def test_a_viewer_may_not_log_a_visit(project, today):
    viewer = StaffUserFactory(username="viewer", roles=[Role.VIEWER])
    with pytest.raises(PermissionDenied):
        services.interaction_log(project=project, occurred_on=today, summary="走访", user=viewer)


def test_real_progress_is_a_visit_a_milestone_or_a_resolved_item_not_an_edit(project, officer, today):
    backdate(project, 120)
    assert colour(project) == AlertColour.RED
    project.refresh_from_db()
    project.staff_note = "修正错别字"
    project_save(project=project, user=officer)
    assert colour(project) == AlertColour.RED  # an edit is not progress

    services.interaction_log(project=project, occurred_on=today, summary="走访企业", user=officer)
    assert colour(project) == AlertColour.GREEN
    Interaction.objects.update(created_at=timezone.now() - datetime.timedelta(days=70))
    assert colour(project) == AlertColour.YELLOW

    item = item_for(project, officer, deadline=today)
    assert colour(project) == AlertColour.YELLOW  # opening an item is not progress
    services.supervision_resolve(item=item, resolution="指标已下达", user=officer)
    assert colour(project) == AlertColour.GREEN


def test_follow_ups_move_an_item_into_progress_and_resolving_keeps_the_record(project, officer, today):
    item = item_for(project, officer, deadline=today + datetime.timedelta(days=10))
    services.supervision_follow_up(item=item, date=today, note="已与自然资源局对接", user=officer)
    item.refresh_from_db()
    assert item.status == SupervisionStatus.IN_PROGRESS
    with pytest.raises(ValidationError) as no_text:
        services.supervision_resolve(item=item, resolution=" ", user=officer)
    assert "办结情况" in str(no_text.value)
    services.supervision_resolve(item=item, resolution="指标已下达", user=officer)
    item.refresh_from_db()
    assert (item.status, item.resolution, item.follow_ups.count()) == (SupervisionStatus.RESOLVED, "指标已下达", 1)
    assert [h.history_change_reason for h in item.history.order_by("history_date")] == ["新建督办事项", "开始推进", "办结"]
    with pytest.raises(ValidationError):
        services.supervision_follow_up(item=item, date=today, note="再跟进", user=officer)


def test_the_database_refuses_a_resolved_item_without_a_date(project, officer, today):
    item = item_for(project, officer, deadline=today)
    with pytest.raises(IntegrityError), transaction.atomic():
        SupervisionItem.objects.filter(pk=item.pk).update(status=SupervisionStatus.RESOLVED)


def test_an_overdue_item_escalates_one_level_per_run_and_is_notified(project, officer, today, capsys, settings):
    settings.SUPERVISION_ESCALATION_DAYS = 7
    owner = StaffUserFactory(username="owner", email="owner@example.com", roles=[Role.OFFICER])
    overdue = item_for(project, officer, deadline=today - datetime.timedelta(days=2), owner=owner)
    on_time = item_for(project, officer, deadline=today + datetime.timedelta(days=2))

    call_command("escalate_supervision")
    assert "共升级 1 项督办事项" in capsys.readouterr().out
    overdue.refresh_from_db()
    on_time.refresh_from_db()
    assert (overdue.level, overdue.status) == (SupervisionLevel.YELLOW, SupervisionStatus.ESCALATED)
    assert on_time.level == SupervisionLevel.BLUE
    latest = overdue.history.order_by("-history_date").first()
    assert (latest.history_change_reason, latest.level, latest.history_user) == ("逾期升级：蓝色 → 黄色", "yellow", None)
    notices = Notification.objects.filter(kind=NotificationKind.ESCALATED)
    assert set(notices.values_list("recipient__username", flat=True)) == {"owner", "officer-wang"}

    call_command("escalate_supervision")  # the same day: no second step
    overdue.refresh_from_db()
    assert overdue.level == SupervisionLevel.YELLOW

    SupervisionItem.objects.filter(pk=overdue.pk).update(escalated_at=timezone.now() - datetime.timedelta(days=8))
    call_command("escalate_supervision")
    overdue.refresh_from_db()
    assert overdue.level == SupervisionLevel.RED
    SupervisionItem.objects.filter(pk=overdue.pk).update(escalated_at=timezone.now() - datetime.timedelta(days=30))
    assert services.supervision_escalate_overdue() == []  # red is the top
    assert overdue.history.count() == 3


def test_a_resolved_item_never_escalates(project, officer, today):
    item = item_for(project, officer, deadline=today - datetime.timedelta(days=5))
    services.supervision_resolve(item=item, resolution="已解决", user=officer)
    assert services.supervision_escalate_overdue() == []


def test_a_task_assigned_to_someone_else_notifies_them_and_done_undone_is_in_the_history(project, officer, today):
    other = StaffUserFactory(username="other", email="other@example.com", roles=[Role.OFFICER])
    task = services.task_create(title="准备签约材料", assignee=other, due_on=today, project=project, user=officer)
    notice = Notification.objects.get(recipient=other)
    assert notice.kind == NotificationKind.ASSIGNED and "准备签约材料" in notice.message
    services.task_set_done(task=task, done=True, user=other)
    task.refresh_from_db()
    assert task.is_done
    services.task_set_done(task=task, done=False, user=other)
    task.refresh_from_db()
    assert not task.is_done
    assert [h.history_change_reason for h in task.history.order_by("history_date")] == [
        "新建任务", "完成任务", "重新打开任务"]


def test_reminders_for_tasks_and_items_due_tomorrow_or_overdue_once_a_day(project, officer, today, capsys):
    other = StaffUserFactory(username="other", roles=[Role.OFFICER])
    services.task_create(title="明天到期", assignee=other, due_on=today + datetime.timedelta(days=1), user=officer)
    services.task_create(title="已逾期", assignee=other, due_on=today - datetime.timedelta(days=1), user=officer)
    services.task_create(title="下周", assignee=other, due_on=today + datetime.timedelta(days=7), user=officer)
    item_for(project, officer, deadline=today - datetime.timedelta(days=1))
    Notification.objects.all().delete()
    call_command("desk_reminders")
    assert "已发送 3 条到期提醒" in capsys.readouterr().out
    messages = sorted(Notification.objects.values_list("message", flat=True))
    assert any("明天到期" in m and "明日到期" in m for m in messages)
    assert any("已逾期" in m for m in messages) and not any("下周" in m for m in messages)
    call_command("desk_reminders")
    assert "已发送 0 条到期提醒" in capsys.readouterr().out
