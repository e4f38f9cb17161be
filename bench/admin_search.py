"""Quick timing of the admin project changelist keyword search (not the benchmark: bench/run.py).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/qs_x DJANGO_DEBUG=0 DJANGO_SECRET_KEY=… \\
    DJANGO_PUBLIC_CACHE_SECONDS=0 .venv/bin/python bench/admin_search.py [--rounds 15] [--explain]

Logs in a superuser (created if missing) and prints the median and p90 server time and the query
count of ``/admin/projects/project/?q=…`` for each keyword; with ``--explain`` the EXPLAIN ANALYZE of
each query the page runs for the first keyword. ``--baseline`` also times the unsearched changelist
and the plain Django ``ListView`` of its 100 rows (``bench/urls.py``, as in ``bench/run.py``), round by
round with the searches, and prints changelist ÷ ListView (the issue's target: ≤ 3).
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from qingshan.settings import default_settings_module  # noqa: E402

# As manage.py: production settings with DJANGO_DEBUG=0, the laptop's otherwise.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", default_settings_module())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--baseline", action="store_true", help="Also the changelist and a plain ListView.")
    parser.add_argument("keywords", nargs="*", default=["新材料"])
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    settings.ALLOWED_HOSTS = ["testserver"]
    settings.ROOT_URLCONF = "bench.urls"  # the site's URLs plus the ListView baseline
    user, _ = get_user_model().objects.get_or_create(
        username="bench-admin-search", defaults={"is_staff": True, "is_superuser": True}
    )
    client = Client()
    client.force_login(user)
    urls = [f"/admin/projects/project/?q={keyword}" for keyword in args.keywords]
    if args.baseline:
        urls += ["/admin/projects/project/", "/__bench__/admin-baseline/"]
    for url in urls:  # warm up
        for _ in range(3):
            assert client.get(url).status_code == 200, url
    times: dict[str, list[float]] = {url: [] for url in urls}
    for _ in range(args.rounds):
        for url in urls:
            start = time.perf_counter()
            client.get(url)
            times[url].append((time.perf_counter() - start) * 1000)
    for url in urls:
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        values = sorted(times[url])
        p90 = values[int(len(values) * 0.9) - 1]
        print(f"{statistics.median(values):8.1f} ms median {p90:8.1f} ms p90 {len(queries):3d} queries  {url}")
    if args.baseline:
        changelist, baseline = (statistics.median(times[url]) for url in urls[-2:])
        print(f"changelist ÷ plain ListView of the same 100 rows: {changelist / baseline:.2f}")
    if args.explain:
        with CaptureQueriesContext(connection) as queries:
            client.get(urls[0])
        with connection.cursor() as cursor:
            for query in queries.captured_queries:
                sql = query["sql"]
                if not sql.lstrip().upper().startswith("SELECT") or "django_session" in sql:
                    continue
                cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS OFF) {sql}")
                plan = "\n".join(row[0] for row in cursor.fetchall())
                total = float(query["time"]) * 1000
                print(f"\n--- {total:.1f} ms  {sql[:300]}\n{plan}")


if __name__ == "__main__":
    main()
