#!/usr/bin/env python
"""
The OC4IDS package (``/api/v1/oc4ids/``) over the whole ledger: is it valid, how long does it take,
and does the serving process stay flat in memory while it streams?

    # a database of its own with the seed and a demo ledger (generate_demo is deterministic)
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/qs_chains
    .venv/bin/python manage.py migrate && .venv/bin/python manage.py load_seed
    .venv/bin/python manage.py generate_demo --projects 100000 --seed 1 --replace
    .venv/bin/python bench/oc4ids.py --validate       # the whole package against tests/data/oc4ids/
    .venv/bin/python bench/oc4ids.py --rounds 3       # time and peak RSS, streamed, against baselines

Each measurement runs in a fresh process (``--one PATH``) with production-like settings (DEBUG off: no
query log growing in memory), which serves the request in-process through Django's full stack and
reads the streamed body to the end: the seconds to the last byte, the bytes, the process's resident
memory before the request (after a warm-up request) and its peak (``ru_maxrss``) after. Baselines,
measured in the same run: a trivial view (``/healthz``), one page of the JSON list
(``/api/v1/projects/?page_size=50``) and the whole-ledger CSV export (``?format=csv``, itself streamed); and the package of one signing year beside the whole one, for
the memory (flat: the same peak for 8 MB and for 160 MB sent).
Rounds interleave the paths; the medians are printed. Scores move with the machine's load: compare
rows of one run.
"""

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PATHS = {
    "trivial view (/healthz)": "/healthz",
    "JSON list, one page of 50": "/api/v1/projects/?page_size=50",
    "CSV export, whole ledger": "/api/v1/projects/?format=csv",
    "OC4IDS package, whole ledger": "/api/v1/oc4ids/",
    # A tenth of the ledger or so: the memory of the stream must not grow with what it sends.
    "OC4IDS package, one year (2024)": "/api/v1/oc4ids/?year=2024",
}
ENV = {
    "DJANGO_SETTINGS_MODULE": "qingshan.settings.base",
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "bench-only-secret-key-never-used-outside-bench-oc4ids-py-0123456789",
    "DJANGO_ALLOWED_HOSTS": "testserver",
    "DJANGO_PUBLIC_CACHE_SECONDS": "0",
    "API_ANON_THROTTLE_RATE": "1000000/hour",
    "DJANGO_LOG_LEVEL": "WARNING",
}


def rss_kb() -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def setup() -> None:
    sys.path.insert(0, str(ROOT))
    for key, value in ENV.items():
        os.environ.setdefault(key, value)
    import django

    django.setup()


def one(path: str) -> dict:
    """Serve ``path`` once in this process and read its whole body; print what it cost."""
    setup()
    from django.test import Client

    client = Client()
    client.get("/healthz")  # warm the stack (URLconf, middleware, the database connection)
    before = rss_kb()
    started = time.perf_counter()
    response = client.get(path)
    size = 0
    if response.streaming:
        for piece in response.streaming_content:
            size += len(piece)
    else:
        size = len(response.content)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kB on Linux
    return {"path": path, "status": response.status_code, "seconds": seconds, "bytes": size,
            "rss_before_kb": before, "rss_peak_kb": peak}


def validate() -> None:
    setup()
    from django.test import Client
    from jsonschema import Draft4Validator, FormatChecker
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT4

    from projects.models import Project

    schemas = ROOT / "tests" / "data" / "oc4ids"
    package_schema = json.loads((schemas / "project-package-schema.json").read_text(encoding="utf-8"))
    project_schema = json.loads((schemas / "project-schema.json").read_text(encoding="utf-8"))
    registry = Registry().with_resource(project_schema["id"],
                                        Resource.from_contents(project_schema, default_specification=DRAFT4))
    started = time.perf_counter()
    response = Client().get("/api/v1/oc4ids/")
    package = json.loads(b"".join(response.streaming_content))
    fetched = time.perf_counter() - started
    errors = list(Draft4Validator(package_schema, registry=registry, format_checker=FormatChecker())
                  .iter_errors(package))
    for error in errors[:20]:
        print("/".join(map(str, error.absolute_path)), error.message)
    ids = [project["id"] for project in package["projects"]]
    print(f"{len(ids)} projects ({Project.objects.public().count()} public in the ledger), "
          f"{len(set(ids))} distinct ids, fetched in {fetched:.1f} s; schema errors: {len(errors)}")
    sys.exit(1 if errors or len(ids) != len(set(ids)) else 0)


def measure(rounds: int) -> None:
    results: dict[str, list[dict]] = {name: [] for name in PATHS}
    env = {**os.environ, **{key: os.environ.get(key, value) for key, value in ENV.items()}}
    for _round in range(rounds):
        for name, path in PATHS.items():
            done = subprocess.run([sys.executable, __file__, "--one", path], env=env, cwd=ROOT, check=True,
                                  capture_output=True, text=True)
            row = json.loads(done.stdout.strip().splitlines()[-1])
            assert row["status"] == 200, row
            results[name].append(row)
    trivial = statistics.median(row["seconds"] for row in results["trivial view (/healthz)"])
    print(f"{'':32} {'seconds':>9} {'× trivial':>10} {'MB sent':>9} {'RSS before':>11} {'RSS peak':>9} {'peak − before':>14}")
    for name, rows in results.items():
        seconds = statistics.median(row["seconds"] for row in rows)
        before = statistics.median(row["rss_before_kb"] for row in rows) / 1024
        peak = statistics.median(row["rss_peak_kb"] for row in rows) / 1024
        size = statistics.median(row["bytes"] for row in rows) / 1e6
        print(f"{name:32} {seconds:9.3f} {seconds / trivial:10.0f} {size:9.1f} {before:9.1f} MB {peak:7.1f} MB "
              f"{peak - before:11.1f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--one", metavar="PATH", help="(internal) serve PATH once in this process")
    parser.add_argument("--validate", action="store_true", help="validate the whole package against the schema")
    parser.add_argument("--rounds", type=int, default=3)
    options = parser.parse_args()
    if options.one:
        print(json.dumps(one(options.one)))
    elif options.validate:
        validate()
    else:
        measure(options.rounds)


if __name__ == "__main__":
    main()
