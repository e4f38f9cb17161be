"""The headline figures: counted from published projects only, reproducible from the ledger."""

import datetime
from decimal import Decimal

import pytest

from figures import yardsticks
from projects.models import Project
from projects.stages import Stage
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 28)


def make(**kwargs):
    kwargs.setdefault("signed_on", datetime.date(2026, 2, 10))
    return ProjectFactory(**kwargs)


def test_headline_figures_count_published_projects_only():
    make(total_investment=Decimal("10000"))  # signed 2026
    make(total_investment=Decimal("5000.50"), stage=Stage.STARTED, signed_on=datetime.date(2025, 3, 1),
         started_on=datetime.date(2025, 9, 1))  # signed and started in 2025
    make(total_investment=None, stage=Stage.STARTED, signed_on=datetime.date(2024, 3, 1),
         started_on=datetime.date(2025, 1, 1))  # started the next year; amount unpublished
    make(stage=Stage.NEGOTIATING, signed_on=None, total_investment=Decimal("99999"))  # not signed
    make(is_published=False, total_investment=Decimal("777777"), stage=Stage.STARTED,
         started_on=datetime.date(2026, 3, 1))  # unpublished: never counted

    figures = yardsticks.headline_figures(today=TODAY)

    assert figures.year == 2026
    assert figures.signed_this_year == 1
    assert figures.signed_total == 3
    assert figures.signed_investment_wan == Decimal("15000.50")
    assert figures.signed_investment_yi == Decimal("1.50005")
    assert figures.signed_without_amount == 1
    assert figures.started_of_signed == 2
    assert figures.start_rate_percent == Decimal("66.7")
    assert figures.signed_and_started_same_year == 1


def test_the_single_figure_functions_agree_with_the_headline():
    make(total_investment=Decimal("20000"))
    make(total_investment=Decimal("30000"), stage=Stage.STARTED, started_on=datetime.date(2026, 5, 1))
    figures = yardsticks.headline_figures(today=TODAY)
    assert yardsticks.signed_count() == figures.signed_total == 2
    assert yardsticks.signed_count(year=2026) == figures.signed_this_year == 2
    assert yardsticks.signed_count(year=2025) == 0
    assert yardsticks.signed_investment_wan() == figures.signed_investment_wan == Decimal("50000")
    assert yardsticks.start_rate_percent() == figures.start_rate_percent == Decimal("50.0")
    assert yardsticks.signed_and_started_same_year_count() == 1
    assert yardsticks.signed_and_started_same_year_count(year=2025) == 0


def test_a_later_stage_counts_as_started_even_without_a_start_date():
    make(stage=Stage.IN_PRODUCTION, production_on=datetime.date(2026, 6, 1))
    assert yardsticks.start_rate_percent() == Decimal("100.0")


def test_no_signed_projects_gives_no_rate_rather_than_a_division_error():
    figures = yardsticks.headline_figures(today=TODAY)
    assert figures.signed_total == 0
    assert figures.start_rate_percent is None
    assert figures.signed_investment_wan is None  # nothing published reads 未公布, not 0


def test_a_queryset_can_be_measured_instead_of_the_public_projects():
    make(is_published=False)
    assert yardsticks.signed_count() == 0
    assert yardsticks.signed_count(queryset=Project.objects.all()) == 1


def test_stage_funnel_counts_projects_that_reached_each_stage():
    make(stage=Stage.NEGOTIATING, signed_on=None)
    make()
    make(stage=Stage.STARTED, started_on=datetime.date(2026, 4, 1))
    make(stage=Stage.ON_HOLD, started_on=datetime.date(2026, 4, 1))  # reached 开工 before it was put on hold
    funnel = {step.stage: step.count for step in yardsticks.stage_funnel()}
    assert funnel == {
        Stage.NEGOTIATING: 4,
        Stage.SIGNED: 3,
        Stage.REGISTERED: 2,
        Stage.STARTED: 2,
        Stage.COMPLETED: 0,
        Stage.IN_PRODUCTION: 0,
    }


def test_headline_figures_take_one_query(django_assert_num_queries):
    make()
    with django_assert_num_queries(1):
        yardsticks.headline_figures(today=TODAY)
