"""Deletes run the domain's rules (the door's ``after_delete`` step): whatever the export stores about
a project follows the delete of each kind of record related to it, as it follows a save. After
each delete the stored export is compared with the export computed live (the public export
function, for the anonymous reader and for staff), and the anonymous CSV no longer says what was
deleted."""

import datetime

import pytest
from django.db import connection
from django.test import RequestFactory
from rest_framework.request import Request

from ledger.api.export_sql import export_cells
from ledger.writes import record_delete
from projects.api.serializers import PrivateProjectSerializer, ProjectSerializer
from projects.models import Project
from projects.services import project_save
from projects.stages import Stage
from tests.factories import (
    EnterpriseFactory,
    ProjectFactory,
    ProjectMilestoneFactory,
    RenewalZoneFactory,
    ResearchInstituteFactory,
    SigningEventFactory,
)

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the stored cells serve the PostgreSQL COPY export"),
]

MARKER = "ZQXDELETEDMARKER"


def _export(private: bool, *, stored: bool) -> list[tuple]:
    request = Request(RequestFactory().get("/api/v1/projects/"))
    serializer_class = PrivateProjectSerializer if private else ProjectSerializer
    _columns, cells = export_cells(
        Project.objects.order_by("pk"), serializer_class(context={"request": request, "private": private}), stored=stored
    )
    return list(cells)


def assert_export_fresh(client) -> str:
    """The stored export equals the live one; returns the anonymous CSV."""
    for private in (False, True):
        assert _export(private, stored=True) == _export(private, stored=False)
    response = client.get("/api/v1/projects/?format=csv")
    assert response.status_code == 200
    return b"".join(response.streaming_content).decode("utf-8-sig") if response.streaming else response.content.decode(
        "utf-8-sig")


def test_a_deleted_milestone_leaves_the_stored_export(client):
    project = ProjectFactory()
    milestone = ProjectMilestoneFactory(project=project, stage=Stage.STARTED, date=datetime.date(2027, 1, 2),
                                        note=f"开工 {MARKER}")
    assert MARKER in assert_export_fresh(client)
    record_delete(record=milestone, user=None)
    assert MARKER not in assert_export_fresh(client)


def test_an_investor_link_and_then_the_investor_deleted(client):
    kept = EnterpriseFactory(name="留下的投资方", slug="kept-investor")
    gone = EnterpriseFactory(name="删除的投资方", slug=f"{MARKER.lower()}-investor")
    project = ProjectFactory(investors=[kept, gone])
    assert MARKER.lower() in assert_export_fresh(client)
    project_save(project=Project.objects.get(pk=project.pk), investors=[kept])
    assert MARKER.lower() not in assert_export_fresh(client)
    record_delete(record=gone, user=None)
    assert_export_fresh(client)


def test_an_institute_link_and_then_the_institute_deleted(client):
    institute = ResearchInstituteFactory(slug=f"{MARKER.lower()}-lab")
    project = ProjectFactory(institutes=[institute])
    assert MARKER.lower() in assert_export_fresh(client)
    project_save(project=Project.objects.get(pk=project.pk), institutes=[])
    assert MARKER.lower() not in assert_export_fresh(client)
    record_delete(record=institute, user=None)
    assert_export_fresh(client)


@pytest.mark.parametrize("relation, factory", [("zone", RenewalZoneFactory), ("signing_event", SigningEventFactory)])
def test_a_zone_or_event_left_then_deleted(client, relation, factory):
    old, new = factory(slug=f"{MARKER.lower()}-{relation.replace('_', '-')}"), factory()
    project = ProjectFactory(**{relation: old})
    assert MARKER.lower() in assert_export_fresh(client)
    moved = Project.objects.get(pk=project.pk)
    setattr(moved, relation, new)
    project_save(project=moved)
    record_delete(record=old, user=None)
    assert MARKER.lower() not in assert_export_fresh(client)
