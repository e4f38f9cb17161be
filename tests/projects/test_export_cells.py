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

from ledger.api.export_sql import export_cells, stored_cell_values
from ledger.workflow import publish, unpublish
from ledger.writes import record_save
from projects.api.serializers import PrivateProjectSerializer, ProjectSerializer
from projects.models import Enterprise, Project, ProjectExportCells
from projects.services import enterprise_save, milestone_record, project_save, projects_import
from projects.stages import Stage
from tests.factories import EnterpriseFactory, ProjectFactory, ProjectMilestoneFactory, ResearchInstituteFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the stored cells serve the PostgreSQL COPY export"),
]

COLUMNS = ["investor_slugs", "investor_slugs_all", "institute_slugs", "institute_slugs_all", "milestones"]


def _fresh() -> dict[int, tuple]:
    values = stored_cell_values(Project, ProjectSerializer(context={}), ProjectSerializer.Meta.stored_cells)
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
