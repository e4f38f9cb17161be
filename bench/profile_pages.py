"""Quick timing and profile of the public pages on a local database (not the benchmark: bench/run.py).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/qs_x DJANGO_DEBUG=0 DJANGO_SECRET_KEY=… \\
        .venv/bin/python bench/profile_pages.py [--rounds 20] [--profile /projects/]

Run it with the benchmark's worker settings (page cache off, DEBUG off). Prints the median and p90
server time of each page, interleaved round by round with the trivial floor view (``bench/urls.py``),
and with ``--profile URL`` the top functions of a cProfile of that page (cumulative time).
"""

import argparse
import cProfile
import os
import pstats
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
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--profile", default="")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("urls", nargs="*")
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.test import Client

    from projects.models import Project

    settings.ROOT_URLCONF = "bench.urls"
    settings.ALLOWED_HOSTS = ["testserver"]
    client = Client()
    middle = Project.objects.public().order_by("id")
    detail = middle[middle.count() // 2].get_absolute_url()
    urls = args.urls or ["/__bench__/floor/", "/", "/projects/", "/projects/?q=新材料",
                         "/projects/?sector=demo-sector-01&stage=started", "/projects/?page=400", detail]
    for url in urls:  # warm up: connections, templates, the data cache
        for _ in range(3):
            assert client.get(url).status_code in (200, 404), url
    times: dict[str, list[float]] = {url: [] for url in urls}
    for _ in range(args.rounds):
        for url in urls:
            start = time.perf_counter()
            client.get(url)
            times[url].append((time.perf_counter() - start) * 1000)
    floor = statistics.median(times[urls[0]])
    for url in urls:
        values = sorted(times[url])
        median = statistics.median(values)
        p90 = values[int(len(values) * 0.9) - 1]
        print(f"{median:8.1f} ms median {p90:8.1f} ms p90 {median / floor:7.1f} x floor  {url}")
    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(10):
            client.get(args.profile)
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(args.top)


if __name__ == "__main__":
    main()
