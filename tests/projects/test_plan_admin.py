"""The plan and its facts in the admin, through the real request path: the warning of a signing below
its carrier's threshold, the funds ledger's refusals on the form, and the pages' query counts."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from projects.models import FundsEntry, Project, ProjectYearFigures
from projects.stages import Stage
from tests.admin_utils import admin_url, form_data, form_errors
from tests.factories import (
    EnterpriseFactory,
    FundsEntryFactory,
    NegotiatingProjectFactory,
    ProjectFactory,
    ProjectYearFiguresFactory,
    RenewalZoneFactory,
    StaffUserFactory,
)
from tests.ledger.test_write_queries import EXPORT_CELLS
from tests.queries import exact_queries

pytestmark = pytest.mark.django_db


def change_data(client, project, **changes) -> dict:
    data = form_data(client.get(admin_url(Project, "change", project.pk)))
    data.update(changes)
    return data


def add_row(data: dict, prefix: str, **values) -> None:
    """One new inline row after the stored ones, as the admin's “add another” does."""
    index = int(data[f"{prefix}-TOTAL_FORMS"])
    data[f"{prefix}-TOTAL_FORMS"] = str(index + 1)
    data.update({f"{prefix}-{index}-{name}": value for name, value in values.items()})


def test_a_signing_below_the_carriers_threshold_is_saved_with_a_warning_that_is_recorded(admin_client):
    carrier = RenewalZoneFactory(name="测试新材料产业园", min_investment_intensity=Decimal("400"))
    project = NegotiatingProjectFactory(zone=carrier, land_area_mu=Decimal("10"),
                                        fixed_asset_investment=Decimal("3000"), is_published=False)
    investor = EnterpriseFactory()
    data = change_data(admin_client, project, stage=Stage.SIGNED, signed_on="2026-02-10", investors=[str(investor.pk)])
    response = admin_client.post(admin_url(Project, "change", project.pk), data)
    assert response.status_code == 302, form_errors(response)
    warning = "签约低于载体“测试新材料产业园”的门槛：投资强度 300.00 万元/亩，低于 400.00 万元/亩。"
    notices = [str(message) for message in get_messages(response.wsgi_request)]
    assert any(warning in notice and "已记入修改记录" in notice for notice in notices), notices
    project.refresh_from_db()
    assert project.stage == Stage.SIGNED  # not refused
    assert warning in Project.history.filter(id=project.pk).latest("history_date").history_change_reason

    # Saving it again without touching what the check reads warns no more.
    response = admin_client.post(admin_url(Project, "change", project.pk),
                                 change_data(admin_client, project, summary="改了摘要"))
    assert response.status_code == 302
    assert not any("门槛" in str(message) for message in get_messages(response.wsgi_request))


def test_a_signing_at_or_above_the_threshold_or_without_one_warns_nothing(admin_client):
    carrier = RenewalZoneFactory(min_investment_intensity=Decimal("300"))
    ProjectFactory(zone=carrier, land_area_mu=Decimal("10"), fixed_asset_investment=Decimal("3000"))
    ProjectFactory(zone=RenewalZoneFactory(), land_area_mu=Decimal("1"), fixed_asset_investment=Decimal("1"))
    assert not any("门槛" in (row.history_change_reason or "") for row in Project.history.all())


def test_an_entry_past_the_total_investment_is_refused_on_the_project_page_and_nothing_is_written(admin_client):
    project = ProjectFactory(total_investment=Decimal("5000"))
    FundsEntryFactory(project=project, amount=Decimal("4000"))
    data = change_data(admin_client, project, summary="同时改了摘要")
    add_row(data, "funds_entries", received_on="2026-03-05", received_on_precision="day", kind="received",
            amount="1500", source="银行贷款")
    response = admin_client.post(admin_url(Project, "change", project.pk), data)
    assert response.status_code == 200
    errors = form_errors(response)
    assert "超过项目总投资 5000.00 万元" in errors["funds_entries-1-amount"][0]
    assert 'value="1500"' in response.content.decode()  # the input is kept
    assert FundsEntry.objects.filter(project=project).count() == 1
    project.refresh_from_db()
    assert project.funds_in_place == Decimal("4000") and project.summary != "同时改了摘要"


def test_an_entry_recorded_on_the_project_page_counts_at_once_and_names_its_recorder(admin_client, superuser):
    project = ProjectFactory(total_investment=Decimal("5000"))
    data = change_data(admin_client, project)
    add_row(data, "funds_entries", received_on="2026-03-05", received_on_precision="month", kind="received",
            amount="1500")
    add_row(data, "year_figures", year="2025", output_value="900", tax="45")
    response = admin_client.post(admin_url(Project, "change", project.pk), data)
    assert response.status_code == 302, form_errors(response)
    entry = FundsEntry.objects.get(project=project)
    assert (entry.amount, entry.received_on_precision, entry.recorded_by) == (Decimal("1500"), "month", superuser)
    assert Project.objects.get(pk=project.pk).funds_in_place == Decimal("1500")
    assert ProjectYearFigures.objects.get(project=project).tax == Decimal("45")
    page = admin_client.get(admin_url(Project, "change", project.pk)).content.decode()
    assert "合计 1,500 万元（已核实 0 万元，未核实 1,500 万元）" in page


def test_correcting_an_entry_on_its_page_is_checked_too(admin_client):
    project = ProjectFactory(total_investment=Decimal("5000"))
    entry = FundsEntryFactory(project=project, amount=Decimal("1000"))
    url = admin_url(FundsEntry, "change", entry.pk)
    data = form_data(admin_client.get(url))
    data["amount"] = "6000"
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "超过项目总投资" in form_errors(response)["amount"][0]
    data["amount"] = "1200"
    assert admin_client.post(url, data).status_code == 302
    assert Project.objects.get(pk=project.pk).funds_in_place == Decimal("1200")


def test_an_officer_records_entries_but_only_a_reviewer_deletes_one(client, officer, reviewer):
    entry = FundsEntryFactory(project=ProjectFactory(total_investment=Decimal("5000")))
    client.force_login(officer)
    assert client.get(admin_url(FundsEntry, "add")).status_code == 200
    assert client.post(admin_url(FundsEntry, "delete", entry.pk), {"post": "yes"}).status_code == 403
    client.force_login(reviewer)
    assert client.post(admin_url(FundsEntry, "delete", entry.pk), {"post": "yes"}).status_code == 302
    assert not FundsEntry.objects.exists() and FundsEntry.history.filter(history_type="-").count() == 1


def _funds_world(count: int) -> None:
    officer = StaffUserFactory()
    for n in range(count):
        project = ProjectFactory(total_investment=Decimal("10000"), officer=officer, responsible_unit=f"单位{n % 3}",
                                 zone=RenewalZoneFactory(min_investment_intensity=Decimal("100")) if n < 3 else None,
                                 land_area_mu=Decimal("5"), fixed_asset_investment=Decimal("800"),
                                 planned_started_on=datetime.date(2026, 1, 1))
        FundsEntryFactory(project=project, amount=Decimal("100"), received_on=datetime.date(2026, 1, 1 + n % 28))
        ProjectYearFiguresFactory(project=project, year=2026, output_value=Decimal("50"), tax=Decimal("5"))


@pytest.mark.parametrize(("url", "queries"), [
    # session, user, device; the year filter's years, the two counts, the page (verification annotated)
    (lambda: admin_url(FundsEntry, "changelist"), 7),
    (lambda: admin_url(FundsEntry, "changelist") + "?received_year=2026&verified=no", 7),
    (lambda: admin_url(ProjectYearFigures, "changelist"), 7),
    # session, user, device; timings per unit and per officer (+ the officers' names), the year's and the
    # ledger's funds, the plan's counts, 亩均 per carrier (+ the carriers) and in all
    (lambda: reverse("admin:projects_plan_figures") + "?year=2026", 11),
])
@pytest.mark.parametrize("count", [1, 50])
def test_the_lists_and_the_plan_page_cost_the_same_for_1_and_50(admin_client, url, queries, count):
    _funds_world(count)
    admin_client.get(url())  # warm the session and content-type caches
    with exact_queries(queries, f"{url()} with {count}"):
        response = admin_client.get(url())
    assert response.status_code == 200


@pytest.mark.parametrize("count", [1, 50])
def test_the_project_list_filtered_by_plan_or_timing_costs_the_same(admin_client, count):
    _funds_world(count)
    for query, queries in (("?plan=started.behind", 14), ("?plan=any.red", 14),
                           # no project has both dates: no investors to read for the rows
                           ("?timing=signed-registered.unit.单位0", 13), ("?timing=lead-signed", 13)):
        url = admin_url(Project, "changelist") + query
        admin_client.get(url)
        with exact_queries(queries, f"{query} with {count}"):
            assert admin_client.get(url).status_code == 200


@pytest.mark.parametrize("count", [1, 50])
def test_recording_an_entry_costs_a_fixed_number_of_queries(count):
    projects = [ProjectFactory(total_investment=Decimal("10000")) for _ in range(count)]
    FundsEntryFactory.create_batch(count, project=projects[0], amount=Decimal("1"))
    with exact_queries(FUNDS_ENTRY_WRITE, f"an entry beside {count}"):
        FundsEntryFactory(project=projects[-1], amount=Decimal("2"))


# The door's savepoint; the project's row lock and the other entries' sum; the one-opening-balance check
# (in its savepoint); the insert (the triggers keep the project's sum); the history entry; on PostgreSQL
# the refresh of the project's stored CSV lines.
FUNDS_ENTRY_WRITE = 9 + EXPORT_CELLS
