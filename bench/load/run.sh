#!/usr/bin/env bash
# Load and fault test: gunicorn on PostgreSQL with generated data, loopback only, bounded in time.
#
#   bench/load/run.sh            # ~5 minutes; results in var/bench-load/ (summary.md, *.json, logs)
#
# 1. A private PostgreSQL cluster of its own (initdb in $BENCH_PGDATA, port $BENCH_PGPORT), made for the
#    run and removed after it: the fault drill stops *that* cluster, never the machine's PostgreSQL
#    (port 5432) that other people's databases and test runs use. A database with the seed data plus
#    `generate_demo --projects $BENCH_PROJECTS`. The script refuses to start when either of its ports
#    is already taken (another drill, another server), instead of stopping what runs there.
# 2. gunicorn as in docs/deploy.md (DJANGO_DEBUG=0, whitenoise, persistent connections, JSON logs,
#    DJANGO_TRUSTED_PROXY_COUNT=1), worker count from the cores, on 127.0.0.1:$BENCH_PORT.
# 3. wrk, $BENCH_CONNECTIONS connections for $BENCH_DURATION s over home, lists, details and the API:
#    once with the shared Redis page cache (production setting), once without any page cache.
#    Requests come as nginx passes them on, from many visitors (X-Forwarded-For, bench/load/wrk.lua):
#    the API's anonymous throttle stays at its production rate and counts each visitor.
# 4. Fault drill (no page cache, so every request needs the database): steady load, the private
#    PostgreSQL stopped for 10 s and started again; every failure must be a fast 503 page and the
#    service must recover by itself. The private cluster is stopped and removed at the end.
# Verdict (last line, exit status 0/1): PASS when the load runs answered 200 only (any other status,
# 429 included, or a socket error is a failure and is listed; wrk's 10 s timeouts are reported apart)
# and the fault drill answered 200 or the 503 page only, fast, and recovered.
#
# Environment: BENCH_PROJECTS (10000), BENCH_DURATION (60), BENCH_CONNECTIONS (64), BENCH_PORT (8765),
# BENCH_PGPORT (5499), BENCH_PGDATA (/tmp/qs-bench-pg-$BENCH_PGPORT), BENCH_KEEP_PG (0),
# BENCH_OUT (var/bench-load), REDIS_URL (redis://127.0.0.1:6379/0).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)

PROJECTS=${BENCH_PROJECTS:-10000}
DURATION=${BENCH_DURATION:-60}
CONNECTIONS=${BENCH_CONNECTIONS:-64}
APP_PORT=${BENCH_PORT:-8765}
OUT=${BENCH_OUT:-var/bench-load}
REDIS=${REDIS_URL:-redis://127.0.0.1:6379/0}
PG_VERSION=$(ls /etc/postgresql | sort -n | tail -1)
PGBIN=/usr/lib/postgresql/$PG_VERSION/bin
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
# The machine's load average (1/5/15 min) before anything starts (other people's work only) and when
# each run starts (then including the drill's own earlier steps): printed with the results.
note_load() { echo "$1 $(cut -d' ' -f1-3 /proc/loadavg)" >> "$OUT/load.txt"; }
: > "$OUT/load.txt"
note_load before

command -v wrk >/dev/null || { apt-get install -y -qq wrk >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq wrk >/dev/null); }
make -s install
PY=$ROOT/.venv/bin/python

as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

PGPORT=${BENCH_PGPORT:-5499}
PGDATA=${BENCH_PGDATA:-/tmp/qs-bench-pg-$PGPORT}
[ "$PGPORT" != 5432 ] || { echo "BENCH_PGPORT=5432 is the machine's PostgreSQL: the drill stops its own cluster only" >&2; exit 2; }
port_taken() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for port in "$APP_PORT" "$PGPORT"; do
  if port_taken "$port"; then
    echo "port $port is in use (another drill or server?): choose BENCH_PORT / BENCH_PGPORT" >&2; exit 2
  fi
done
# Stop/start the private cluster only: pg_ctl on its own data directory, with its own port and socket dir.
PG_CTL="$PGBIN/pg_ctl"; [ "$(id -u)" = 0 ] && PG_CTL="runuser -u postgres -- $PG_CTL"
PG_STOP="$PG_CTL -D $PGDATA -m fast -w stop"
PG_START="$PG_CTL -D $PGDATA -w -l $PGDATA/server.log -o '-p $PGPORT -k /tmp' start"
DB_URL="postgres://postgres@127.0.0.1:$PGPORT/qs_bench"

GUNICORN_PID=""
stop_app() {
  if [ -n "$GUNICORN_PID" ] && kill -0 "$GUNICORN_PID" 2>/dev/null; then
    kill "$GUNICORN_PID"; wait "$GUNICORN_PID" 2>/dev/null || true
  fi
  GUNICORN_PID=""
}
cleanup() {
  stop_app
  # Whatever happened: the private cluster is stopped and put away (BENCH_KEEP_PG=1 keeps its files).
  eval "$PG_STOP" >/dev/null 2>&1 || true
  [ "${BENCH_KEEP_PG:-0}" = 1 ] || rm -rf "$PGDATA"
}
trap cleanup EXIT

echo "== PostgreSQL: private cluster in $PGDATA, port $PGPORT (the machine's 5432 is not touched)"
eval "$PG_STOP" >/dev/null 2>&1 || true  # a cluster left in that directory by an interrupted run
rm -rf "$PGDATA"; mkdir -p "$PGDATA"; [ "$(id -u)" = 0 ] && chown postgres:postgres "$PGDATA"
as_postgres "$PGBIN/initdb" -D "$PGDATA" -U postgres -A trust --no-sync >/dev/null
eval "$PG_START" >/dev/null
PGOPTIONS="-c client_min_messages=warning" psql -q "postgres://postgres@127.0.0.1:$PGPORT/postgres" -c "DROP DATABASE IF EXISTS qs_bench" -c "CREATE DATABASE qs_bench"

export DJANGO_DEBUG=0
export DJANGO_SECRET_KEY="bench-$(head -c 32 /dev/urandom | base64 | tr -d '/+=')"
export DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost
export DATABASE_URL=$DB_URL
export DJANGO_CONN_MAX_AGE=60
export DJANGO_LOG_FORMAT=json
export DJANGO_LOG_LEVEL=WARNING
export GUNICORN_BIND=127.0.0.1:$APP_PORT
# As behind the nginx of docs/deploy.md: the visitor is the X-Forwarded-For entry the proxy appended
# (wrk.lua and fault.py send one per visitor); the API's anonymous throttle keeps its production rate.
export DJANGO_TRUSTED_PROXY_COUNT=1
THROTTLE_RATE=${API_ANON_THROTTLE_RATE:-1000/hour}

echo "== data: migrate, seed, generate_demo --projects $PROJECTS"
started=$(date +%s)
$PY manage.py migrate --noinput -v 0
$PY manage.py load_seed >/dev/null 2>&1
$PY manage.py generate_demo --projects "$PROJECTS" --seed 1 --no-progress | tail -1
$PY manage.py collectstatic --noinput -v 0
echo "   $(( $(date +%s) - started )) s"

# URL mix: home, lists (with a filter and a later page), detail pages, and the API when it exists.
$PY manage.py shell --no-imports -c "
from projects.models import Project, SigningEvent, RenewalZone, ResearchInstitute
from ambassadors.models import Ambassador
paths = ['/', '/projects/', '/projects/?page=3', '/projects/?stage=signed', '/events/', '/zones/', '/institutes/', '/ambassadors/']
paths += [p.get_absolute_url() for p in Project.objects.public().order_by('?')[:300]]
for model in (SigningEvent, RenewalZone, ResearchInstitute, Ambassador):
    paths += [o.get_absolute_url() for o in model.objects.public()[:10]]
paths += ['/api/v1/projects/', '/api/v1/projects/?page=2', '/api/v1/events/', '/api/v1/ambassadors/']
paths += ['/api/v1/projects/%s/' % p.slug for p in Project.objects.public().order_by('?')[:100]]
print('\n'.join(paths))
" > "$OUT/candidates.txt"

start_app() {  # $1: label; other settings through the environment
  stop_app
  "$ROOT/.venv/bin/gunicorn" qingshan.wsgi -c gunicorn.conf.py >"$OUT/gunicorn-$1.log" 2>&1 &
  GUNICORN_PID=$!
  for _ in $(seq 1 50); do
    curl -fs "http://127.0.0.1:$APP_PORT/readyz" >/dev/null && return 0
    sleep 0.2
  done
  echo "gunicorn did not become ready" >&2; tail -20 "$OUT/gunicorn-$1.log" >&2; exit 1
}

export CACHE_URL=$REDIS DJANGO_CACHE_PREFIX="qs-bench-$$"
start_app check
: > "$OUT/urls.txt"; skipped=0
n=0
while read -r path; do  # one visitor address per URL, so that the throttle never decides which URLs count
  n=$((n + 1))
  code=$(curl -s -o /dev/null -w '%{http_code}' -H 'X-Forwarded-Proto: https' \
    -H "X-Forwarded-For: 10.250.$((n / 250)).$((n % 250 + 1))" "http://127.0.0.1:$APP_PORT$path")
  if [ "$code" = 200 ]; then echo "$path" >> "$OUT/urls.txt"; else skipped=$((skipped + 1)); fi
done < "$OUT/candidates.txt"
grep -q '^/$' "$OUT/urls.txt" || { echo "home page does not answer 200" >&2; exit 1; }
# Weighted mix, shuffled: about 40 % home and list pages, 40 % detail pages, 20 % API when it exists.
$PY - "$OUT/urls.txt" > "$OUT/mix.txt" <<'PYEOF'
import random, sys
paths = open(sys.argv[1]).read().split()
api = [p for p in paths if p.startswith("/api/")]
pages = [p for p in paths if not p.startswith("/api/")]
lists = [p for p in pages if p == "/" or p.rstrip("/").count("/") <= 1 or "?" in p]
details = [p for p in pages if p not in lists]
mix = lists * max(1, len(details) // len(lists)) + details + api * max(1, len(details) // max(1, 2 * len(api)))
random.Random(1).shuffle(mix)
print("\n".join(mix))
PYEOF
api=$(grep -c '^/api/' "$OUT/urls.txt" || true)
echo "== $(wc -l < "$OUT/urls.txt") URLs answer 200 ($api of them API; $skipped candidates skipped: not 200, e.g. no API yet)"

run_wrk() {  # $1: label
  # Warm up the fresh workers (imports, templates, translations, connections) for 5 s, unmeasured.
  URLS_FILE="$OUT/mix.txt" wrk -t2 -c"$CONNECTIONS" -d5s --timeout 10s -s bench/load/wrk.lua \
    "http://127.0.0.1:$APP_PORT" > /dev/null
  note_load "$1"
  URLS_FILE="$OUT/mix.txt" wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --timeout 10s -s bench/load/wrk.lua \
    "http://127.0.0.1:$APP_PORT" > "$OUT/wrk-$1.txt"
  grep '^WRK_JSON' "$OUT/wrk-$1.txt" | sed 's/^WRK_JSON //' > "$OUT/wrk-$1.json"
  echo "   $1: $(cat "$OUT/wrk-$1.json")"
}

echo "== load, shared Redis page cache (production setting): $CONNECTIONS connections, $DURATION s"
start_app cached
run_wrk cached

echo "== load, no page cache (every request renders from PostgreSQL)"
export DJANGO_PUBLIC_CACHE_SECONDS=0
start_app uncached
run_wrk uncached

echo "== fault drill: the private PostgreSQL stopped at 10 s for 10 s under load"
start_app fault
URLS_FILE="$OUT/mix.txt" wrk -t2 -c16 -d10s --timeout 10s -s bench/load/wrk.lua "http://127.0.0.1:$APP_PORT" > /dev/null  # warm-up
# Its exit status is not ours: the verdict below reads its FAULT_JSON line.
note_load fault
$PY bench/load/fault.py --base "http://127.0.0.1:$APP_PORT" --urls "$OUT/mix.txt" \
  --stop "$PG_STOP" --start "$PG_START" --duration 40 --down-at 10 --down-for 10 > "$OUT/fault.txt" 2>&1 || true
pg_isready -q -h 127.0.0.1 -p "$PGPORT" || eval "$PG_START" >/dev/null 2>&1 || true  # belt and braces
cat "$OUT/fault.txt"
grep '^FAULT_JSON' "$OUT/fault.txt" | sed 's/^FAULT_JSON //' > "$OUT/fault.json" || true
# The same gunicorn workers, never restarted, still serve:
curl -fs "http://127.0.0.1:$APP_PORT/readyz" > "$OUT/readyz-after.json" && echo "   readyz after the drill: $(cat "$OUT/readyz-after.json")"
grep -c '"status": 503' "$OUT/gunicorn-fault.log" > "$OUT/fault-503-log-lines.txt" || true

$PY - "$OUT" "$PROJECTS" "$DURATION" "$CONNECTIONS" "$THROTTLE_RATE" <<'PYEOF'
import collections, json, os, platform, sys
out, projects, duration, connections, throttle_rate = sys.argv[1:]
cached = json.load(open(f"{out}/wrk-cached.json"))
uncached = json.load(open(f"{out}/wrk-uncached.json"))
try:
    fault = json.load(open(f"{out}/fault.json"))
except ValueError:  # fault.py died before its verdict
    fault = None
urls = open(f"{out}/urls.txt").read().split()
def socket_errors(r):
    return r["errors_connect"] + r["errors_read"] + r["errors_write"]
def other_statuses(r):
    return {status: n for status, n in r["statuses"].items() if status != "200"}
def fmt(counts):
    return ", ".join(f"{n:,} × {status}" for status, n in sorted(counts.items())) or "none"
load = open("/proc/loadavg").read().split()[:3]
started = [line.split() for line in open(f"{out}/load.txt") if line.strip()]
lines = [
    f"Machine load average (1 / 5 / 15 min, {os.cpu_count()} cores; other work on the machine competes for them): "
    + "; ".join(f"{'before the drill started' if label == 'before' else label + ' run started at'} {' / '.join(values)}"
                for label, *values in started)
    + f"; all runs ended at {' / '.join(load)}.",
    "",
    f"Machine: {os.cpu_count()} cores, {platform.python_version()}, gunicorn {os.cpu_count() * 2 + 1} sync workers, "
    f"private PostgreSQL cluster with the seed + {projects} generated projects; {len(urls)} URLs "
    f"({sum(u.startswith('/api/') for u in urls)} API), {connections} connections, {duration} s each, wrk on the same machine. "
    f"Requests as nginx passes them on (DJANGO_TRUSTED_PROXY_COUNT=1) from {cached['visitors']:,} visitor addresses; "
    f"API anonymous throttle at {throttle_rate} per visitor (not raised for the run).",
    "",
    "| run | requests | req/s | other than 200 | socket errors | wrk timeouts (>10 s) | p50 ms | p90 ms | p99 ms | max ms |",
    "| --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
]
failures = []
for label, r in (("shared Redis page cache (production)", cached), ("no page cache", uncached)):
    others = other_statuses(r)
    lines.append(f"| {label} | {r['requests']:,} | {r['rps']:.0f} | {fmt(others)} | {socket_errors(r)} | {r['errors_timeout']} | "
                 f"{r['p50_ms']:.1f} | {r['p90_ms']:.1f} | {r['p99_ms']:.1f} | {r['max_ms']:.1f} |")
    if others:
        failures.append(f"{label}: answers other than 200: {fmt(others)}")
    if socket_errors(r):
        failures.append(f"{label}: {socket_errors(r)} socket errors (connect/read/write)")
if fault is None:
    failures.append("fault drill: no verdict (see fault.txt)")
else:
    lines += [
        "",
        f"Fault drill (no page cache, {fault['visitors']:,} visitor addresses): {fault['requests']:,} requests, statuses {fault['statuses']}; "
        f"private PostgreSQL stopped at {fault['events_s'].get('stopped')} s, started again at {fault['events_s'].get('started')} s; "
        f"503 p99 {fault['p99_ms_503']} ms (max {fault['max_ms_503']} ms); first 200 {fault['first_200_after_start_s']} s "
        f"after the start; only 200/503: {fault['only_200_and_503']}; fast: {fault['fast']}; "
        f"recovered without restart: {fault['recovered']}.",
    ]
    if fault["unexpected"]:
        failures.append(f"fault drill: answers neither 200 nor the 503 page: {fmt(fault['unexpected'])}")
    for key, what in (("saw_503", "no 503 while the database was down"), ("fast", "503 answers not fast"),
                      ("recovered", "not only 200s from 5 s after the start")):
        if not fault[key]:
            failures.append(f"fault drill: {what}")
def kind(path):
    if path.startswith("/api/"):
        return "API"
    if path == "/":
        return "home"
    return "list" if path.rstrip("/").count("/") <= 1 else "detail"
def records(log):
    for line in open(log):
        if line.startswith("{"):
            try:
                yield json.loads(line)
            except ValueError:
                continue
def server_times(log):
    times = collections.defaultdict(list)
    for record in records(log):
        if record.get("logger") == "qingshan.request" and record.get("status") == 200 and not record["path"].startswith(("/readyz", "/healthz")):
            times[kind(record["path"])].append(record["duration_ms"])
    return times
fault_503 = sorted(r["duration_ms"] for r in records(f"{out}/gunicorn-fault.log")
                   if r.get("logger") == "qingshan.request" and r.get("status") == 503)
if fault_503:
    lines += ["", f"Server side, the {len(fault_503)} 503 answers took p50 {fault_503[len(fault_503) // 2]:.1f} ms, "
              f"p99 {fault_503[min(len(fault_503) - 1, int(len(fault_503) * 0.99))]:.1f} ms, "
              f"max {fault_503[-1]:.1f} ms inside Django (JSON request log)."]
lines += ["", "Time spent in Django per request (from the JSON request log; excludes queueing in front of the workers):", "",
          "| run | page | requests | p50 ms | p99 ms |", "| --- | --- | ---: | ---: | ---: |"]
for label, log in (("cache", "gunicorn-cached.log"), ("no cache", "gunicorn-uncached.log")):
    for page, values in sorted(server_times(f"{out}/{log}").items()):
        values.sort()
        lines.append(f"| {label} | {page} | {len(values)} | {values[len(values) // 2]:.1f} | {values[min(len(values) - 1, int(len(values) * 0.99))]:.1f} |")
lines += [""] + [f"- FAILED {failure}" for failure in failures]
lines.append(f"Verdict: {'FAIL' if failures else 'PASS'}")
open(f"{out}/summary.md", "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
sys.exit(1 if failures else 0)
PYEOF
