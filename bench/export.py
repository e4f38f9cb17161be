"""The project export's stored lines without and with the database triggers that forget them, in one run.

    DATABASE_URL=postgres://... .venv/bin/python bench/export.py [--rounds 2] [--saves 30] [--stale 10000]

Run against a database filled with ``generate_demo`` (PostgreSQL). Two phases on the same data:
``main`` (the triggers of projects/migrations/0020_export_cells_forgotten_by_triggers.py dropped by
migrating back to 0019: the design before them) and ``triggers`` (migrated forward again). Each phase
measures, interleaved round by round:

- the full anonymous CSV (``/api/v1/projects/?format=csv`` through Django's test client, every chunk
  read) against the raw-table ``COPY (SELECT * FROM projects_project) TO STDOUT WITH (FORMAT csv)`` on
  the same connection (the physical limit), as rows/s and their ratio; the process's peak RSS growth;
- the write cost: ``project_save`` of ``--saves`` projects (a summary edited), each rolled back;
- a bypass: ``UPDATE projects_project SET name = ...`` on one project, then whether its stored data
  differs from a fresh computation (``export_cells_differences``: the export would serve it stale);
- disk: the side table's and the projects table's total size.

The ``triggers`` phase then forgets ``--stale`` projects by one raw UPDATE (as a data migration would; it appends 。 to their
summaries),
times the CSV in that window (those rows computed live) and the background refill
(``export_lines_refresh_stale``). The database is left migrated forward and refilled.
"""

import argparse
import os
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from qingshan.settings import default_settings_module  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", default_settings_module())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--saves", type=int, default=30)
    parser.add_argument("--stale", type=int, default=10_000)
    parser.add_argument("--writes-only", action="store_true",
                        help="only the write cost, with and without the triggers interleaved save by save")
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import setup_test_environment

    from projects.export_cells import export_cells_differences, export_lines_refresh_stale
    from projects.models import Project, ProjectExportCells
    from projects.services import project_save

    setup_test_environment()
    settings.ALLOWED_HOSTS = ["*"]
    settings.REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"] = []
    client = Client()

    def export() -> tuple[float, int]:
        started = time.perf_counter()
        response = client.get("/api/v1/projects/?format=csv")
        assert response.status_code == 200, response.status_code
        lines = sum(chunk.count(b"\n") for chunk in response.streaming_content)
        response.close()
        return time.perf_counter() - started, lines - 1

    def table_copy() -> tuple[float, int]:
        with connection.cursor() as cursor:
            started, rows = time.perf_counter(), 0
            with cursor.cursor.copy("COPY (SELECT * FROM projects_project) TO STDOUT WITH (FORMAT csv)") as copy:
                for _row in copy:
                    rows += 1
            return time.perf_counter() - started, rows

    def rss_mib() -> float:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    def speed(label: str) -> None:
        export()  # warm-up
        before = rss_mib()
        exports, copies = [], []
        for _round in range(args.rounds):
            exports.append(export())
            copies.append(table_copy())
        export_s, rows = statistics.median(s for s, _ in exports), exports[0][1]
        copy_s, table_rows = statistics.median(s for s, _ in copies), copies[0][1]
        print(f"[{label}] CSV {rows:,} rows in {export_s:.2f} s = {rows / export_s:,.0f} rows/s; raw-table COPY "
              f"{table_rows:,} rows in {copy_s:.2f} s = {table_rows / copy_s:,.0f} rows/s; ratio "
              f"{(rows / export_s) / (table_rows / copy_s):.2f}; peak RSS growth {rss_mib() - before:.1f} MiB")

    def write_cost(label: str) -> None:
        ids = list(Project.objects.filter(is_published=True).order_by("pk").values_list("pk", flat=True)[: args.saves])
        times = []
        for pk in ids:
            with transaction.atomic():
                project = Project.objects.get(pk=pk)
                project.summary = f"{project.summary}（基准）"
                started = time.perf_counter()
                project_save(project=project)
                times.append(time.perf_counter() - started)
                transaction.set_rollback(True)
        print(f"[{label}] project_save: median {statistics.median(times) * 1000:.1f} ms over {len(times)} saves")

    def bypass(label: str) -> None:
        pk = Project.objects.filter(is_published=True, export_cells__public_line__isnull=False).values_list(
            "pk", flat=True).first()
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("UPDATE projects_project SET name = name || '（直改）' WHERE id = %s", [pk])
            differing = export_cells_differences(projects=Project.objects.filter(pk=pk))
            transaction.set_rollback(True)
        print(f"[{label}] after a raw UPDATE of one project's name: stored export data differing: {len(differing)}")

    def disk(label: str) -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_total_relation_size(%s), pg_total_relation_size(%s)",
                           [ProjectExportCells._meta.db_table, Project._meta.db_table])
            cells, projects = cursor.fetchone()
        print(f"[{label}] disk: stored lines and cells {cells / 2**20:,.0f} MiB; projects table "
              f"{projects / 2**20:,.0f} MiB ({cells / projects:.2f}×)")

    def write_cost_interleaved() -> None:
        """Each project saved twice, with the triggers and without (dropped for that transaction only)."""
        with connection.cursor() as cursor:
            cursor.execute("SELECT tgname, tgrelid::regclass::text FROM pg_trigger WHERE tgname LIKE %s",
                           ["%_export_forget_%"])
            triggers = cursor.fetchall()
        ids = list(Project.objects.filter(is_published=True).order_by("pk").values_list("pk", flat=True)[: args.saves])
        times: dict[bool, list[float]] = {True: [], False: []}
        for pk in ids:
            for enabled in (True, False):
                with transaction.atomic():
                    if not enabled:
                        with connection.cursor() as cursor:
                            for name, table in triggers:
                                cursor.execute(f'ALTER TABLE {table} DISABLE TRIGGER "{name}"')
                    project = Project.objects.get(pk=pk)
                    project.summary = f"{project.summary}（基准）"
                    started = time.perf_counter()
                    project_save(project=project)
                    times[enabled].append(time.perf_counter() - started)
                    transaction.set_rollback(True)
        with_, without = statistics.median(times[True]), statistics.median(times[False])
        print(f"[writes] project_save, {len(ids)} projects each saved with and without the {len(triggers)} "
              f"triggers: median {with_ * 1000:.1f} ms against {without * 1000:.1f} ms ({with_ / without:.2f}×)")

    if args.writes_only:
        call_command("migrate", "projects", "0020", verbosity=0)
        write_cost_interleaved()
        return
    print(f"{Project.objects.count():,} projects, {args.rounds} rounds per phase")
    for label, target in (("main", "0019"), ("triggers", "0020")):
        call_command("migrate", "projects", target, verbosity=0)
        speed(label)
        write_cost(label)
        bypass(label)
        disk(label)

    stale = list(Project.objects.filter(is_published=True).order_by("?").values_list("pk", flat=True)[: args.stale])
    with connection.cursor() as cursor:
        started = time.perf_counter()
        cursor.execute("UPDATE projects_project SET summary = summary WHERE id = ANY(%s)", [stale])
        kept = ProjectExportCells.objects.count()
        cursor.execute("UPDATE projects_project SET summary = summary || '。' WHERE id = ANY(%s)", [stale])
        print(f"[window] raw UPDATEs of {len(stale):,} projects: {time.perf_counter() - started:.2f} s; stored rows "
              f"after a no-op UPDATE {kept:,}, after a change {ProjectExportCells.objects.count():,}")
    speed("window")
    started = time.perf_counter()
    rows = export_lines_refresh_stale(workers=1)
    print(f"[window] refill: {rows:,} rows in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
