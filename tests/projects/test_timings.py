"""Service timings: the median days of each step per unit and per officer, from the ledger's dates,
each median over exactly the projects its link lists."""

import datetime

import pytest
from django.urls import reverse

from ambassadors.models import LeadStatus
from ledger.models import DatePrecision
from projects.models import Project
from projects.stages import Stage
from projects.timings import service_timings, timing_records
from tests.factories import LeadFactory, ProjectFactory, StaffUserFactory

pytestmark = pytest.mark.django_db
D = datetime.date


def world():
    wang = StaffUserFactory(username="wang", first_name="伟", last_name="王")
    a = ProjectFactory(responsible_unit="发改局", officer=wang, stage=Stage.REGISTERED, signed_on=D(2026, 1, 1),
                       registered_on=D(2026, 1, 11))
    b = ProjectFactory(responsible_unit="发改局", officer=wang, stage=Stage.REGISTERED, signed_on=D(2026, 2, 1),
                       registered_on=D(2026, 3, 3))
    c = ProjectFactory(responsible_unit="商务局", stage=Stage.COMPLETED, signed_on=D(2025, 1, 1),
                       registered_on=D(2025, 1, 21), started_on=D(2025, 3, 1), completed_on=D(2025, 12, 1))
    # A month-precision date makes the days up: not counted.
    ProjectFactory(responsible_unit="商务局", stage=Stage.REGISTERED, signed_on=D(2025, 5, 1),
                   signed_on_precision=DatePrecision.MONTH, registered_on=D(2025, 6, 1))
    LeadFactory(project=a, status=LeadStatus.SIGNED, referred_on=D(2025, 12, 2))
    LeadFactory(project=a, status=LeadStatus.SIGNED, referred_on=D(2025, 11, 2))  # the earliest counts
    return a, b, c, wang


def test_medians_per_unit_and_officer_count_only_projects_with_both_dates_to_the_day():
    a, b, c, wang = world()
    rows, total = service_timings(projects=Project.objects.all(), by="unit")
    by_unit = {row.label: row.cells for row in rows}
    assert by_unit["发改局"]["signed-registered"].median_days == 20  # 10 and 30 days
    assert by_unit["发改局"]["signed-registered"].count == 2
    assert by_unit["发改局"]["lead-signed"].median_days == (D(2026, 1, 1) - D(2025, 11, 2)).days
    assert by_unit["商务局"]["signed-registered"].count == 1 and by_unit["商务局"]["signed-registered"].median_days == 20
    assert by_unit["商务局"]["started-completed"].median_days == (D(2025, 12, 1) - D(2025, 3, 1)).days
    assert by_unit["商务局"]["completed-in_production"].count == 0
    assert total.cells["signed-registered"].count == 3 and total.cells["signed-registered"].median_days == 20
    officers, _total = service_timings(projects=Project.objects.all(), by="officer")
    assert [(row.label, row.cells["signed-registered"].count) for row in officers] == [
        ("王伟", 2), ("（未指定招商专员）", 1)]
    assert set(timing_records(projects=Project.objects.all(), step="signed-registered", by="unit", key="发改局")) == {a, b}
    assert set(timing_records(projects=Project.objects.all(), step="signed-registered", by="officer",
                              key=str(wang.pk))) == {a, b}


def test_each_median_links_to_the_projects_it_is_over(admin_client):
    a, b, c, wang = world()
    page = admin_client.get(reverse("admin:projects_plan_figures")).content.decode()
    table = page[page.index('id="timings-unit"'):]
    assert "20（2）" in table and "20（1）" in table
    listed = admin_client.get(reverse("admin:projects_project_changelist"),
                              {"timing": "signed-registered.unit.发改局"}).context["cl"].result_list
    assert set(listed) == {a, b}
    assert admin_client.get(reverse("admin:projects_project_changelist"),
                            {"timing": "no-such-step.unit.x"}).status_code == 200  # ignored, not a 500
