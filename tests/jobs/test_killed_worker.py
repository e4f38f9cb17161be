"""A worker killed mid-job (SIGKILL, no chance to clean up): nothing half-written, the job retried or failed.

PostgreSQL only: the worker is a separate ``manage.py db_worker`` process on the test database,
which SQLite's in-memory test database cannot share.
"""

import datetime
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.utils import timezone

from jobs.imports import IMPORT_KIND
from jobs.models import Job, JobStatus
from jobs.services import job_start, jobs_recover
from projects.models import Project
from tests.factories import SectorFactory, SuperUserFactory

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parents[2]
HEADER = "项目编号,项目名称,投资方,产业领域,项目阶段,签约日期,总投资（万元）\n"
ROWS = 4_000


def worker(job_files: Path, *extra: str) -> subprocess.Popen:
    settings_dict = connection.settings_dict
    url = (f"postgres://{settings_dict['USER']}@{settings_dict['HOST'] or '127.0.0.1'}:"
           f"{settings_dict['PORT'] or 5432}/{settings_dict['NAME']}")
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "qingshan.settings.test",
           "JOBS_HEARTBEAT_SECONDS": "0.2", "JOBS_FILE_ROOT": str(job_files)}
    return subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay", "--interval", "0.1", *extra],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the worker process needs a shared database server")
def test_a_worker_killed_mid_import_writes_nothing_and_the_retry_imports_once(job_files):
    SectorFactory(name="氢能")
    user = SuperUserFactory(username="importer")
    lines = "".join(f"KILL-{n},断点项目{n},,氢能,在谈,,100\n" for n in range(ROWS))
    job = job_start(kind=IMPORT_KIND, title="导入项目", user=user, params={"resource": "projects", "commit": True,
                                                                        "filename": "项目.csv"},
                    input_file=ContentFile(("\ufeff" + HEADER + lines).encode()), input_name="项目.csv")
    process = worker(job_files)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            job.refresh_from_db()
            if job.status == JobStatus.RUNNING and 1 <= job.progress < 90:
                break
            assert process.poll() is None, process.stderr.read().decode()
            time.sleep(0.05)
        else:
            pytest.fail(f"the import never got under way: {job.status} {job.progress}")
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
    assert job.progress < 100
    assert not Project.objects.filter(code__startswith="KILL-").exists()  # nothing half-written

    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING and job.attempts == 1  # as the dead worker left it
    [recovered] = jobs_recover(now=timezone.now() + datetime.timedelta(minutes=5))
    assert recovered.pk == job.pk
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED and "重新排队" in job.message

    retry = worker(job_files, "--batch")
    assert retry.wait(timeout=300) == 0, retry.stderr.read().decode()
    job.refresh_from_db()
    assert (job.status, job.attempts, job.progress) == (JobStatus.SUCCEEDED, 2, 100), job.error
    assert job.result["totals"]["new"] == ROWS and job.result["committed"]
    assert Project.objects.filter(code__startswith="KILL-").count() == ROWS  # once each


def test_a_job_out_of_attempts_is_marked_failed():
    job = Job.objects.create(kind=IMPORT_KIND, title="导入", status=JobStatus.RUNNING, attempts=2, max_attempts=2,
                             heartbeat_at=timezone.now() - datetime.timedelta(minutes=10))
    fresh = Job.objects.create(kind=IMPORT_KIND, title="另一个", status=JobStatus.RUNNING, attempts=1,
                               heartbeat_at=timezone.now())
    assert [j.pk for j in jobs_recover()] == [job.pk]
    job.refresh_from_db()
    fresh.refresh_from_db()
    assert job.status == JobStatus.FAILED and "工作进程中断" in job.error and job.finished_at is not None
    assert fresh.status == JobStatus.RUNNING
