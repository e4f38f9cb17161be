"""亩均效益: 投资强度, 亩均产值, 亩均税收 for a project and summed per carrier, each ratio over the projects
that have both its parts; a carrier's thresholds mark what falls below."""

from decimal import Decimal

import pytest
from django.urls import reverse

from projects.land import land_figures, land_figures_by_zone, project_land_figures
from projects.models import Project
from tests.factories import ProjectFactory, ProjectYearFiguresFactory, RenewalZoneFactory

pytestmark = pytest.mark.django_db


def test_a_projects_figures_and_none_where_a_part_is_missing():
    project = ProjectFactory(land_area_mu=Decimal("20"), fixed_asset_investment=Decimal("9000"))
    ProjectYearFiguresFactory(project=project, year=2025, output_value=Decimal("4000"), tax=Decimal("300"))
    ProjectYearFiguresFactory(project=project, year=2026, output_value=Decimal("6000"))
    latest = project_land_figures(project=project)
    assert (latest.year, latest.investment_intensity, latest.output_per_mu, latest.tax_per_mu) == (
        2026, Decimal("450.00"), Decimal("300.00"), None)
    assert project_land_figures(project=project, year=2025).tax_per_mu == Decimal("15.00")
    assert project_land_figures(project=ProjectFactory()).investment_intensity is None


def test_sums_per_carrier_leave_out_projects_without_both_parts_and_mark_what_is_below():
    park = RenewalZoneFactory(name="测试化工园", min_investment_intensity=Decimal("400"),
                              min_tax_per_mu=Decimal("20"))
    first = ProjectFactory(zone=park, land_area_mu=Decimal("10"), fixed_asset_investment=Decimal("3000"))
    second = ProjectFactory(zone=park, land_area_mu=Decimal("30"), fixed_asset_investment=Decimal("9000"))
    ProjectFactory(zone=park, land_area_mu=Decimal("60"))  # no investment: not in 投资强度
    ProjectYearFiguresFactory(project=first, year=2026, tax=Decimal("100"))
    ProjectYearFiguresFactory(project=second, year=2025, tax=Decimal("999"))  # another year
    [row] = land_figures_by_zone(projects=Project.objects.all(), year=2026)
    assert row.zone == park and row.figures.land_area_mu == Decimal("100")
    assert row.figures.investment_intensity == Decimal("300.00") and row.figures.intensity_projects == 2
    assert row.figures.tax_per_mu == Decimal("10.00") and row.figures.tax_projects == 1
    assert row.below == ["投资强度 300.00 万元/亩，低于载体门槛 400.00 万元/亩",
                         "亩均税收 10.00 万元/亩，低于载体门槛 20.00 万元/亩"]
    assert land_figures(projects=Project.objects.all(), year=2026).investment_intensity == Decimal("300.00")


def test_the_project_page_shows_its_figures_and_the_shortfall(admin_client):
    park = RenewalZoneFactory(min_investment_intensity=Decimal("400"))
    project = ProjectFactory(zone=park, land_area_mu=Decimal("10"), fixed_asset_investment=Decimal("3000"))
    ProjectYearFiguresFactory(project=project, year=2026, output_value=Decimal("800"), tax=Decimal("40"))
    page = admin_client.get(reverse("admin:projects_project_change", args=[project.pk])).content.decode()
    assert "投资强度 300.00 万元/亩；2026 年亩均产值 80.00 万元/亩；亩均税收 4.00 万元/亩" in page
    assert "低于载体门槛 400.00 万元/亩" in page
