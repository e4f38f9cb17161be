"""The plan and its facts are staff-only: planned dates, the funds ledger (and so the funds in place),
the fixed-asset investment, the yearly output/tax and a carrier's thresholds never reach a public page,
the anonymous API or its exports; a staff token sees them."""

import datetime
import io
import zipfile
from decimal import Decimal

import pytest
from rest_framework.authtoken.models import Token

from projects.models import Project
from projects.services import project_save
from tests.factories import FundsEntryFactory, ProjectYearFiguresFactory, StaffUserFactory
from tests.site_world import build_world
from tests.test_leaks import public_urls

pytestmark = pytest.mark.django_db

MARKER = "PLANLEAKMARK"
# Amounts and a date no other record carries, in every form a page could print them.
FUNDS, ASSETS, OUTPUT, THRESHOLD = Decimal("4321.87"), Decimal("7654.31"), Decimal("3456.19"), Decimal("8765.29")
PLANNED = datetime.date(2031, 7, 19)
SECRETS = ("4321.87", "4,321.87", "7654.31", "7,654.31", "3456.19", "8765.29", "2031-07-19", "2031年7月19日", MARKER)


def build_plan_secrets(world) -> None:
    for project in (world.started, world.signed):
        project = Project.objects.get(pk=project.pk)
        project.planned_production_on = PLANNED
        project.fixed_asset_investment = ASSETS
        project.land_area_mu = Decimal("10")
        project_save(project=project, user=None)
        FundsEntryFactory(project=project, received_on=datetime.date(2026, 3, 3), amount=FUNDS,
                          source=f"{MARKER}来源", note=f"{MARKER}说明")
        ProjectYearFiguresFactory(project=project, year=2026, output_value=OUTPUT, tax=Decimal("11.11"),
                                  note=f"{MARKER}年度说明")
    zone = world.zone
    zone.min_investment_intensity = THRESHOLD
    zone.save()


def assert_clean(body: str, where: str) -> None:
    for text in SECRETS:
        assert text not in body, f"{text} leaked on {where}"


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_plan_and_its_facts_reach_no_public_page(client, language):
    world = build_world()
    build_plan_secrets(world)
    client.cookies["django_language"] = language
    for url in public_urls(world):
        if url == "/ambassadors/test-ambassador-b/":
            continue  # made by tests/test_leaks.py's own secrets, not by this world
        response = client.get(url, follow=True)
        assert response.status_code in (200, 400), url
        assert_clean(response.content.decode(), url)


def test_the_anonymous_api_and_its_exports_show_none_of_it_and_staff_do(client):
    world = build_world()
    build_plan_secrets(world)
    urls = ["/api/v1/projects/", f"/api/v1/projects/{world.started.slug}/", "/api/v1/projects/?format=csv",
            "/api/v1/zones/", f"/api/v1/zones/{world.zone.slug}/", "/api/v1/schema/", "/api/v1/oc4ids/"]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert_clean(body.decode("utf-8-sig"), url)
    xlsx = client.get("/api/v1/projects/?format=xlsx")
    content = b"".join(xlsx.streaming_content) if xlsx.streaming else xlsx.content
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for name in archive.namelist():
            assert_clean(archive.read(name).decode("utf-8", "replace"), f"xlsx {name}")
    staff = StaffUserFactory(is_superuser=True)
    token = Token.objects.create(user=staff)
    data = client.get(f"/api/v1/projects/{world.started.slug}/", HTTP_AUTHORIZATION=f"Token {token.key}").json()
    assert data["funds_in_place"] == "4321.87" and data["planned_production_on"] == "2031-07-19"
    assert data["fixed_asset_investment"] == "7654.31"
