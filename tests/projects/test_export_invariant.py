"""No write of any kind makes the project export differ from a fresh computation.

The export reads stored CSV lines and cells (``projects.export_cells``); database triggers forget a
project's stored row on any write to what it shows. After each way of writing the tables — the door,
``QuerySet.update()``, raw SQL, a data-migration-style bulk write through the historical models, a
delete of a project and of a milestone — the anonymous CSV is byte for byte the file the serializer
path computes from the tables (which reads nothing stored), and the XLSX holds the same cells.
``manage.py check_export`` finds no difference either.
"""

import datetime
import io
import re

import openpyxl
import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from ledger.writes import record_delete
from projects.api.viewsets import ProjectViewSet
from projects.export_cells import _fresh_select, export_cells_differences, export_cells_rebuild, stored_values
from projects.models import Project, ProjectExportCells, ProjectMilestone
from projects.services import project_save
from projects.stages import Stage
from tests.factories import EnterpriseFactory, ProjectFactory, ProjectMilestoneFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="only PostgreSQL stores export data"),
]

API = "/api/v1/projects/"


def _download(client, fmt: str) -> bytes:
    response = client.get(f"{API}?format={fmt}")
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def _sheet(content: bytes) -> list[tuple]:
    return list(openpyxl.load_workbook(io.BytesIO(content), read_only=True).active.iter_rows(values_only=True))


def assert_export_is_fresh(client, monkeypatch) -> bytes:
    """The export as served equals the serializer path's (nothing stored read), CSV byte for byte."""
    served_csv, served_xlsx = _download(client, "csv"), _download(client, "xlsx")
    with monkeypatch.context() as patch:
        patch.setattr(ProjectViewSet, "sql_exports", False)
        fresh_csv, fresh_xlsx = _download(client, "csv"), _download(client, "xlsx")
    assert served_csv == fresh_csv
    assert _sheet(served_xlsx) == _sheet(fresh_xlsx)
    assert export_cells_differences(projects=Project.objects.all()) == []
    return served_csv


@pytest.fixture
def world():
    investor = EnterpriseFactory(slug="investor-marker", name="投资方")
    projects = [ProjectFactory(name=f"项目{n}", investors=[investor]) for n in range(3)]
    for project in projects:
        ProjectMilestoneFactory(project=project, stage=Stage.SIGNED, note="节点说明 MILESTONE-MARKER")
    export_cells_rebuild()
    assert ProjectExportCells.objects.filter(public_line__isnull=False).count() == 3  # the export reads them
    return projects


def _stored_lines() -> int:
    return ProjectExportCells.objects.filter(public_line__isnull=False).count()


def test_a_write_at_the_door_is_in_the_export_at_once(client, monkeypatch, world):
    project = Project.objects.get(pk=world[0].pk)
    project.name = "门内改名 DOOR-MARKER"
    project_save(project=project)
    assert _stored_lines() == 3  # the door computed its line again in the same transaction
    assert b"DOOR-MARKER" in assert_export_is_fresh(client, monkeypatch)


def test_queryset_update_is_in_the_export_at_once(client, monkeypatch, world):
    Project.objects.filter(pk=world[0].pk).update(name="批量改名 UPDATE-MARKER")
    assert _stored_lines() == 2  # forgotten by the database
    assert b"UPDATE-MARKER" in assert_export_is_fresh(client, monkeypatch)


def test_raw_sql_updates_are_in_the_export_at_once(client, monkeypatch, world):
    with connection.cursor() as cursor:
        cursor.execute("UPDATE projects_project SET name = 'SQL 改名 RAW-MARKER' WHERE id = %s", [world[1].pk])
        cursor.execute("UPDATE projects_enterprise SET is_published = false WHERE slug = 'investor-marker'")
    content = assert_export_is_fresh(client, monkeypatch)
    assert b"RAW-MARKER" in content and b"investor-marker" not in content  # unpublished: never served
    assert _stored_lines() == 0


def test_a_data_migration_bulk_write_is_in_the_export_at_once(client, monkeypatch, world):
    state = MigrationExecutor(connection).loader.project_state()
    HistoricalProject = state.apps.get_model("projects", "Project")
    HistoricalMilestone = state.apps.get_model("projects", "ProjectMilestone")
    HistoricalEnterprise = state.apps.get_model("projects", "Enterprise")
    rows = list(HistoricalProject.objects.filter(pk__in=[p.pk for p in world]))
    for row in rows:
        row.summary = "迁移写入 MIGRATION-MARKER"
    HistoricalProject.objects.bulk_update(rows, ["summary"])
    HistoricalMilestone.objects.bulk_create([HistoricalMilestone(
        project_id=world[2].pk, stage=Stage.REGISTERED, date=datetime.date(2026, 3, 1), note="迁移节点 NEW-MILESTONE")])
    HistoricalEnterprise.objects.filter(slug="investor-marker").update(slug="investor-renamed")
    content = assert_export_is_fresh(client, monkeypatch)
    assert content.count(b"MIGRATION-MARKER") == 3 and b"NEW-MILESTONE" in content
    assert b"investor-renamed" in content and b"investor-marker" not in content


def test_deleting_a_project_or_a_milestone_is_in_the_export_at_once(client, monkeypatch, world):
    record_delete(record=Project.objects.get(pk=world[0].pk))
    assert_export_is_fresh(client, monkeypatch)
    ProjectMilestone.objects.filter(project=world[1]).delete()
    content = assert_export_is_fresh(client, monkeypatch)
    assert content.count(b"MILESTONE-MARKER") == 1
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM projects_projectmilestone WHERE project_id = %s", [world[2].pk])
    assert b"MILESTONE-MARKER" not in assert_export_is_fresh(client, monkeypatch)


def test_check_export_reports_stored_data_written_past_the_triggers_and_repairs_it(world):
    with connection.cursor() as cursor:  # what no write of the tables can do: the stored line itself edited
        cursor.execute("UPDATE projects_projectexportcells SET public_line = 'stale' WHERE project_id = %s",
                       [world[0].pk])
    out = io.StringIO()
    with pytest.raises(Exception, match="1 projects' stored export data differ"):
        call_command("check_export", stdout=out)
    assert f"project {world[0].pk} ({world[0].slug}): public_line" in out.getvalue()
    call_command("check_export", "--repair", stdout=io.StringIO())
    out = io.StringIO()
    call_command("check_export", stdout=out)
    assert "0 differ" in out.getvalue()


def test_every_table_the_export_reads_has_the_triggers_that_forget():
    """A column added to the export from a new table would be served stale without its trigger."""
    _columns, sql, _params = _fresh_select(Project.objects.all(), stored_values())
    read = set(re.findall(r'(?:FROM|JOIN) "([a-z_0-9]+)"', sql)) - {ProjectExportCells._meta.db_table}
    with connection.cursor() as cursor:
        cursor.execute("SELECT DISTINCT tgrelid::regclass::text FROM pg_trigger WHERE tgname LIKE %s",
                       ["%_export_forget_truncate"])
        guarded = {table for (table,) in cursor.fetchall()}
    assert "projects_projectmilestone" in read and "projects_enterprise" in read
    assert read <= guarded, read - guarded
