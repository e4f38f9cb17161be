"""The other kinds of job, through the real worker: an import preview and commit, the weekly alerts."""

import io

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection

from jobs.imports import IMPORT_KIND
from jobs.models import Job, JobStatus
from jobs.services import job_start
from projects.jobs import REBUILD_EXPORT_CELLS_KIND
from projects.models import Project, ProjectExportCells
from tests.factories import EnterpriseFactory, ProjectFactory, SectorFactory, SuperUserFactory

from .test_export_job import run_worker

pytestmark = pytest.mark.django_db(transaction=True)
HEADER = "项目编号,项目名称,投资方,产业领域,项目阶段,签约日期,总投资（万元）\n"


def import_job(text: str, *, commit: bool) -> Job:
    return job_start(kind=IMPORT_KIND, title="导入项目", user=SuperUserFactory(username="importer"),
                     params={"resource": "projects", "commit": commit, "filename": "项目.csv"},
                     input_file=ContentFile(("\ufeff" + HEADER + text).encode()), input_name="项目.csv")


def test_an_import_preview_job_names_bad_rows_and_writes_nothing():
    SectorFactory(name="氢能")
    job = import_job("QS-1,一号项目,,氢能,在谈,,100\nQS-2,二号项目,,氢能,已签约,2026-02-10,\n", commit=False)
    run_worker()
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED and not job.result["committed"]
    assert any("第 3 行 [投资方]" in line for line in job.result["errors"])
    assert not Project.objects.exists()


def test_an_import_commit_with_a_bad_row_fails_and_writes_nothing():
    SectorFactory(name="氢能")
    job = import_job("QS-1,一号项目,,氢能,在谈,,100\nQS-2,二号项目,,氢能,已签约,2026-02-10,\n", commit=True)
    run_worker()
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "未写入任何数据" in job.error and "第 3 行" in job.error
    assert not Project.objects.exists()


def test_an_import_commit_job_imports_every_row():
    SectorFactory(name="氢能")
    job = import_job("QS-1,一号项目,,氢能,在谈,,100\nQS-2,二号项目,,氢能,在谈,,\n", commit=True)
    run_worker()
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED and job.result["committed"], job.error
    assert sorted(Project.objects.values_list("code", flat=True)) == ["QS-1", "QS-2"]


def test_progress_alerts_in_the_background_keep_the_list_as_a_file():
    out = io.StringIO()
    call_command("progress_alerts", "--background", stdout=out)
    job = Job.objects.get()
    assert f"#{job.pk}" in out.getvalue() and job.status == JobStatus.QUEUED
    run_worker()
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED
    with job.result_file.open("rb") as handle:
        assert "进度预警清单" in handle.read().decode()



@pytest.mark.skipif(connection.vendor != "postgresql", reason="the stored cells serve the PostgreSQL COPY export")
def test_rebuild_export_cells_in_the_background_repairs_stale_cells():
    project = ProjectFactory(investors=[EnterpriseFactory(slug="kept")])
    ProjectExportCells.objects.filter(project=project).update(investor_slugs="STALE-MARKER")
    out = io.StringIO()
    call_command("rebuild_export_cells", "--background", stdout=out)
    job = Job.objects.get()
    assert f"#{job.pk}" in out.getvalue() and job.kind == REBUILD_EXPORT_CELLS_KIND
    assert ProjectExportCells.objects.get(project=project).investor_slugs == "STALE-MARKER"  # queued, not run
    run_worker()
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED and job.result == {"rows": 1}, job.error
    assert ProjectExportCells.objects.get(project=project).investor_slugs == "kept"
