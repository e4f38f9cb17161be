"""The project CSV export against PostgreSQL's raw COPY of the same SELECT, and its peak Python memory.

    DATABASE_URL=postgres://... .venv/bin/python bench/export_probe.py [--rounds 3] [--serializer] [--xlsx]

Run against a database filled with ``generate_demo``. The export is read through Django's test client
as an anonymous user (the whole file, every chunk), exactly as ``bench/run.py`` does; the COPY statement
is the one the export ran, captured with an execute wrapper. ``--serializer`` also times the old
per-record serializer path (slow: minutes at 10k rows), ``--xlsx`` both XLSX paths.
"""

import argparse
import os
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from qingshan.settings import default_settings_module  # noqa: E402

# As manage.py: production settings with DJANGO_DEBUG=0, the laptop's otherwise.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", default_settings_module())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--serializer", action="store_true")
    parser.add_argument("--xlsx", action="store_true")
    parser.add_argument("--explain", action="store_true", help="print EXPLAIN (ANALYZE) of the export's SELECT and stop")
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    from ledger.api.base import LedgerViewSet

    setup_test_environment()
    settings.ALLOWED_HOSTS = ["*"]
    settings.REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"] = []
    client = Client()
    path = "/api/v1/projects/?format=csv"
    statements: list[str] = []

    def capture(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    def fetch(url: str) -> tuple[float, int]:
        started = time.perf_counter()
        response = client.get(url)
        assert response.status_code == 200, response.status_code
        size = 0
        if response.streaming:
            for chunk in response.streaming_content:
                size += len(chunk)
        else:
            size = len(response.content)
        response.close()
        return time.perf_counter() - started, size

    with connection.execute_wrapper(capture):
        _seconds, size = fetch(path)
    copy = next(sql for sql in statements if sql.startswith("COPY ("))
    select = copy[len("COPY (") : copy.rindex(") TO STDOUT")]

    if args.explain:
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {select}")
            print("\n".join(line for (line,) in cursor.fetchall()))
        return

    def raw_copy() -> tuple[float, int]:
        with connection.cursor() as cursor:
            started = time.perf_counter()
            rows = 0
            with cursor.cursor.copy(f"COPY ({select}) TO STDOUT WITH (FORMAT csv)") as copy:
                for _row in copy:
                    rows += 1
            return time.perf_counter() - started, rows

    def table_copy() -> tuple[float, int]:
        """The physical limit (issue 17): PostgreSQL copying the whole raw table, no joins, no cells."""
        with connection.cursor() as cursor:
            started = time.perf_counter()
            rows = 0
            with cursor.cursor.copy("COPY (SELECT * FROM projects_project) TO STDOUT WITH (FORMAT csv)") as copy:
                for _row in copy:
                    rows += 1
            return time.perf_counter() - started, rows

    _seconds, rows = raw_copy()
    _seconds, table_rows = table_copy()
    export_times, copy_times, table_times = [], [], []
    for _ in range(args.rounds):  # interleaved, so that a burst of load hits all alike
        export_times.append(fetch(path)[0])
        copy_times.append(raw_copy()[0])
        table_times.append(table_copy()[0])
    export_s, copy_s = statistics.median(export_times), statistics.median(copy_times)
    table_s = statistics.median(table_times)
    print(f"rows {rows}, file {size / 1024 / 1024:.1f} MiB, {args.rounds} rounds, median")
    print(f"csv export (COPY): {export_s:.3f} s = {rows / export_s:,.0f} rows/s")
    print(f"COPY of its SELECT: {copy_s:.3f} s = {rows / copy_s:,.0f} rows/s")
    print(f"raw-table COPY   : {table_s:.3f} s = {table_rows / table_s:,.0f} rows/s ({table_rows} rows)")
    print(f"ratio export/COPY of its SELECT (rows/s): {copy_s / export_s:.2f}")
    print(f"ratio export/raw-table COPY (rows/s): {(rows / export_s) / (table_rows / table_s):.3f}")

    tracemalloc.start()
    tracemalloc.reset_peak()
    fetch(path)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(f"csv export peak tracemalloc: {peak / 1024 / 1024:.2f} MiB")

    if args.serializer:
        LedgerViewSet.sql_exports = False
        seconds, _size = fetch(path)
        LedgerViewSet.sql_exports = True
        print(f"csv export (serializer path, once): {seconds:.1f} s = {rows / seconds:,.0f} rows/s")
    if args.xlsx:
        xlsx = "/api/v1/projects/?format=xlsx"
        seconds, _size = fetch(xlsx)
        print(f"xlsx export (SQL cells): {seconds:.1f} s = {rows / seconds:,.0f} rows/s")
        LedgerViewSet.sql_exports = False
        seconds, _size = fetch(xlsx)
        LedgerViewSet.sql_exports = True
        print(f"xlsx export (serializer path): {seconds:.1f} s = {rows / seconds:,.0f} rows/s")
    print(f"load average: {os.getloadavg()}")


if __name__ == "__main__":
    main()
