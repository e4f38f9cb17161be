"""Fault drill: steady load while PostgreSQL is stopped for a while and started again.

    python bench/load/fault.py --base http://127.0.0.1:8190 --urls urls.txt \
        --stop "pg_ctl ... stop" --start "pg_ctl ... start" [--duration 40 --down-at 10 --down-for 10]

Threads send GET requests (keep-alive, 5 s timeout) in a loop for ``--duration`` seconds, to
loopback only, as the nginx of docs/deploy.md passes them on: each thread speaks for
``--visitors`` visitors of its own (``X-Forwarded-For: 10.<200 + thread>.0.<n>``), so that the
app (``DJANGO_TRUSTED_PROXY_COUNT=1``) throttles the API per visitor at the production rate. At ``--down-at`` the ``--stop`` command runs, ``--down-for`` seconds later the
``--start`` command. The ``--start`` command runs again at the end whatever happened. Prints a
per-second timeline and a JSON verdict: every answer must be a 200 or a fast 503 page (no 429,
no 500, no timeout, no traceback; anything else is listed under ``unexpected``), and the service
must serve 200s again after the start without a restart. Then ``--check`` (default ``manage.py
check_export`` with this Python, in the repository, with the server's ``DATABASE_URL`` from the
environment) must pass: the export's stored data equals a fresh computation after the outage.
"""

import argparse
import http.client
import json
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path
from urllib.parse import urlsplit


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q / 100 * (len(values) - 1))))]


def worker(
    base: str, paths: list[str], number: int, visitors: int, stop_at: float, results: list, lock: threading.Lock
) -> None:
    parts = urlsplit(base)
    if parts.hostname not in {"127.0.0.1", "localhost", "::1"}:
        raise SystemExit("loopback only")
    conn = None
    i = number * 7  # each thread starts at its own place in the list
    local = []
    while time.monotonic() < stop_at:
        path = paths[i % len(paths)]
        visitor = f"10.{200 + number}.0.{i % visitors + 1}"
        i += 1
        started = time.monotonic()
        try:
            if conn is None:
                conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=5)
            conn.request(
                "GET", path, headers={"X-Forwarded-Proto": "https", "Host": "127.0.0.1", "X-Forwarded-For": visitor}
            )
            response = conn.getresponse()
            body = response.read()
            status = response.status
            if status == 503 and "服务暂时不可用".encode() not in body:
                status = "503-without-page"
            if b"Traceback" in body:
                status = f"{status}-traceback"
            if response.getheader("Connection", "").lower() == "close":
                conn.close()
                conn = None
        except (OSError, http.client.HTTPException) as exc:
            status = f"error:{type(exc).__name__}"
            if conn is not None:
                conn.close()
            conn = None
        local.append((started, time.monotonic() - started, status))
    with lock:
        results.extend(local)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", required=True)
    parser.add_argument("--urls", required=True)
    parser.add_argument("--stop", required=True)
    parser.add_argument("--start", required=True)
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--visitors", type=int, default=250, help="visitor addresses per thread (at most 254)")
    parser.add_argument("--duration", type=float, default=40)
    parser.add_argument("--down-at", type=float, default=10)
    parser.add_argument("--down-for", type=float, default=10)
    parser.add_argument("--check", default=f"{sys.executable} manage.py check_export",
                        help="run after the load, from the repository; must exit 0 (empty: skip)")
    args = parser.parse_args()
    if not 1 <= args.visitors <= 254 or args.threads > 50:
        parser.error("--visitors 1..254, --threads at most 50")
    with open(args.urls, encoding="utf-8") as urls:
        paths = [line.strip() for line in urls if line.strip()]

    results: list = []
    lock = threading.Lock()
    t0 = time.monotonic()
    stop_at = t0 + args.duration
    threads = [
        threading.Thread(
            target=worker, args=(args.base, paths, n, args.visitors, stop_at, results, lock), daemon=True
        )
        for n in range(args.threads)
    ]
    for thread in threads:
        thread.start()
    events = {}
    try:
        time.sleep(max(0, t0 + args.down_at - time.monotonic()))
        events["stop_issued"] = time.monotonic() - t0
        subprocess.run(args.stop, shell=True, check=True)
        events["stopped"] = time.monotonic() - t0
        time.sleep(max(0, t0 + args.down_at + args.down_for - time.monotonic()))
        events["start_issued"] = time.monotonic() - t0
        subprocess.run(args.start, shell=True, check=True)
        events["started"] = time.monotonic() - t0
        for thread in threads:
            thread.join()
    finally:
        # Whatever happened above: the database must be running when this script ends.
        if "started" not in events:
            subprocess.run(args.start, shell=True, check=False)

    per_second: dict[int, Counter] = defaultdict(Counter)
    slowest: dict[int, float] = defaultdict(float)
    for started, latency, status in results:
        second = int(started - t0)
        per_second[second][str(status)] += 1
        slowest[second] = max(slowest[second], latency)
    print(f"{'t(s)':>4}  {'200':>6}  {'503':>6}  {'other':>6}  {'max ms':>7}")
    for second in sorted(per_second):
        counts = per_second[second]
        other = sum(v for k, v in counts.items() if k not in {"200", "503"})
        print(f"{second:>4}  {counts['200']:>6}  {counts['503']:>6}  {other:>6}  {slowest[second] * 1000:>7.0f}")

    statuses = Counter(str(status) for _, _, status in results)
    lat_503 = [lat * 1000 for _, lat, status in results if status == 503]
    lat_200 = [lat * 1000 for _, lat, status in results if status == 200]
    started_at = events.get("started", args.duration)
    after = [(s - t0, status) for s, _, status in results if s - t0 >= started_at]
    first_ok_after = next((t for t, status in sorted(after) if status == 200), None)
    tail = [status for s, _, status in results if s - t0 >= started_at + 5]
    verdict = {
        "requests": len(results),
        "statuses": dict(statuses),
        "events_s": {k: round(v, 2) for k, v in events.items()},
        "p99_ms_200": round(percentile(lat_200, 99), 1),
        "p99_ms_503": round(percentile(lat_503, 99), 1),
        "max_ms_503": round(max(lat_503, default=0), 1),
        "first_200_after_start_s": round(first_ok_after - started_at, 2) if first_ok_after is not None else None,
        "visitors": args.visitors * args.threads,
        "unexpected": {status: count for status, count in statuses.items() if status not in {"200", "503"}},
        "only_200_and_503": set(statuses) <= {"200", "503"},
        "saw_503": statuses["503"] > 0,
        "recovered": bool(tail) and all(status == 200 for status in tail),
    }
    # "Fast": a 503 takes no longer than an ordinary page under the same load, and nothing comes near
    # the 5 s client timeout (a hang on the database would: connect_timeout is 3 s).
    verdict["fast"] = verdict["p99_ms_503"] <= max(1000.0, verdict["p99_ms_200"]) and verdict["max_ms_503"] < 5000
    if args.check:
        check = subprocess.run(args.check, shell=True, cwd=Path(__file__).resolve().parents[2], capture_output=True,
                               text=True)
        print(check.stdout + check.stderr, end="")
        verdict["export_check"] = check.returncode == 0
    verdict["ok"] = all(verdict[k] for k in ("only_200_and_503", "saw_503", "recovered", "fast", "export_check")
                        if k in verdict)
    if verdict["unexpected"]:
        print("unexpected answers (neither 200 nor the 503 page): " + json.dumps(verdict["unexpected"]))
    print("FAULT_JSON " + json.dumps(verdict, ensure_ascii=False))
    return 0 if verdict["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
