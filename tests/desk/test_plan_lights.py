"""The desk's lights come from the plan too: behind a planned date is yellow the day after it is due
and red after the grace months; a project shows its worst light with the reasons (frozen clock)."""

import datetime

import pytest
from django.urls import reverse

from desk import services
from desk.selectors import desk_for
from ledger.models import DatePrecision
from projects.models import Project
from projects.services import project_save
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db


def stalled_line(client, user) -> str:
    client.force_login(user)  # a session from before the clock moved has expired
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    html = response.content.decode()
    start = html.index('id="desk-stalled"')
    return html[start:html.index("</ul>", start)]


def test_planned_start_passed_is_yellow_the_next_day_and_red_three_months_later(client, officer, clock):
    clock.set(datetime.date(2026, 2, 20))
    project = ProjectFactory(name="计划开工项目", officer=officer, signed_on=datetime.date(2026, 2, 10),
                             planned_started_on=datetime.date(2026, 3, 1))
    client.force_login(officer)

    clock.set(datetime.date(2026, 3, 1))  # the planned day itself: on plan
    assert desk_for(user=officer).stalled == []

    clock.set(datetime.date(2026, 3, 2))
    line = stalled_line(client, officer)
    assert "qs-level-yellow" in line and "计划开工项目" in line
    assert "应开工未开工（计划 2026年3月1日）" in line and "无实质进展" not in line

    # Real progress keeps the silence light green: only the plan speaks.
    clock.set(datetime.date(2026, 5, 30))
    services.interaction_log(project=project, occurred_on=datetime.date(2026, 5, 30), summary="催办开工", user=officer)
    clock.set(datetime.date(2026, 6, 1))
    assert [(p.name, p.light) for p in desk_for(user=officer).stalled] == [("计划开工项目", "yellow")]
    clock.set(datetime.date(2026, 6, 2))
    line = stalled_line(client, officer)
    assert "qs-level-red" in line and "应开工未开工（计划 2026年3月1日）" in line


def test_a_month_plan_is_due_when_its_month_ends(officer, clock):
    clock.set(datetime.date(2026, 2, 20))
    ProjectFactory(officer=officer, planned_started_on=datetime.date(2026, 3, 1),
                   planned_started_on_precision=DatePrecision.MONTH)
    clock.set(datetime.date(2026, 3, 31))
    assert desk_for(user=officer).stalled == []
    clock.set(datetime.date(2026, 4, 1))
    assert [p.light for p in desk_for(user=officer).stalled] == ["yellow"]
    assert desk_for(user=officer).stalled[0].light_reasons == ["应开工未开工（计划 2026年3月）"]


def test_the_worst_light_wins_and_both_reasons_show(officer, clock, settings):
    clock.set(datetime.date(2026, 1, 5))
    project = ProjectFactory(officer=officer, planned_started_on=datetime.date(2026, 3, 1))
    clock.set(datetime.date(2026, 4, 10))  # 95 days silent (red), 40 days past the planned start (yellow)
    desk = desk_for(user=officer)
    assert [(p.pk, p.light) for p in desk.stalled] == [(project.pk, "red")]
    assert desk.stalled[0].light_reasons == ["95 天无实质进展", "应开工未开工（计划 2026年3月1日）"]


def test_started_or_off_the_path_projects_carry_no_plan_light(officer, clock):
    clock.set(datetime.date(2026, 2, 20))
    started = ProjectFactory(officer=officer, planned_started_on=datetime.date(2026, 3, 1))
    on_hold = ProjectFactory(officer=officer, planned_started_on=datetime.date(2026, 3, 1))
    clock.set(datetime.date(2026, 3, 10))
    started.stage, started.started_on = "started", datetime.date(2026, 3, 9)
    project_save(project=started, user=None)
    on_hold = Project.objects.get(pk=on_hold.pk)
    on_hold.stage = "on_hold"
    project_save(project=on_hold, user=None)
    assert desk_for(user=officer).stalled == []


def test_the_red_delay_is_a_setting(officer, clock, settings):
    settings.PLAN_ALERT_RED_MONTHS = 1
    clock.set(datetime.date(2026, 2, 20))
    ProjectFactory(officer=officer, planned_started_on=datetime.date(2026, 3, 1))
    clock.set(datetime.date(2026, 4, 2))
    assert [p.light for p in desk_for(user=officer).stalled] == ["red"]
