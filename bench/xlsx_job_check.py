"""Issue 17 check: the full project XLSX as a job, opened with openpyxl, its cells typed.

    DATABASE_URL=postgres://.../qingshan_bench17 .venv/bin/python bench/xlsx_job_check.py

Against a database filled with ``generate_demo`` (100k projects). A superuser asks the API for
``?format=xlsx``; above ``JOBS_EXPORT_XLSX_ROWS`` that answers 202 with a job, which this script then
runs in-process through the same runner a ``db_worker`` uses (``jobs.runner.execute``). The file is
opened with openpyxl (read-only) and every row is read: the row count, and the Python types of the
typed columns (numbers, dates, booleans), the frozen header and the autofilter are printed. The job
file goes to a temporary folder.
"""

import datetime
import os
import re
import resource
import sys
import tempfile
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qingshan.settings.production")
os.environ.setdefault("DJANGO_DEBUG", "0")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-" + "x" * 50)
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")


def main() -> None:
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.files.storage import FileSystemStorage
    from django.test import Client
    from django.test.utils import setup_test_environment
    from openpyxl import load_workbook

    from jobs.models import Job
    from jobs.runner import execute

    setup_test_environment()
    store = FileSystemStorage(location=tempfile.mkdtemp(prefix="bench-jobs-"))
    for name in ("input_file", "result_file"):
        Job._meta.get_field(name).storage = store
    user, _created = get_user_model().objects.get_or_create(username="bench-xlsx", defaults={"is_staff": True,
                                                                                            "is_superuser": True})
    client = Client()
    client.force_login(user)
    answer = client.get("/api/v1/projects/?format=xlsx", secure=True)
    assert answer.status_code == 202, (answer.status_code, answer.content[:300])
    job_id = answer.json()["job"]
    started = time.perf_counter()
    status = execute(job_id)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # no tracemalloc: it slows openpyxl ~10×
    job = Job.objects.get(pk=job_id)
    print(f"job {job_id}: {status} in {seconds:.1f} s, {job.result['bytes'] / 1024 / 1024:.1f} MiB, "
          f"peak RSS of this process {peak / 1024 / 1024:.0f} MiB")
    workbook = load_workbook(store.path(job.result_file.name), read_only=True)
    sheet = workbook.active
    rows = sheet.iter_rows(values_only=True)
    header = next(rows)
    types: dict[str, set[str]] = {str(h): set() for h in header}
    count = 0
    for row in rows:
        count += 1
        for name, value in zip(header, row, strict=False):
            if value is not None:
                types[str(name)].add(type(value).__name__)
    print(f"rows read back: {count:,}; columns: {len(header)}")
    for name, kinds in types.items():
        print(f"  {name}: {', '.join(sorted(kinds)) or '(empty)'}")
    typed = {kind for kinds in types.values() for kind in kinds}
    assert {"int", "datetime"} <= typed or {"float", "datetime"} <= typed, typed
    workbook.close()
    with zipfile.ZipFile(store.path(job.result_file.name)) as archive:  # the sheet's view and filter, as written
        xml = archive.read("xl/worksheets/sheet1.xml")
    pane = re.search(rb'<pane [^>]*topLeftCell="([A-Z0-9]+)"', xml)
    autofilter = re.search(rb'<autoFilter ref="([^"]+)"', xml)
    print(f"frozen header: {pane and pane.group(1).decode()}; autofilter: {autofilter and autofilter.group(1).decode()}")
    print(f"load average: {os.getloadavg()}; {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC")


if __name__ == "__main__":
    main()
