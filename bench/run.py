#!/usr/bin/env python
"""
The benchmark: one command, from the project's virtualenv, against a local PostgreSQL.

    .venv/bin/python bench/run.py                   # 10k and 100k projects, tables to stdout and docs/performance.md
    .venv/bin/python bench/run.py --sizes 10000     # one size only (no 100k/10k ratio)
    .venv/bin/python bench/run.py --regenerate      # rebuild the databases from scratch

For each size it makes (or reuses) a database ``qs_bench_10k`` / ``qs_bench_100k`` on
``--postgres`` (loopback only), migrates it, fills it with ``generate_demo --seed 1`` (timed) and
runs ``VACUUM ANALYZE``. Then a worker process (this file with ``--worker``) measures, in one run:
every page and endpoint in-process through the full middleware stack with Django's test client
(no server is started, nothing listens on any address), interleaved round by round with a trivial
view on the same stack (the framework floor); the query count of each; the full CSV and XLSX
exports; PostgreSQL's own ``COPY (same SELECT) TO STDOUT`` through psycopg; the export's peak
Python memory (tracemalloc). The main process prints one table and writes docs/performance.md.
"""

import argparse
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "performance.md"
STATE = ROOT / "var" / "bench-state.json"
SEED = 1
LABELS = {10_000: "10k", 100_000: "100k"}
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
# Several checkouts on one PostgreSQL: BENCH_DB_PREFIX=qs_wt16_bench keeps this one's databases apart.
DB_PREFIX = os.environ.get("BENCH_DB_PREFIX", "qs_bench")
RESULTS_BEGIN = "<!-- bench:results -->"
RESULTS_END = "<!-- /bench:results -->"

# Environment of the worker: production settings (qingshan.settings.production: DEBUG off, no SQL
# logging), no page cache (server time, not cache hits), persistent database connection as under
# gunicorn, plain HTTP in-process.
WORKER_ENV = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "bench-only-secret-key-never-used-outside-bench-run-py-0123456789",
    "DJANGO_ALLOWED_HOSTS": "testserver",
    "DJANGO_SECURE_SSL_REDIRECT": "0",
    "DJANGO_SECURE_PROXY_SSL_HEADER": "0",
    "DJANGO_SECURE_COOKIES": "0",
    "DJANGO_MANIFEST_STATIC": "0",
    "DJANGO_PUBLIC_CACHE_SECONDS": "0",
    "DJANGO_CONN_MAX_AGE": "600",
    "DJANGO_LOG_FORMAT": "text",
    "REDIS_URL": "",
    # The anonymous API throttle still counts every request in the cache (its cost is measured);
    # only its limit is raised above what the rounds ask for.
    "API_ANON_THROTTLE_RATE": "1000000/hour",
}
# The worker's cache: the local Redis when one answers (the production setting, shared by workers),
# else per-process memory. Database 15 is the benchmark's own; the worker clears it first.
BENCH_CACHE_URL = os.environ.get("BENCH_CACHE_URL", "redis://127.0.0.1:6379/15")


def label(size: int) -> str:
    return LABELS.get(size, f"{size // 1000}k" if size % 1000 == 0 else str(size))


# --------------------------------------------------------------------------- the main process


def maintenance_connection(base_url: str):
    import psycopg

    return psycopg.connect(base_url.rstrip("/") + "/postgres", autocommit=True)


def run_manage(url: str, *args: str) -> None:
    env = {**os.environ, "DATABASE_URL": url, "PYTHONUNBUFFERED": "1"}
    subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], check=True, env=env, cwd=ROOT)


def prepare(base_url: str, size: int, *, regenerate: bool) -> dict:
    """Make sure ``qs_bench_<size>`` holds exactly ``size`` demo projects at the latest migration."""
    import psycopg
    from psycopg import sql

    name = f"{DB_PREFIX}_{label(size)}"
    url = base_url.rstrip("/") + "/" + name
    state = json.loads(STATE.read_text()) if STATE.exists() else {}
    with maintenance_connection(base_url) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        count = None
        if exists and not regenerate:
            with psycopg.connect(url) as db:
                try:
                    count = db.execute(
                        "SELECT count(*) FROM projects_project WHERE slug LIKE 'demo-%%'"
                    ).fetchone()[0]
                except psycopg.errors.UndefinedTable:
                    count = None
        if count != size or state.get(name, {}).get("seed") != SEED:
            if exists:
                conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            run_manage(url, "migrate", "--noinput", "-v", "0")
            print(f"Generating {size:,} demo projects into {name} …", flush=True)
            started = time.perf_counter()
            run_manage(url, "generate_demo", "--projects", str(size), "--seed", str(SEED), "-v", "1")
            seconds = time.perf_counter() - started
            state[name] = {"seed": SEED, "generate_seconds": round(seconds, 1),
                           "generated_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")}
            STATE.parent.mkdir(exist_ok=True)
            STATE.write_text(json.dumps(state, indent=2))
        else:
            run_manage(url, "migrate", "--noinput", "-v", "0")  # new index migrations, if any
    with psycopg.connect(url, autocommit=True) as db:
        db.execute("VACUUM ANALYZE")
    return {"url": url, "database": name, **state[name]}


def cache_url() -> str:
    """BENCH_CACHE_URL if that Redis answers a PING within a second, else "" (per-process memory)."""
    import socket

    parts = urlsplit(BENCH_CACHE_URL)
    if parts.scheme != "redis":
        return BENCH_CACHE_URL
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 6379), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            if sock.recv(16).startswith(b"+PONG"):
                return BENCH_CACHE_URL
    except OSError:
        pass
    return ""


def machine() -> dict:
    import django
    import psycopg

    memory = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        load = " / ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        load = "?"
    return {
        "load": load,
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "memory": memory,
        "os": platform.platform(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "psycopg": psycopg.__version__,
    }


def ratio(value, base) -> str:
    return f"{value / base:.2f}" if value is not None and base else "—"


def ms(value) -> str:
    return "—" if value is None else (f"{value:.1f}" if value < 100 else f"{value:,.0f}")


def render(results: dict, info: dict) -> str:
    sizes = list(results)
    first, last = sizes[0], sizes[-1]
    names = list(dict.fromkeys(name for size in sizes for name in results[size]["cases"]))
    lines = []
    header = ["case"]
    for size in sizes:
        header += [f"{size} median ms", f"{size} p95 ms", f"{size} queries", f"{size} × floor"]
    if len(sizes) > 1:
        header += [f"{last}/{first} median"]
    lines.append("| " + " | ".join(header) + " |")
    lines.append("|" + "---|" * len(header))
    for name in names:
        row = [name]
        for size in sizes:
            case = results[size]["cases"].get(name)
            floor = results[size]["cases"]["floor (trivial view)"]["median_ms"]
            if not case or case.get("skipped"):
                row += [case.get("skipped", "n/a") if case else "n/a", "", "", ""]
                continue
            row += [ms(case["median_ms"]), ms(case["p95_ms"]), str(case["queries"]), ratio(case["median_ms"], floor)]
        if len(sizes) > 1:
            a, b = results[first]["cases"].get(name, {}), results[last]["cases"].get(name, {})
            row.append(ratio(b.get("median_ms"), a.get("median_ms")) if "median_ms" in a and "median_ms" in b else "—")
        lines.append("| " + " | ".join(row) + " |")

    lines.append("")
    lines.append("| admin | " + " | ".join(sizes) + " |")
    lines.append("|---|" + "---|" * len(sizes))

    def case_ratio(size, name, base):
        cases = results[size]["cases"]
        return ratio(cases.get(name, {}).get("median_ms"), cases.get(base, {}).get("median_ms"))

    lines.append("| admin changelist ÷ plain ListView of the same 100 rows (target ≤ 3) | "
                 + " | ".join(case_ratio(size, "admin changelist", "plain ListView, the changelist's 100 rows")
                              for size in sizes) + " |")
    if len(sizes) > 1:
        search = "admin changelist: search 新材料"
        a, b = results[first]["cases"].get(search, {}), results[last]["cases"].get(search, {})
        lines.append(f"| admin search 新材料, {last} ÷ {first} (target ≤ 1.5) | "
                     + " | ".join(["", ratio(b.get("median_ms"), a.get("median_ms"))][-len(sizes):]) + " |")

    lines.append("")
    lines.append("| export | " + " | ".join(sizes) + " |")
    lines.append("|---|" + "---|" * len(sizes))

    def export_row(title, fn):
        lines.append(f"| {title} | " + " | ".join(fn(results[size]) for size in sizes) + " |")

    export_row("rows exported (CSV)", lambda r: f"{r['export'].get('csv_rows', '—'):,}" if r["export"].get("csv_rows") else "—")
    export_row("CSV export rows/s", lambda r: f"{r['export']['csv_rows_per_s']:,.0f}" if r["export"].get("csv_rows_per_s") else "—")
    export_row("`COPY (same SELECT) TO STDOUT` rows/s", lambda r: f"{r['export']['copy_rows_per_s']:,.0f}" if r["export"].get("copy_rows_per_s") else "—")
    export_row("CSV speed ÷ COPY speed", lambda r: ratio(r["export"].get("csv_rows_per_s"), r["export"].get("copy_rows_per_s")))
    export_row("CSV peak Python memory (tracemalloc)", lambda r: f"{r['export']['csv_peak_mib']:.1f} MiB" if r["export"].get("csv_peak_mib") is not None else "—")
    export_row("XLSX export rows/s", lambda r: f"{r['export']['xlsx_rows_per_s']:,.0f}" if r["export"].get("xlsx_rows_per_s") else "—")
    export_row("generate_demo wall time", lambda r: f"{r['generate_seconds']:.0f} s" if r.get("generate_seconds") else "—")
    if len(sizes) > 1:
        a, b = results[first]["export"].get("csv_peak_mib"), results[last]["export"].get("csv_peak_mib")
        lines.append("")
        lines.append(f"CSV export peak memory {last} ÷ {first}: {ratio(b, a)}")
    lines.append("")
    lines.append(
        f"Machine: {info['nproc']} CPU ({info['cpu']}), {info['memory']} RAM, {info['os']}; "
        f"Python {info['python']}, Django {info['django']}, psycopg {info['psycopg']}, "
        f"{results[first].get('postgres', 'PostgreSQL')}; cache: {results[first].get('cache', '?')}. "
        f"Load average at the end (1/5/15 min): {info['load']}. "
        f"Run {info['when']}, {info['rounds']} rounds per page "
        f"(after {info['warmup']} warm-up requests), {info['export_rounds']} per export."
    )
    return "\n".join(lines)


def write_doc(table: str) -> None:
    block = f"{RESULTS_BEGIN}\n{table}\n{RESULTS_END}"
    if DOC.exists():
        text = DOC.read_text(encoding="utf-8")
        if RESULTS_BEGIN in text and RESULTS_END in text:
            before, rest = text.split(RESULTS_BEGIN, 1)
            after = rest.split(RESULTS_END, 1)[1]
            DOC.write_text(before + block + after, encoding="utf-8")
            return
    DOC.parent.mkdir(exist_ok=True)
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else "# Performance\n"
    DOC.write_text(f"{text.rstrip()}\n\n## Scale benchmark (`bench/run.py`)\n\n{block}\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--postgres", default=os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432"),
                        help="Server URL without a database name (loopback only).")
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--rounds", type=int, default=30, help="Timed requests per page.")
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--export-rounds", type=int, default=3)
    parser.add_argument("--regenerate", action="store_true")
    parser.add_argument("--no-doc", action="store_true", help="Print the table only.")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker, args)))
        return

    host = urlsplit(args.postgres).hostname or "127.0.0.1"
    if host not in LOOPBACK:
        parser.error("the benchmark only talks to a PostgreSQL on the loopback interface")
    sys.path.insert(0, str(ROOT))
    results = {}
    for size in args.sizes:
        db = prepare(args.postgres, size, regenerate=args.regenerate)
        print(f"Measuring {db['database']} …", flush=True)
        env = {**os.environ, **WORKER_ENV, "CACHE_URL": cache_url(), "DATABASE_URL": db["url"],
               "DJANGO_SETTINGS_MODULE": "qingshan.settings.production"}
        out = subprocess.run(
            [sys.executable, __file__, "--worker", str(size), "--rounds", str(args.rounds),
             "--warmup", str(args.warmup), "--export-rounds", str(args.export_rounds)],
            check=True, env=env, cwd=ROOT, stdout=subprocess.PIPE, text=True,
        ).stdout
        results[label(size)] = {**json.loads(out.strip().splitlines()[-1]), "generate_seconds": db["generate_seconds"]}
    info = {**machine(), "when": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "rounds": args.rounds, "warmup": args.warmup, "export_rounds": args.export_rounds}
    table = render(results, info)
    print()
    print(table)
    if not args.no_doc:
        write_doc(table)
        print(f"\nWritten to {DOC.relative_to(ROOT)}")


# --------------------------------------------------------------------------- the worker process


def worker(size: str, args) -> dict:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings

    settings.ROOT_URLCONF = "bench.urls"
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.urls import NoReverseMatch, reverse

    from projects.models import Project, Sector

    queries: list[tuple] = []

    def count_queries(execute, sql, params, many, context):
        queries.append((sql, params))
        return execute(sql, params, many, context)

    from django.core.cache import cache

    connection.ensure_connection()
    postgres = connection.cursor().connection.info.parameter_status("server_version")
    cache.clear()
    cache_backend = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]

    # What the pages are asked for: a published demo project with investors and milestones, halfway
    # through the table; the sector with the most projects and a common stage; a common keyword.
    middle = Project.objects.filter(slug__startswith="demo-", is_published=True, stage="started").order_by("pk")
    project = middle[middle.count() // 2]
    sector = (
        Sector.objects.filter(parent__isnull=True)
        .annotate(n=django.db.models.Count("projects"))
        .order_by("-n", "pk")
        .first()
    )
    user, _created = get_user_model().objects.get_or_create(
        username="bench-admin", defaults={"is_staff": True, "is_superuser": True}
    )
    anonymous, staff = Client(), Client()
    staff.force_login(user)

    def url(name, *a, query=""):
        try:
            return reverse(name, args=a) + query
        except NoReverseMatch:
            return None

    cases = [
        ("floor (trivial view)", anonymous, url("bench_floor")),
        ("home", anonymous, url("projects:home")),
        ("project list", anonymous, url("projects:project_list")),
        ("project list: sector + stage", anonymous, url("projects:project_list", query=f"?sector={sector.slug}&stage=started")),
        ("project list: keyword 新材料", anonymous, url("projects:project_list", query="?q=新材料")),
        ("project list: deep page 400", anonymous, url("projects:project_list", query="?page=400")),
        ("project detail", anonymous, url("projects:project_detail", project.slug)),
        ("API list page", anonymous, url("api:project-list")),
        ("API list: keyset cursor page", anonymous, url("api:project-list", query="?cursor=")),
        ("API detail", anonymous, url("api:project-detail", project.slug)),
        ("admin changelist", staff, url("admin:projects_project_changelist")),
        ("plain ListView, the changelist's 100 rows", staff, url("bench_admin_baseline")),
        ("admin changelist: search 新材料", staff, url("admin:projects_project_changelist", query="?q=新材料")),
        ("admin change page", staff, url("admin:projects_project_change", project.pk)),
        # What an anonymous visitor gets in production (DJANGO_PUBLIC_CACHE_SECONDS > 0): the page
        # cache's answer, invalidated by every write. Rendering cost is in the rows above.
        ("home, page cache hit", anonymous, url("projects:home")),
        ("project list, page cache hit", anonymous, url("projects:project_list")),
        ("project detail, page cache hit", anonymous, url("projects:project_detail", project.slug)),
    ]
    cached_cases = {name for name, _client, _path in cases if name.endswith("page cache hit")}
    results: dict[str, dict] = {}
    timings: dict[str, list[float]] = {}
    counts: dict[str, int] = {}
    live = []
    for name, client, path in cases:
        if path is None:
            results[name] = {"skipped": "not on main yet"}
            continue
        if name in cached_cases:
            settings.PUBLIC_CACHE_SECONDS = 300
        status = client.get(path).status_code  # also fills the page cache for the cached cases
        settings.PUBLIC_CACHE_SECONDS = 0
        if status != 200:
            results[name] = {"skipped": f"HTTP {status}"}
            continue
        live.append((name, client, path))
        timings[name] = []

    def one(client, path, *, cached=False) -> float:
        queries.clear()
        settings.PUBLIC_CACHE_SECONDS = 300 if cached else 0
        try:
            with connection.execute_wrapper(count_queries):
                started = time.perf_counter()
                response = client.get(path)
                if response.streaming:
                    for _chunk in response.streaming_content:
                        pass
                elapsed = time.perf_counter() - started
        finally:
            settings.PUBLIC_CACHE_SECONDS = 0
        assert response.status_code == 200, (path, response.status_code)
        assert not cached or response.get("X-Cache") == "hit", (path, response.get("X-Cache"))
        return elapsed * 1000

    for _ in range(args.warmup):
        for name, client, path in live:
            one(client, path, cached=name in cached_cases)
    for _ in range(args.rounds):  # interleaved: every page and the floor see the same conditions
        for name, client, path in live:
            timings[name].append(one(client, path, cached=name in cached_cases))
            counts[name] = len(queries)
    for name, values in timings.items():
        values.sort()
        results[name] = {
            "median_ms": statistics.median(values),
            "p95_ms": values[min(len(values) - 1, round(0.95 * (len(values) - 1)))],
            "queries": counts[name],
            "path": {n: p for n, _c, p in live}[name],
        }
    ordered = {name: results[name] for name, _client, _path in cases}
    return {"cases": ordered, "export": measure_exports(anonymous, url, one, args, queries, count_queries),
            "postgres": f"PostgreSQL {postgres}", "cache": cache_backend}


def measure_exports(client, url, one, args, queries, count_queries) -> dict:
    """Full CSV/XLSX export: rows/s, the raw COPY of the same SELECT, and peak Python memory."""
    import tracemalloc

    from django.db import connection

    out: dict = {}
    csv_path = url("api:project-list", query="?format=csv")
    if csv_path is None:
        return out
    response = client.get(csv_path)
    if response.status_code != 200:
        return {"skipped": f"HTTP {response.status_code}"}
    rows = sum(chunk.count(b"\n") for chunk in response.streaming_content) - 1
    out["csv_rows"] = rows
    times = [one(client, csv_path) for _ in range(args.export_rounds)]
    out["csv_median_ms"] = statistics.median(times)
    out["csv_rows_per_s"] = rows / (out["csv_median_ms"] / 1000)

    # The SELECT the export runs for its rows (the largest query of the request), copied raw.
    queries.clear()
    with connection.execute_wrapper(count_queries):
        for _chunk in client.get(csv_path).streaming_content:
            pass
    out["export_queries"] = len(queries)
    # On PostgreSQL the export streams ``COPY (<select>) TO STDOUT WITH (FORMAT csv)`` itself (through the
    # execute wrappers); its SELECT is the baseline. Otherwise the largest SELECT on projects_project.
    copies = [sql for sql, _params in queries if sql.startswith("COPY (") and "projects_project" in sql]
    selects = [(sql, params) for sql, params in queries if "SELECT" in sql and "projects_project" in sql]
    copy_sql = None
    if copies:
        copy_sql = copies[0][len("COPY (") : copies[0].rindex(") TO STDOUT")]
    elif selects:
        sql, params = max(selects, key=lambda q: len(q[0]))
        copy_sql = connection.ops.compose_sql(sql, params)
        if copy_sql.startswith("DECLARE"):  # a server-side cursor: DECLARE "name" NO SCROLL CURSOR ... FOR <select>
            copy_sql = copy_sql[copy_sql.index(" FOR ") + 5 :]
    out["copy_select"] = copy_sql
    if copy_sql:
        copy_times = []
        for _ in range(args.export_rounds):
            with connection.cursor() as cursor:
                raw = cursor.cursor
                started = time.perf_counter()
                copied = 0
                with raw.copy(f"COPY ({copy_sql}) TO STDOUT WITH (FORMAT csv)") as copy:
                    for block in copy:
                        copied += bytes(block).count(b"\n")
                copy_times.append(time.perf_counter() - started)
        out["copy_rows"] = copied
        out["copy_rows_per_s"] = copied / statistics.median(copy_times)

    tracemalloc.start()
    tracemalloc.reset_peak()
    for _chunk in client.get(csv_path).streaming_content:
        pass
    out["csv_peak_mib"] = tracemalloc.get_traced_memory()[1] / 1024 / 1024
    tracemalloc.stop()

    xlsx_path = url("api:project-list", query="?format=xlsx")
    if client.get(xlsx_path).status_code != 200:
        return out
    times = [one(client, xlsx_path) for _ in range(max(1, args.export_rounds - 1))]
    out["xlsx_median_ms"] = statistics.median(times)
    out["xlsx_rows_per_s"] = rows / (out["xlsx_median_ms"] / 1000)
    return out


if __name__ == "__main__":
    main()
