#!/usr/bin/env python
"""
The benchmark: one command, from the project's virtualenv, against a local PostgreSQL.

    .venv/bin/python bench/run.py                   # 10k and 100k projects, tables to stdout and docs/performance.md
    .venv/bin/python bench/run.py --sizes 10000     # one size only (no 100k/10k ratio)
    .venv/bin/python bench/run.py --regenerate      # rebuild the databases from scratch

For each size it makes (or reuses) a database ``qs_bench_10k`` / ``qs_bench_100k`` / ``qs_bench_1m``
on ``--postgres`` (loopback only), migrates it, fills it with ``generate_demo --seed 1`` (timed) and
runs ``VACUUM ANALYZE``. Then a worker process (this file with ``--worker``) starts gunicorn with
production settings (``bench/serve.py``) on loopback and measures over HTTP: every page and endpoint
at concurrency 1 (median, p95), interleaved round by round with a trivial view on the same stack (the
framework floor), and ``wrk -c16`` for requests per second at concurrency 16; the query count of each
(counted in-process, as gunicorn cannot report them); the full CSV export against the raw-table
``COPY (SELECT * FROM projects_project)`` and the COPY of the export's own SELECT, with the serving
worker's peak memory; what a large XLSX answers. The main process prints one table and writes
docs/performance.md.
"""

import argparse
import contextlib
import datetime
import importlib.metadata
import json
import os
import platform
import signal
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
LABELS = {10_000: "10k", 100_000: "100k", 1_000_000: "1m"}
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
    "DJANGO_ALLOWED_HOSTS": "127.0.0.1,testserver",
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
            state = json.loads(STATE.read_text()) if STATE.exists() else {}  # another size may have finished meanwhile
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
        "gunicorn": importlib.metadata.version("gunicorn"),
    }


def ratio(value, base) -> str:
    return f"{value / base:.2f}" if value is not None and base else "—"


def ms(value) -> str:
    return "—" if value is None else (f"{value:.1f}" if value < 100 else f"{value:,.0f}")


def per_s(value) -> str:
    return "—" if not value else (f"{value:.1f}" if value < 100 else f"{value:,.0f}")


def mib(value) -> str:
    return "—" if value is None else f"{value:,.0f} MiB"


def export_summary(export: dict) -> dict:
    """Medians of the export rounds (rows/s), and the serving worker's memory."""
    out: dict = {}
    csv = export.get("csv") or []
    done = [r for r in csv if r["complete"] and r["status"] == 200]
    if export.get("csv_long_timeout", {}).get("complete"):
        done = [export["csv_long_timeout"]]
    if done:
        out["csv_rows"] = done[0]["rows"]
        out["csv_mib"] = done[0]["bytes"] / 1024 / 1024
        out["csv_seconds"] = statistics.median(r["seconds"] for r in done)
        out["csv_rows_per_s"] = out["csv_rows"] / out["csv_seconds"]
        workers = [r["worker"] for r in done if r.get("worker")]
        if workers:
            out["rss_before_mib"] = workers[-1]["rss_before_mib"]
            out["hwm_after_mib"] = max(w["hwm_after_mib"] or 0 for w in workers)
    cut = [r for r in csv if not r["complete"] or r["status"] != 200]
    if cut:
        out["cut"] = f"HTTP {cut[0]['status']}, body cut after {cut[0]['seconds']:.1f} s at {cut[0]['rows']:,} rows"
    if export.get("raw"):
        out["raw_rows"] = export["raw"][0]["rows"]
        out["raw_rows_per_s"] = out["raw_rows"] / statistics.median(r["seconds"] for r in export["raw"])
    if export.get("own"):
        out["own_rows"] = export["own"][0]["rows"]
        out["own_rows_per_s"] = out["own_rows"] / statistics.median(r["seconds"] for r in export["own"])
    return out


def ask_cell(ask: dict | None) -> str:
    if not ask:
        return "—"
    text = f"{ask['status']} in {ms(ask['seconds'] * 1000)} ms"
    if ask["status"] == 200:
        rows = f"{ask['rows']:,} rows, " if ask.get("rows") is not None else ""
        text += f" (the file: {rows}{ask['bytes'] / 1024 / 1024:.1f} MiB{'' if ask['complete'] else ', CUT'})"
    elif ask["status"] == 202:
        text += " (job queued)"
    elif ask["status"] == 400:
        text += " (refused, points to CSV)"
    return text


def render(results: dict, info: dict) -> str:
    sizes = list(results)
    first, last = sizes[0], sizes[-1]
    names = list(dict.fromkeys(name for size in sizes for name in results[size]["cases"]))
    floor_name = "floor (trivial view)"
    lines = ["**Latency at concurrency 1** (one client, requests one after another over HTTP, body read to "
             "its last byte; query counts in-process, see below)", ""]
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
            case = results[size]["cases"].get(name) or {}
            floor = results[size]["cases"][floor_name].get("median_ms")
            if "median_ms" not in case:
                row += [case.get("skipped", "n/a"), "", "", ""]
                continue
            row += [ms(case["median_ms"]), ms(case["p95_ms"]), str(case["queries"]), ratio(case["median_ms"], floor)]
        if len(sizes) > 1:
            a, b = results[first]["cases"].get(name, {}), results[last]["cases"].get(name, {})
            row.append(ratio(b.get("median_ms"), a.get("median_ms")))
        lines.append("| " + " | ".join(row) + " |")

    lines += ["", "**Throughput** (requests per second: concurrency 1 from the timed requests above; "
              "concurrency 16 = `wrk -t2 -c16`, " + f"{info['wrk_seconds']} s per case)", ""]
    header = ["case"]
    for size in sizes:
        header += [f"{size} req/s c1", f"{size} req/s c16"]
    lines.append("| " + " | ".join(header) + " |")
    lines.append("|" + "---|" * len(header))
    for name in names:
        row = [name]
        for size in sizes:
            case = results[size]["cases"].get(name) or {}
            bad = (case.get("wrk") or {}).get("non_2xx")
            row += [per_s(case.get("rps_1")), per_s(case.get("rps_16")) + (f" ({bad} non-2xx)" if bad else "")]
        lines.append("| " + " | ".join(row) + " |")

    lines += ["", "| admin | " + " | ".join(sizes) + " |", "|---|" + "---|" * len(sizes)]

    def case_ratio(size, name, base):
        cases = results[size]["cases"]
        return ratio(cases.get(name, {}).get("median_ms"), cases.get(base, {}).get("median_ms"))

    lines.append("| admin changelist ÷ plain ListView of the same 100 rows (target ≤ 3) | "
                 + " | ".join(case_ratio(size, "admin changelist", "plain ListView, the changelist's 100 rows")
                              for size in sizes) + " |")
    search = "admin changelist: search 新材料"
    lines.append(f"| admin search 新材料, size ÷ {first} median (target ≤ 1.5) | "
                 + " | ".join(ratio(results[size]["cases"].get(search, {}).get("median_ms"),
                                    results[first]["cases"].get(search, {}).get("median_ms")) for size in sizes) + " |")

    summaries = {size: export_summary(results[size]["export"]) for size in sizes}
    lines += ["", "| export (over HTTP, anonymous, full table) | " + " | ".join(sizes) + " |",
              "|---|" + "---|" * len(sizes)]

    def export_row(title, fn):
        lines.append(f"| {title} | " + " | ".join(fn(summaries[size], results[size]) for size in sizes) + " |")

    export_row("CSV as production serves it (30 s worker timeout)",
               lambda s, r: s.get("cut") or (f"complete, {s['csv_seconds']:.1f} s" if "csv_seconds" in s else "—"))
    export_row("rows exported (CSV, published projects)", lambda s, r: f"{s['csv_rows']:,} ({s['csv_mib']:.0f} MiB)" if s.get("csv_rows") else "—")
    export_row("CSV over HTTP, rows/s", lambda s, r: f"{s['csv_rows_per_s']:,.0f}" + (" (timeout raised)" if r["export"].get("csv_long_timeout") else "") if s.get("csv_rows_per_s") else "—")
    export_row("raw-table `COPY (SELECT * FROM projects_project) TO STDOUT`, rows/s", lambda s, r: f"{s['raw_rows_per_s']:,.0f} ({s['raw_rows']:,} rows)" if s.get("raw_rows_per_s") else "—")
    export_row("`COPY (the export's own SELECT) TO STDOUT`, rows/s", lambda s, r: f"{s['own_rows_per_s']:,.0f}" if s.get("own_rows_per_s") else "—")
    export_row("**CSV ÷ raw-table COPY** (target ≥ 0.5)", lambda s, r: ratio(s.get("csv_rows_per_s"), s.get("raw_rows_per_s")))
    export_row("CSV ÷ its own SELECT's COPY", lambda s, r: ratio(s.get("csv_rows_per_s"), s.get("own_rows_per_s")))
    export_row("serving worker RSS before → peak (VmHWM) after", lambda s, r: f"{mib(s.get('rss_before_mib'))} → {mib(s.get('hwm_after_mib'))}" if s.get("hwm_after_mib") else "—")
    for ask in ("anonymous XLSX", "staff XLSX", "staff CSV"):
        export_row(f"{ask}: what the user gets", lambda s, r, ask=ask: ask_cell(r["export"].get("asks", {}).get(ask)))
    export_row("generate_demo wall time", lambda s, r: f"{r['generate_seconds']:.0f} s" if r.get("generate_seconds") else "—")
    if len(sizes) > 1:
        a, b = summaries[first].get("hwm_after_mib"), summaries[last].get("hwm_after_mib")
        lines += ["", f"CSV export: serving worker's peak RSS {last} ÷ {first}: {ratio(b, a)} (target ≤ 1.2)"]
    lines.append("")
    lines.append(
        f"Machine: {info['nproc']} CPU ({info['cpu']}), {info['memory']} RAM, {info['os']}; "
        f"Python {info['python']}, Django {info['django']}, psycopg {info['psycopg']}, gunicorn {info['gunicorn']}, "
        f"{results[first].get('postgres', 'PostgreSQL')}; cache: {results[first].get('cache', '?')}. "
        f"Load average (1/5/15 min) before: {info['load_before']}, after: {info['load']}"
        + "".join(f"; {size} measured {r['started']}–{r['ended']} (load {r['load_before']} → {r['load_after']})"
                  for size, r in results.items())
        + f". Commit {info['commit']}, run {info['when']}; {info['rounds']} rounds per page "
        f"(after {info['warmup']} warm-up rounds), {info['export_rounds']} per export."
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
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--rounds", type=int, default=30, help="Timed requests per page.")
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--export-rounds", type=int, default=2)
    parser.add_argument("--wrk-seconds", type=int, default=5, help="Seconds of wrk -c16 per case (0: skip).")
    parser.add_argument("--port", type=int, default=int(os.environ.get("BENCH_PORT", "8830")),
                        help="Loopback port of the benchmark's gunicorn (also the next two).")
    parser.add_argument("--regenerate", action="store_true")
    parser.add_argument("--no-doc", action="store_true", help="Print the table only.")
    parser.add_argument("--json", help="Also write the raw results to this file.")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker, args)))
        return

    host = urlsplit(args.postgres).hostname or "127.0.0.1"
    if host not in LOOPBACK:
        parser.error("the benchmark only talks to a PostgreSQL on the loopback interface")
    sys.path.insert(0, str(ROOT))
    load_before = machine()["load"]
    results = {}
    for size in args.sizes:
        db = prepare(args.postgres, size, regenerate=args.regenerate)
        print(f"Measuring {db['database']} through gunicorn on 127.0.0.1:{args.port} …", flush=True)
        env = {**os.environ, **WORKER_ENV, "CACHE_URL": cache_url(), "DATABASE_URL": db["url"],
               "DJANGO_SETTINGS_MODULE": "qingshan.settings.production"}
        started, before = datetime.datetime.now(datetime.UTC).strftime("%H:%M"), machine()["load"]
        out = subprocess.run(
            [sys.executable, __file__, "--worker", label(size), "--rounds", str(args.rounds),
             "--warmup", str(args.warmup), "--export-rounds", str(args.export_rounds),
             "--wrk-seconds", str(args.wrk_seconds), "--port", str(args.port)],
            check=True, env=env, cwd=ROOT, stdout=subprocess.PIPE, text=True,
        ).stdout
        results[label(size)] = {**json.loads(out.strip().splitlines()[-1]), "generate_seconds": db["generate_seconds"],
                                "database": db["database"], "started": started, "load_before": before,
                                "ended": datetime.datetime.now(datetime.UTC).strftime("%H:%M"),
                                "load_after": machine()["load"]}
        if args.json:
            Path(args.json).write_text(json.dumps(results, indent=1, ensure_ascii=False))
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT, capture_output=True,
                           text=True).stdout.strip()
    info = {**machine(), "when": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "rounds": args.rounds, "warmup": args.warmup, "export_rounds": args.export_rounds,
            "wrk_seconds": args.wrk_seconds, "load_before": load_before,
            "commit": commit + (" + uncommitted changes" if dirty else "")}
    table = render(results, info)
    print()
    print(table)
    if not args.no_doc:
        write_doc(table)
        print(f"\nWritten to {DOC.relative_to(ROOT)}")


# --------------------------------------------------------------------------- the worker process


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def staff_session(user) -> str:
    """A signed-in, second-factor-verified staff session (what a reviewer has after step 2), as a Cookie
    header: the session row is in the database, so every gunicorn worker and the in-process client
    read it alike."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_static.models import StaticDevice

    device, _created = StaticDevice.objects.get_or_create(user=user, name="bench", defaults={"confirmed": True})
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = user._meta.pk.value_to_string(user)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def worker(size: str, args) -> dict:
    # A SIGTERM unwinds the ``with`` blocks, so that the gunicorns this process started are stopped.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings

    settings.ROOT_URLCONF = "bench.urls"
    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.urls import NoReverseMatch, reverse

    from bench import serve
    from projects.models import Project, Sector

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
    cookie = staff_session(user)

    def url(name, *a, query=""):
        try:
            return reverse(name, args=a) + query
        except NoReverseMatch:
            return None

    # (name, staff?, path, served with the page cache on?)
    cases = [
        ("floor (trivial view)", False, url("bench_floor"), False),
        ("home", False, url("projects:home"), False),
        ("project list", False, url("projects:project_list"), False),
        ("project list: sector + stage", False, url("projects:project_list", query=f"?sector={sector.slug}&stage=started"), False),
        ("project list: keyword 新材料", False, url("projects:project_list", query="?q=新材料"), False),
        ("project list: deep page 400", False, url("projects:project_list", query="?page=400"), False),
        ("project detail", False, url("projects:project_detail", project.slug), False),
        ("API list page", False, url("api:project-list"), False),
        ("API list: keyset cursor page", False, url("api:project-list", query="?cursor="), False),
        ("API detail", False, url("api:project-detail", project.slug), False),
        ("admin changelist", True, url("admin:projects_project_changelist"), False),
        ("plain ListView, the changelist's 100 rows", True, url("bench_admin_baseline"), False),
        ("admin changelist: search 新材料", True, url("admin:projects_project_changelist", query="?q=新材料"), False),
        ("admin change page", True, url("admin:projects_project_change", project.pk), False),
        # What an anonymous visitor gets in production (DJANGO_PUBLIC_CACHE_SECONDS > 0): the page
        # cache's answer, invalidated by every write; served by a second gunicorn with the cache on.
        ("home, page cache hit", False, url("projects:home"), True),
        ("project list, page cache hit", False, url("projects:project_list"), True),
        ("project detail, page cache hit", False, url("projects:project_detail", project.slug), True),
    ]

    # 1. Query counts, in-process (gunicorn cannot report them): the test client through the same
    # middleware and settings, the staff client with the very session the HTTP requests send.
    anonymous, staff = Client(), Client()
    staff.cookies.load(cookie)
    queries: list[tuple] = []

    def count_queries(execute, sql, params, many, context):
        queries.append((sql, params))
        return execute(sql, params, many, context)

    results: dict[str, dict] = {}
    live = []
    for name, is_staff, path, cached in cases:
        if path is None:
            results[name] = {"skipped": "not on main yet"}
            continue
        client = staff if is_staff else anonymous
        settings.PUBLIC_CACHE_SECONDS = 300 if cached else 0
        try:
            client.get(path)  # warm (and fills the page cache for the cached cases)
            queries.clear()
            with connection.execute_wrapper(count_queries):
                response = client.get(path)
        finally:
            settings.PUBLIC_CACHE_SECONDS = 0
        if response.status_code != 200:
            results[name] = {"skipped": f"HTTP {response.status_code}"}
            continue
        results[name] = {"queries": len(queries), "path": path}
        live.append((name, is_staff, path, cached))

    export = {}
    csv_path = url("api:project-list", query="?format=csv")
    # The export's own SELECT (it streams COPY (<select>) TO STDOUT itself): read from its first query
    # of that shape; only the first chunk is consumed, then the response and the connection are closed.
    queries.clear()
    with connection.execute_wrapper(count_queries):
        response = anonymous.get(csv_path)
        chunks = iter(response.streaming_content)
        next(chunks, None)  # the header
        next(chunks, None)  # the first block of the COPY: its statement has run
    copies = [sql for sql, _params in queries if sql.startswith("COPY (") and "projects_project" in sql]
    export["export_queries"] = len(queries)
    export["copy_select"] = copies[0][len("COPY ("): copies[0].rindex(") TO STDOUT")] if copies else None
    with contextlib.suppress(Exception):  # a COPY cut short; the connection is dropped below anyway
        response.close()
    connection.close()
    cache.clear()

    # 2. Over HTTP through gunicorn: server A renders every page (page cache off), server B has the page
    # cache on (the "page cache hit" rows). Both: gunicorn.conf.py as in production.
    env = dict(os.environ)
    port = args.port
    logs = ROOT / "var" / "bench-logs"
    with serve.Gunicorn(port=port, env=env, log=logs / f"gunicorn-{size}.log") as server, \
            serve.Gunicorn(port=port + 1, env=env, log=logs / f"gunicorn-{size}-cached.log",
                           extra={"DJANGO_PUBLIC_CACHE_SECONDS": "300"}) as cached_server:

        def get(is_staff, path, cached, *, warm=False):
            got = serve.fetch(cached_server.port if cached else server.port, path, cookie=cookie if is_staff else "")
            assert got.status == 200 and got.complete, (path, got.status, got.complete)
            assert warm or not cached or got.headers.get("X-Cache") == "hit", (path, got.headers.get("X-Cache"))
            return got.seconds * 1000

        timings: dict[str, list[float]] = {name: [] for name, *_rest in live}
        for _ in range(args.warmup):  # also puts every worker through every page once or more
            for _name, is_staff, path, cached in live:
                get(is_staff, path, cached, warm=True)
        for _ in range(args.rounds):  # interleaved: every page and the floor see the same conditions
            for name, is_staff, path, cached in live:
                timings[name].append(get(is_staff, path, cached))
        for name, values in timings.items():
            results[name].update(median_ms=statistics.median(values), p95_ms=percentile(values, 0.95),
                                 rps_1=len(values) / (sum(values) / 1000))
        if args.wrk_seconds:
            for name, is_staff, path, cached in live:
                got = serve.wrk(cached_server.port if cached else server.port, path, connections=16,
                                seconds=args.wrk_seconds, cookie=cookie if is_staff else "")
                results[name]["rps_16"] = got.get("rps")
                results[name]["wrk"] = got
                # wrk leaves up to 16 accepted requests in gunicorn's queue: let the workers finish them
                # before the next case, so that no case pays for the one before it.
                # A worker waiting on PostgreSQL uses no CPU: also wait until the database runs nothing
                # but this process's own connection.
                drain_started = time.monotonic()
                while time.monotonic() - drain_started < 300:
                    for busy in (server, cached_server):
                        busy.wait_idle()
                    with connection.cursor() as cursor:
                        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                                       "AND state = 'active' AND pid <> pg_backend_pid()")
                        if cursor.fetchone()[0] == 0:
                            break
                    time.sleep(0.5)
                got["drain_s"] = time.monotonic() - drain_started
        export.update(measure_exports(server, csv_path, cookie, export, args, url, user))
    ordered = {name: results[name] for name, *_rest in cases}
    return {"cases": ordered, "export": export, "postgres": f"PostgreSQL {postgres}", "cache": cache_backend}


def copy_rows_per_s(select: str) -> tuple[int, float]:
    """``COPY (select) TO STDOUT WITH (FORMAT csv)`` through psycopg, every block read: rows, seconds.
    On Django's connection, so with the session settings the export runs under (``jit=off``, UTC)."""
    from django.db import connection

    with connection.cursor() as cursor:
        started = time.perf_counter()
        rows = 0
        with cursor.cursor.copy(f"COPY ({select}) TO STDOUT WITH (FORMAT csv)") as copy:
            for block in copy:
                rows += bytes(block).count(b"\n")
        return rows, time.perf_counter() - started


def measure_exports(server, csv_path, cookie, export, args, url, user) -> dict:
    """The full anonymous CSV over HTTP, round by round with PostgreSQL's raw-table COPY and the COPY
    of the export's own SELECT; the serving worker's memory; then what a user sees asking for an XLSX
    (anonymous and staff) and for a staff CSV above the job thresholds."""
    from bench import serve

    out: dict = {"csv": [], "raw": [], "own": []}
    for _ in range(args.export_rounds):
        before = server.workers()
        got = serve.fetch(server.port, csv_path)
        worker = serve.serving_worker(before, server.workers())
        out["csv"].append({"status": got.status, "seconds": got.seconds, "bytes": got.bytes,
                           "rows": max(0, got.newlines - 1), "complete": got.complete, "worker": worker})
        rows, seconds = copy_rows_per_s("SELECT * FROM projects_project")
        out["raw"].append({"rows": rows, "seconds": seconds})
        if export.get("copy_select"):
            rows, seconds = copy_rows_per_s(export["copy_select"])
            out["own"].append({"rows": rows, "seconds": seconds})

    if not all(r["complete"] for r in out["csv"]):
        # Cut by the worker timeout: what the user got is above; for the export's own speed, one more
        # round on a gunicorn whose timeout lets it finish (GUNICORN_TIMEOUT=3600, nothing else changed).
        with serve.Gunicorn(port=server.port + 2, env=server.env, log=server.log.with_name("gunicorn-long-timeout.log"),
                            extra={"GUNICORN_TIMEOUT": "3600"}) as long_server:
            before = long_server.workers()
            got = serve.fetch(long_server.port, csv_path, timeout=3600)
            worker = serve.serving_worker(before, long_server.workers())
            out["csv_long_timeout"] = {"status": got.status, "seconds": got.seconds, "bytes": got.bytes,
                                       "rows": max(0, got.newlines - 1), "complete": got.complete, "worker": worker}

    # What the user sees for the exports that must not run in a request.
    asks = [
        ("anonymous XLSX", url("api:project-list", query="?format=xlsx"), ""),
        ("staff XLSX", url("api:project-list", query="?format=xlsx"), cookie),
        ("staff CSV", csv_path, cookie),
    ]
    out["asks"] = {}
    for name, path, who in asks:
        got = serve.fetch(server.port, path, cookie=who)
        detail = ""
        if got.status != 200:
            try:
                detail = json.loads(got.body.decode()).get("detail", "")
            except (ValueError, AttributeError):
                detail = got.body[:200].decode(errors="replace")
        out["asks"][name] = {"status": got.status, "seconds": got.seconds, "bytes": got.bytes,
                             "rows": max(0, got.newlines - 1) if got.status == 200 and "CSV" in name else None,
                             "complete": got.complete, "detail": str(detail)[:300]}
    # The jobs those requests queued are the benchmark's: removed, so the database stays as generated.
    from django_tasks_db.models import DBTaskResult

    from jobs.models import Job

    jobs = list(Job.objects.filter(started_by=user))
    DBTaskResult.objects.filter(id__in=[job.task_id for job in jobs if job.task_id]).delete()
    Job.objects.filter(pk__in=[job.pk for job in jobs]).delete()
    return out


if __name__ == "__main__":
    main()
