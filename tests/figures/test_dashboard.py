"""The yardsticks dashboard: each figure recomputed by hand from raw rows, links open exactly the
records behind each figure, and the admin index runs a fixed number of queries."""

import datetime
import statistics
from decimal import Decimal

import pytest
from django.utils import timezone

from figures import yardsticks
from figures.dashboard import changelist_url, conference_funnel, event_value, yardstick_value
from projects.models import Project, ProjectMilestone, Sector
from projects.stages import Stage
from tests.factories import ProjectFactory, SectorFactory, SigningEventFactory

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def ledger():
    steel = SectorFactory(name="钢铁", slug="steel")
    silicon = SectorFactory(name="硅钢", slug="silicon-steel", parent=steel)
    hydrogen = SectorFactory(name="氢能", slug="hydrogen")
    conference = SigningEventFactory(name="2026年大会", held_on=D(2026, 2, 10))
    earlier = SigningEventFactory(name="2025年大会", held_on=D(2025, 3, 1))
    rows = [
        # name, sector, stage, signed, registered, started, production, total, in place, event
        ("A", steel, Stage.STARTED, D(2026, 2, 10), None, D(2026, 5, 1), None, "10000", "4000", conference),
        ("B", silicon, Stage.SIGNED, D(2026, 2, 10), None, None, None, "5000", None, conference),
        ("C", hydrogen, Stage.REGISTERED, D(2026, 2, 10), D(2026, 4, 1), None, None, None, None, conference),
        ("D", steel, Stage.ON_HOLD, D(2026, 3, 1), None, None, None, "2000", "2000", None),
        ("E", hydrogen, Stage.IN_PRODUCTION, D(2025, 3, 1), D(2025, 4, 1), D(2025, 6, 1), D(2026, 1, 10), "8000",
         "8000", earlier),
        ("F", steel, Stage.STARTED, D(2025, 3, 1), D(2025, 3, 20), D(2026, 2, 1), None, "3000", "100", earlier),
        ("G", silicon, Stage.TERMINATED, D(2026, 6, 1), None, None, None, "700", None, None),
        ("H", steel, Stage.NEGOTIATING, None, None, None, None, "900", None, None),
    ]
    for name, sector, stage, signed, registered, started, production, total, in_place, event in rows:
        ProjectFactory(
            name=name, sector=sector, stage=stage, signed_on=signed, registered_on=registered, started_on=started,
            production_on=production, total_investment=Decimal(total) if total else None,
            funds_in_place=Decimal(in_place) if in_place else None, signing_event=event,
            is_published=name != "B",  # an unpublished project: the dashboard counts it, the public does not.
        )
    # B has said nothing for 100 days, no progress and no milestone (not even the one its save logged):
    # red alert, so not "on track".
    silent = timezone.now() - datetime.timedelta(days=100)
    Project.objects.filter(name="B").update(created_at=silent, updated_at=silent)
    ProjectMilestone.objects.filter(project__name="B").update(created_at=silent)
    return {"steel": steel, "silicon": silicon, "hydrogen": hydrogen, "conference": conference, "earlier": earlier}


def raw_rows():
    return list(Project.objects.values(
        "name", "sector__slug", "stage", "signed_on", "started_on", "production_on", "total_investment",
        "funds_in_place", "updated_at"))


def hand_count(year: int, sectors: set[str] | None):
    """The yardsticks recomputed from raw rows with plain Python."""
    rows = [r for r in raw_rows() if sectors is None or r["sector__slug"] in sectors]
    signed = [r for r in rows if r["signed_on"] and r["signed_on"].year == year]
    started = [r for r in signed if r["started_on"] or r["production_on"] or r["stage"] in ("started", "in_production")]
    red_before = timezone.now() - datetime.timedelta(days=90)
    on_track = [r for r in signed if r["stage"] not in ("on_hold", "terminated")
                and not (r["stage"] in ("negotiating", "signed", "registered", "started") and r["updated_at"] < red_before)]
    funded = [r for r in signed if r["total_investment"] is not None]
    total = sum(r["total_investment"] for r in funded)
    in_place = sum(r["funds_in_place"] or 0 for r in funded)
    return {
        "signed": len(signed),
        # None when no signed project has a published amount (未公布), never 0.
        "amount": sum(amounts) if (amounts := [r["total_investment"] for r in signed if r["total_investment"] is not None]) else None,
        "started": len(started),
        "on_track": len(on_track),
        "funds_rate": (Decimal(in_place) * 100 / total).quantize(Decimal("0.1")) if total else None,
        "in_production": len([r for r in rows if r["production_on"] and r["production_on"].year == year]),
        "same_year": sorted(r["name"] for r in signed if r["started_on"] and r["started_on"].year == year),
    }


@pytest.mark.parametrize(("year", "sector"), [(2026, None), (2025, None), (2026, "steel"), (2026, "hydrogen")])
def test_every_figure_matches_a_hand_count_from_raw_rows(ledger, year, sector):
    sector_obj = ledger[sector] if sector else None
    sector_ids = Sector.objects.descendant_ids([sector_obj.pk]) if sector_obj else None
    slugs = {"steel": {"steel", "silicon-steel"}, "hydrogen": {"hydrogen"}}.get(sector)
    sticks = yardsticks.yardsticks(year=year, queryset=Project.objects.all(), sector_ids=sector_ids)
    hand = hand_count(year, slugs)
    assert sticks.signed == hand["signed"]
    assert sticks.signed_investment_wan == hand["amount"]
    assert sticks.started == hand["started"]
    assert sticks.start_rate_percent == yardsticks.percentage(hand["started"], hand["signed"])
    assert sticks.on_track == hand["on_track"]
    assert sticks.performance_rate_percent == yardsticks.percentage(hand["on_track"], hand["signed"])
    assert sticks.funds_rate_percent == hand["funds_rate"]
    assert sticks.in_production == hand["in_production"]
    assert sticks.same_year == len(hand["same_year"])


def test_the_2026_figures_spelled_out(ledger):
    sticks = yardsticks.yardsticks(year=2026, queryset=Project.objects.all())
    # Signed in 2026: A, B, C, D, G.  Amount 10000 + 5000 + 0 + 2000 + 700.
    assert (sticks.signed, sticks.signed_investment_wan) == (5, Decimal("17700"))
    # Started: A only -> 20%. On track: A and C (B is red, D on hold, G terminated) -> 40%.
    assert (sticks.started, sticks.start_rate_percent) == (1, Decimal("20.0"))
    assert (sticks.on_track, sticks.performance_rate_percent) == (2, Decimal("40.0"))
    # Funds: (4000 + 0 + 2000 + 0) / (10000 + 5000 + 2000 + 700) = 33.9%.
    assert sticks.funds_rate_percent == Decimal("33.9")
    # In production in 2026: E (signed 2025). Same year: A.
    assert (sticks.in_production, sticks.same_year) == (1, 1)


def test_admin_index_shows_the_figures_and_each_link_lists_exactly_the_records_behind_it(admin_client, ledger):
    response = admin_client.get("/admin/", {"year": 2026})
    assert response.status_code == 200
    page = response.content.decode()
    assert "招商指标" in page and "履约率" in page and "40.0%" in page and "1.77 亿元" in page
    for kind, expected in [("signed", {"A", "B", "C", "D", "G"}), ("started", {"A"}), ("on_track", {"A", "C"}),
                           ("funded", {"A", "B", "D", "G"}), ("in_production", {"E"}), ("same_year", {"A"})]:
        url = changelist_url(yardstick_value(kind, year=2026, sector=None))
        assert url.replace("&", "&amp;") in page
        listed = admin_client.get(url)
        assert listed.status_code == 200, kind
        assert {p.name for p in listed.context["cl"].result_list} == expected, kind

    steel_signed = admin_client.get(changelist_url(yardstick_value("signed", year=2026, sector=ledger["steel"])))
    assert {p.name for p in steel_signed.context["cl"].result_list} == {"A", "B", "D", "G"}


def test_sector_choice_includes_sectors_below_it(admin_client, ledger):
    page = admin_client.get("/admin/", {"year": 2026, "sector": "steel"}).content.decode()
    assert yardstick_value("signed", year=2026, sector=ledger["steel"]) in page
    bad = admin_client.get("/admin/", {"year": "abc", "sector": "nope"})
    assert bad.status_code == 200


def test_conference_funnel_counts_and_median_days(admin_client, ledger):
    funnel = {row.event.name: row for row in conference_funnel(Project.objects.all())}
    conference = funnel["2026年大会"]
    # A, B, C signed there; C registered (and A, which is past that stage); A started; none in production.
    assert [count for count, _url in conference.cells] == [3, 2, 1, 0, 0]
    assert conference.median_days[Stage.REGISTERED] == (D(2026, 4, 1) - D(2026, 2, 10)).days
    assert conference.median_days[Stage.STARTED] is None  # A has no registration date.
    earlier = funnel["2025年大会"]
    # The project in production reached 竣工 too, though its completion date was not recorded.
    assert [count for count, _url in earlier.cells] == [2, 2, 2, 1, 1]
    assert earlier.median_days[Stage.REGISTERED] == statistics.median([31, 19])
    assert earlier.median_days[Stage.STARTED] == statistics.median([61, 318])
    # Each step needs both its dates: without a completion date, neither 开工→竣工 nor 竣工→投产 has one.
    assert earlier.median_days[Stage.COMPLETED] is None and earlier.median_days[Stage.IN_PRODUCTION] is None

    started_there = admin_client.get(changelist_url(event_value(Stage.STARTED, ledger["conference"])))
    assert {p.name for p in started_there.context["cl"].result_list} == {"A"}


def test_public_headline_counts_published_records_only(ledger):
    public = yardsticks.yardsticks(year=2026)
    assert public.signed == 4  # B is not published.


def test_admin_index_query_count_is_fixed(admin_client, ledger, django_assert_max_num_queries):
    with django_assert_max_num_queries(20) as few:
        admin_client.get("/admin/", {"year": 2026})
    conference = ledger["conference"]
    for n in range(60):
        ProjectFactory(name=f"批量{n}", signing_event=conference if n % 2 else SigningEventFactory(),
                       started_on=D(2026, 3, 1), stage=Stage.STARTED)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = admin_client.get("/admin/", {"year": 2026})
    assert len(response.context["dashboard_same_year"]) == 50 and response.context["dashboard_same_year_more"]


def test_seed_figures_match_the_report():
    from projects.seed import seed_load

    seed_load()
    y2025 = yardsticks.yardsticks(year=2025, queryset=Project.objects.all())
    hand = hand_count(2025, None)
    assert y2025.signed == hand["signed"] == 10
    assert y2025.same_year == 1  # 疏能新材, the one of the report's 73 that the ledger records.
    assert y2025.funds_rate_percent is None  # the report gives no single project's amount.
    y2026 = yardsticks.yardsticks(year=2026, queryset=Project.objects.all())
    assert y2026.signed == 2 and y2026.in_production == 1  # 海亮、康恩贝 signed; 中韩石化 in production.
