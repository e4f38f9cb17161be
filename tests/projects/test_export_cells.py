"""The CSV export's stored cells (``projects.export_cells``) stay equal to a fresh computation.

Every maintained path — a project saved or imported, a milestone added, an investor or institute
renamed, published or unpublished, the rebuild command — is followed by the same check: each
project's stored row is exactly what ``stored_cell_values`` computes now, and the export read from
the stored cells is the export computed live, for the anonymous reader and for staff.
"""

import datetime
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import RequestFactory
from rest_framework.request import Request

from jobs.models import Job, JobStatus
from ledger.api.export_sql import export_cells
from ledger.workflow import publish, unpublish
from ledger.writes import record_save
from projects.api.serializers import PrivateProjectSerializer, ProjectSerializer
from projects.export_cells import export_cells_rebuild, stored_values
from projects.jobs import REFRESH_EXPORT_LINES_KIND
from projects.models import Enterprise, Project, ProjectExportCells, RenewalZone
from projects.services import enterprise_save, milestone_record, project_save, projects_import
from projects.stages import Stage
from tests.accounts.test_separation_of_duties import User, user_form
from tests.admin_utils import admin_url
from tests.factories import (
    EnterpriseFactory,
    ProjectFactory,
    ProjectMilestoneFactory,
    RenewalZoneFactory,
    ResearchInstituteFactory,
    StaffUserFactory,
)
from tests.jobs.test_export_job import run_worker

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the stored cells serve the PostgreSQL COPY export"),
]

COLUMNS = ["investor_slugs", "investor_slugs_all", "institute_slugs", "institute_slugs_all", "milestones",
           "public_line", "staff_line", "line_zone"]


def _fresh() -> dict[int, tuple]:
    values = stored_values()
    rows = Project.objects.order_by().annotate(**{f"fresh_{c}": values[c] for c in COLUMNS})
    return {row[0]: tuple(row[1:]) for row in rows.values_list("pk", *(f"fresh_{c}" for c in COLUMNS))}


def _stored() -> dict[int, tuple]:
    return {row[0]: tuple(row[1:]) for row in ProjectExportCells.objects.values_list("project_id", *COLUMNS)}


def _export(private: bool, *, stored: bool) -> list[tuple]:
    request = Request(RequestFactory().get("/api/v1/projects/"))
    serializer_class = PrivateProjectSerializer if private else ProjectSerializer
    _columns, cells = export_cells(
        Project.objects.order_by("pk"), serializer_class(context={"request": request, "private": private}), stored=stored
    )
    return list(cells)


def assert_fresh() -> dict[int, tuple]:
    stored = _stored()
    assert stored == _fresh()
    for private in (False, True):
        assert _export(private, stored=True) == _export(private, stored=False)
    return stored


def _cell(project: Project, column: str) -> str | None:
    return ProjectExportCells.objects.values_list(column, flat=True).get(project=project)


def test_a_project_save_stores_its_cells_and_an_edit_refreshes_them():
    first, second = EnterpriseFactory(slug="b-second", name="B 企业"), EnterpriseFactory(slug="a-first", name="A 企业")
    institute = ResearchInstituteFactory(slug="lab-1")
    project = ProjectFactory(investors=[first])
    assert _cell(project, "investor_slugs") == "b-second"
    project.summary = "改了摘要"
    project_save(project=project, investors=[first, second], institutes=[institute])
    stored = assert_fresh()
    # In the investors' order (by name).
    assert stored[project.pk][0] == "a-first; b-second"
    assert stored[project.pk][2] == "lab-1"


def test_an_investor_rename_and_new_slug_reach_every_project_that_lists_it():
    investor, other = EnterpriseFactory(slug="old-slug", name="阿企业"), EnterpriseFactory(slug="zz-other", name="中企业")
    projects = ProjectFactory.create_batch(3, investors=[investor, other])
    untouched = ProjectFactory()
    before = _stored()[untouched.pk]
    investor.name, investor.slug = "最后的企业", "new-slug"  # now sorts after 中企业
    enterprise_save(enterprise=investor)
    stored = assert_fresh()
    assert {stored[p.pk][0] for p in projects} == {"zz-other; new-slug"}
    assert stored[untouched.pk] == before


def test_an_institute_rename_reaches_its_projects():
    institute = ResearchInstituteFactory(slug="lab-old")
    project = ProjectFactory(institutes=[institute])
    institute.slug = "lab-new"
    record_save(record=institute)  # the door, as the admin saves an institute
    assert assert_fresh()[project.pk][2] == "lab-new"


def test_a_milestone_added_is_in_the_stored_cell():
    project = ProjectFactory()
    milestone_record(project=project, stage=Stage.REGISTERED, note="节点 MILESTONE-MARKER")
    ProjectMilestoneFactory(project=project, stage=Stage.STARTED, date=datetime.date(2027, 1, 2), note="工厂")
    stored = assert_fresh()
    assert "MILESTONE-MARKER" in stored[project.pk][4]
    assert '"date":"2027-01-02"' in stored[project.pk][4]


def test_an_import_stores_the_cells_of_every_row():
    investor = EnterpriseFactory(slug="importer-co")
    existing = ProjectFactory(investors=[EnterpriseFactory(slug="replaced-co")])
    existing.summary = "导入时修改"
    rows = [
        (Project(name="导入一", stage=Stage.SIGNED, signed_on=datetime.date(2026, 2, 1), sector=existing.sector), [investor]),
        (existing, [investor]),
    ]
    saved = projects_import(rows=rows)
    stored = assert_fresh()
    assert [stored[p.pk][0] for p in saved] == ["importer-co", "importer-co"]


def test_an_unpublished_investor_never_reaches_the_public_cell():
    secret = EnterpriseFactory(slug="secret-marker", name="保密企业", is_published=False)
    shown = EnterpriseFactory(slug="shown", name="公开企业")
    project = ProjectFactory(investors=[secret, shown])
    stored = assert_fresh()
    assert "secret-marker" not in stored[project.pk][0]
    assert "secret-marker" in stored[project.pk][1]  # the staff cell lists it, as the staff export does

    publish(record=Enterprise.objects.get(pk=secret.pk), user=None)
    assert "secret-marker" in assert_fresh()[project.pk][0]
    unpublish(record=Enterprise.objects.get(pk=secret.pk), user=None)
    stored = assert_fresh()
    assert stored[project.pk][0] == "shown"


def test_the_rebuild_command_repairs_cells_written_around_the_door():
    project = ProjectFactory(investors=[EnterpriseFactory(slug="kept")])
    bare = ProjectFactory()
    ProjectExportCells.objects.filter(project=project).update(investor_slugs="STALE-MARKER")
    ProjectExportCells.objects.filter(project=bare).delete()
    out = io.StringIO()
    call_command("rebuild_export_cells", stdout=out)
    assert "2 " in out.getvalue()
    assert assert_fresh()[project.pk][0] == "kept"


def test_a_project_without_stored_cells_is_exported_live():
    project = ProjectFactory(investors=[EnterpriseFactory(slug="live-co")])
    ProjectExportCells.objects.filter(project=project).delete()
    assert _export(False, stored=True) == _export(False, stored=False)


# -- the stored CSV lines -------------------------------------------------------------------------

def _csv(client, url: str = "/api/v1/projects/?format=csv") -> str:
    response = client.get(url)
    assert response.status_code == 200
    return b"".join(response.streaming_content).decode("utf-8-sig")


def test_the_csv_export_copies_the_stored_lines(client):
    """The fast path is really taken: a line changed in the side table is what the file says."""
    project = ProjectFactory(slug="copied", name="原名")
    ProjectExportCells.objects.filter(project=project).update(
        public_line=ProjectExportCells.objects.get(project=project).public_line.replace("原名", "STORED-LINE-MARKER"))
    body = _csv(client)
    assert "STORED-LINE-MARKER" in body and "原名" not in body
    assert "http://testserver/api/v1/projects/copied/" in body  # the request's own scheme and host


def test_a_forgotten_line_or_another_time_zone_is_computed_live(client, settings):
    project = ProjectFactory(slug="live-line", name="实名")
    cells = ProjectExportCells.objects.filter(project=project)
    cells.update(public_line="STALE-MARKER", line_zone="Europe/Paris")  # computed in another zone
    assert "STALE-MARKER" not in _csv(client) and "实名" in _csv(client)
    cells.update(public_line=None, line_zone=settings.TIME_ZONE)
    assert "实名" in _csv(client)


def test_publishing_a_project_refreshes_its_lines(client):
    project = ProjectFactory(slug="to-publish", name="待发布 PUBLISH-MARKER", is_published=False)
    assert "PUBLISH-MARKER" not in _csv(client)
    publish(record=Project.objects.get(pk=project.pk), user=None)
    stored = assert_fresh()
    assert "PUBLISH-MARKER" in stored[project.pk][5] and "PUBLISH-MARKER" in _csv(client)
    unpublish(record=Project.objects.get(pk=project.pk), user=None)
    assert_fresh()
    assert "PUBLISH-MARKER" not in _csv(client)


@pytest.mark.django_db(transaction=True)
def test_a_zone_unpublished_forgets_its_projects_lines_until_the_job_computes_them(client):
    zone = RenewalZoneFactory(slug="zone-marker")
    projects = ProjectFactory.create_batch(2, zone=zone)
    other = ProjectFactory()
    assert "zone-marker" in _csv(client)
    unpublish(record=RenewalZone.objects.get(pk=zone.pk), user=None)
    lines = dict(ProjectExportCells.objects.values_list("project_id", "public_line"))
    assert [p.pk in lines for p in projects] == [False, False] and lines[other.pk] is not None  # forgotten
    assert Job.objects.filter(kind=REFRESH_EXPORT_LINES_KIND).count() == 1
    assert "zone-marker" not in _csv(client)  # computed live meanwhile: the zone is no longer public
    run_worker()  # the real db_worker
    assert Job.objects.get(kind=REFRESH_EXPORT_LINES_KIND).status == JobStatus.SUCCEEDED
    stored = assert_fresh()
    assert all(stored[p.pk][5] is not None for p in projects)  # computed again by the job
    assert "zone-marker" not in _csv(client)


def test_a_zone_renamed_is_forgotten_by_the_database_and_queued_for_the_job():
    zone = RenewalZoneFactory(slug="steady-zone")
    project = ProjectFactory(zone=zone)
    other = ProjectFactory()
    zone.name = "新名称"
    record_save(record=zone)
    assert Job.objects.filter(kind=REFRESH_EXPORT_LINES_KIND).count() == 1
    assert set(ProjectExportCells.objects.values_list("project_id", flat=True)) == {other.pk}
    assert project.pk not in dict(ProjectExportCells.objects.values_list("project_id", "public_line"))


@pytest.mark.django_db(transaction=True)
def test_the_rebuild_on_several_connections_writes_every_line():
    projects = ProjectFactory.create_batch(5)
    ProjectExportCells.objects.all().delete()
    assert export_cells_rebuild(workers=2) == 5
    stored = assert_fresh()
    assert all(stored[p.pk][5] and stored[p.pk][6] for p in projects)


def test_an_officer_renamed_in_the_user_admin_forgets_the_staff_lines_naming_them(admin_client):
    officer = StaffUserFactory(username="old-name")
    project = ProjectFactory(officer=officer)
    assert "old-name" in ProjectExportCells.objects.get(project=project).staff_line
    response = admin_client.get(admin_url(User, "change", officer.pk))
    data = user_form(response)
    data["username"] = "new-name"
    response = admin_client.post(admin_url(User, "change", officer.pk), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert not ProjectExportCells.objects.filter(project=project).exists()  # forgotten by the database
    assert Job.objects.filter(kind=REFRESH_EXPORT_LINES_KIND).count() == 1


def test_the_lines_alone_are_rebuilt_from_the_stored_cells():
    """``rebuild_export_cells --lines-only`` (after generate_demo, which stores the cells itself)."""
    projects = ProjectFactory.create_batch(3, investors=[EnterpriseFactory(slug="line-investor")])
    bare = ProjectFactory()
    ProjectExportCells.objects.filter(project=bare).delete()  # no cells: left alone, exported live
    ProjectExportCells.objects.update(public_line=None, staff_line=None)
    out = io.StringIO()
    call_command("rebuild_export_cells", "--lines-only", stdout=out)
    assert out.getvalue().startswith("3 ")
    stored = _stored()
    fresh = _fresh()
    assert all(stored[p.pk] == fresh[p.pk] for p in projects)
    assert "line-investor" in stored[projects[0].pk][5]
    assert bare.pk not in stored
