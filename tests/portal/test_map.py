"""招商地图 (issue #18): staff put zones, carriers, institutes and projects on the map in the admin;
the public map shows the published ones by kind with a list and links; the seed invents no point."""

import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.test import override_settings
from django.urls import reverse

from projects.models import Project, RenewalZone, ResearchInstitute, ZoneKind
from projects.services import record_save
from qingshan.settings.base import _tile_origin
from tests.admin_utils import admin_url, form_data
from tests.factories import ProjectFactory, RenewalZoneFactory, ResearchInstituteFactory

pytestmark = pytest.mark.django_db

MAP = reverse("projects:map")
DATA = reverse("projects:map_data")
MARKER = "ZQXMAPMARKER"


def place(record, lat, lng, outline=None):
    record.latitude, record.longitude, record.outline = Decimal(lat), Decimal(lng), outline
    record_save(record=record)
    return record


def test_the_seed_puts_nothing_on_the_map(client):
    call_command("load_seed", verbosity=0)
    for model in (RenewalZone, ResearchInstitute, Project):
        assert not model.objects.filter(latitude__isnull=False).exists()
        assert not model.objects.filter(outline__isnull=False).exists()
    page = client.get(MAP).content.decode()
    assert "地图上还没有地点" in page and "leaflet.js" not in page
    assert json.loads(client.get(DATA).content) == {"places": []}


def test_published_places_appear_by_kind_with_links(client, django_assert_num_queries):
    zone = place(RenewalZoneFactory(name="测试楠姆片", kind=ZoneKind.RENEWAL_UNIT), "30.640000", "114.390000",
                 outline=[[30.63, 114.38], [30.65, 114.38], [30.65, 114.40]])
    carrier = place(RenewalZoneFactory(name="测试化工园区", kind=ZoneKind.CARRIER), "30.660000", "114.450000")
    institute = place(ResearchInstituteFactory(name="测试光化学研究院"), "30.620000", "114.400000")
    project = place(ProjectFactory(name="测试地图项目"), "30.610000", "114.410000")
    place(RenewalZoneFactory(name=f"{MARKER}片区", is_published=False), "30.6", "114.3")
    ProjectFactory(name="测试无坐标项目")  # not on the map: nothing is guessed for it
    with django_assert_num_queries(3):  # zones and carriers, institutes, projects
        data = json.loads(client.get(DATA).content)["places"]
    assert [(p["kind"], p["name"]) for p in data] == [
        ("zone", "测试楠姆片"), ("carrier", "测试化工园区"), ("institute", "测试光化学研究院"), ("project", "测试地图项目")]
    assert data[0]["outline"] == [[30.63, 114.38], [30.65, 114.38], [30.65, 114.40]]
    assert (data[2]["lat"], data[2]["lng"], data[2]["url"]) == (30.62, 114.4, institute.get_absolute_url())
    page = client.get(MAP).content.decode()
    for record in (zone, carrier, institute, project):
        assert f'<a href="{record.get_absolute_url()}">{record.name}</a>' in page
    assert "测试无坐标项目" not in page and MARKER not in page and MARKER not in json.dumps(data)
    assert 'src="/static/vendor/leaflet/leaflet.js"' in page and f'data-source="{DATA}"' in page


def test_the_map_filters_like_the_lists(client):
    place(RenewalZoneFactory(name="测试北湖片区", kind=ZoneKind.KEY_AREA), "30.64", "114.39")
    place(ResearchInstituteFactory(name="测试高分子研究院"), "30.62", "114.40")
    only = json.loads(client.get(DATA, {"kind": "institute"}).content)["places"]
    assert [p["name"] for p in only] == ["测试高分子研究院"]
    assert [p["name"] for p in json.loads(client.get(DATA, {"q": "北湖"}).content)["places"]] == ["测试北湖片区"]
    page = client.get(MAP, {"kind": "institute"}).content.decode()
    assert "测试北湖片区" not in page and "测试高分子研究院" in page
    assert f'data-source="{DATA}?kind=institute"' in page
    assert client.get(MAP, {"kind": "bogus"}).status_code == 400
    assert client.get(DATA, {"kind": "bogus"}).status_code == 400


def test_bad_points_and_outlines_get_chinese_messages_and_the_database_refuses_them():
    zone = RenewalZoneFactory()
    zone.latitude = Decimal("30.6")
    with pytest.raises(ValidationError, match="纬度和经度须同时填写"):
        zone.full_clean()
    zone.longitude, zone.outline = Decimal("114.3"), [[30.6, 114.3], [30.7, 114.3], [30.7]]
    with pytest.raises(ValidationError, match="每个点应为"):
        zone.full_clean()
    zone.latitude, zone.outline = Decimal("91"), None
    with pytest.raises(ValidationError, match="纬度应在 -90 到 90 之间"):
        zone.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        RenewalZone.objects.filter(pk=zone.pk).update(latitude=Decimal("30.6"), longitude=None)


def test_staff_enter_a_point_and_an_outline_in_the_admin(admin_client):
    zone = RenewalZoneFactory(name="测试后台片区")
    url = admin_url(RenewalZone, "change", zone.pk)
    page = admin_client.get(url)
    body = page.content.decode()
    assert 'class="map-editor"' in body and "vendor/leaflet/leaflet.js" in body and "WGS-84" in body
    data = form_data(page)
    data.update(latitude="30.645000", longitude="114.392000", outline="[[30.64, 114.38], [30.65, 114.38], [30.65, 114.4]]")
    assert admin_client.post(url, data).status_code == 302
    zone.refresh_from_db()
    assert (zone.latitude, zone.longitude) == (Decimal("30.645000"), Decimal("114.392000"))
    assert zone.outline == [[30.64, 114.38], [30.65, 114.38], [30.65, 114.4]]
    data = form_data(admin_client.get(url))  # the form of the stored version (the door refuses a stale one)
    data.update(outline="[[1, 2]]")
    response = admin_client.post(url, data)
    assert response.status_code == 200 and "轮廓须有 3 至 500 个点" in response.content.decode()


@pytest.mark.parametrize("model", [ResearchInstitute, Project])
def test_institutes_and_projects_have_the_map_editor_too(admin_client, model):
    record = ResearchInstituteFactory() if model is ResearchInstitute else ProjectFactory()
    body = admin_client.get(admin_url(model, "change", record.pk)).content.decode()
    assert 'class="map-editor"' in body and 'name="latitude"' in body and 'name="outline"' in body


def test_the_tile_host_is_the_only_outside_host_admitted():
    assert _tile_origin("https://t{s}.tianditu.gov.cn/vec_w/wmts?x={x}&y={y}&l={z}&tk=KEY") == "https://*.tianditu.gov.cn"
    assert _tile_origin("https://gis.wuhan.example:8443/tiles/{z}/{x}/{y}.png") == "https://gis.wuhan.example:8443"


@override_settings(MAP_TILE_URL="https://gis.example/{z}/{x}/{y}.png", MAP_TILE_ATTRIBUTION="© 测试底图")
def test_a_configured_base_map_is_handed_to_the_map(client):
    place(RenewalZoneFactory(name="测试底图片区"), "30.64", "114.39")
    page = client.get(MAP).content.decode()
    assert 'data-tiles="https://gis.example/{z}/{x}/{y}.png"' in page and 'data-attribution="© 测试底图"' in page
