"""The plan's reads (``projects.plans``): when a planned date is due, who is behind it, red after the
grace months, and what the reminders look ahead to."""

import datetime

import pytest

from ledger.models import DatePrecision
from projects.models import Project
from projects.plans import (
    due_date,
    months_before,
    plan_reason,
    projects_behind_plan,
    projects_past_planned_start,
    upcoming_plans,
    with_plan_alert,
)
from projects.stages import Stage
from tests.factories import ProjectFactory, StaffUserFactory

pytestmark = pytest.mark.django_db
D = datetime.date


def test_a_plan_is_due_at_the_end_of_what_it_names():
    assert due_date(D(2026, 3, 1), DatePrecision.DAY) == D(2026, 3, 1)
    assert due_date(D(2026, 2, 1), DatePrecision.MONTH) == D(2026, 2, 28)
    assert due_date(D(2026, 1, 1), DatePrecision.YEAR) == D(2026, 12, 31)
    assert months_before(D(2026, 5, 31), 3) == D(2026, 2, 28)
    assert months_before(D(2026, 2, 15), 3) == D(2025, 11, 15)


def test_past_planned_start_is_the_day_after_and_only_for_projects_not_started():
    late = ProjectFactory(planned_started_on=D(2026, 3, 1))
    ProjectFactory(planned_started_on=D(2026, 3, 2))  # due today on 03-02: not yet
    started = ProjectFactory(planned_started_on=D(2026, 3, 1), stage=Stage.STARTED, started_on=D(2026, 3, 5))
    year_plan = ProjectFactory(planned_started_on=D(2025, 1, 1), planned_started_on_precision=DatePrecision.YEAR)
    ProjectFactory(planned_started_on=D(2026, 1, 1), planned_started_on_precision=DatePrecision.YEAR)
    all_projects = Project.objects.all()
    assert set(projects_past_planned_start(on=D(2026, 3, 1), projects=all_projects)) == {year_plan}
    assert set(projects_past_planned_start(on=D(2026, 3, 2), projects=all_projects)) == {late, year_plan}
    assert started not in projects_past_planned_start(on=D(2026, 12, 1), projects=all_projects)
    red = projects_behind_plan(on=D(2026, 6, 2), projects=all_projects, stage=Stage.STARTED, red=True)
    assert set(red) == {late, year_plan}
    assert set(projects_behind_plan(on=D(2026, 6, 1), projects=all_projects, red=True)) == {year_plan}


def test_the_alert_names_the_worst_stage_and_its_plan():
    project = ProjectFactory(planned_registered_on=D(2026, 4, 1), planned_started_on=D(2026, 1, 10))
    row = with_plan_alert(Project.objects.filter(pk=project.pk), on=D(2026, 4, 20)).get()
    assert (row.plan_colour, row.plan_stage) == ("red", Stage.STARTED)  # start: red; registration: yellow
    assert plan_reason(row) == "应开工未开工（计划 2026年1月10日）"
    on_plan = with_plan_alert(Project.objects.filter(pk=project.pk), on=D(2026, 1, 5)).get()
    assert (on_plan.plan_colour, on_plan.plan_stage) == ("green", "")
    assert with_plan_alert(Project.objects.filter(pk=ProjectFactory().pk), on=D(2026, 1, 5)).get().plan_colour == "none"


def test_upcoming_plans_list_stages_not_reached_due_within_the_window():
    officer = StaffUserFactory()
    month = ProjectFactory(officer=officer, planned_started_on=D(2026, 4, 1),
                           planned_started_on_precision=DatePrecision.MONTH)
    ProjectFactory(officer=officer, planned_signed_on=D(2026, 4, 5))  # signed already: no reminder
    ProjectFactory(planned_started_on=D(2026, 4, 2))  # nobody to remind
    upcoming = upcoming_plans(on=D(2026, 4, 1), within_days=30)
    assert [(p.project.pk, p.stage, p.due_on) for p in upcoming] == [(month.pk, Stage.STARTED, D(2026, 4, 30))]
    assert upcoming[0].display == "2026年4月" and upcoming[0].label == "计划开工"
