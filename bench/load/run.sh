#!/usr/bin/env bash
# Load and fault test: gunicorn on PostgreSQL with generated data, loopback only, bounded in time.
#
#   bench/load/run.sh            # ~5 minutes; results in var/bench-load/ (summary.md, *.json, logs)
#
# 1. A private PostgreSQL cluster on port 5499 (so that stopping it disturbs nobody else's database;
#    BENCH_PG=main uses the machine's main cluster instead, via pg_ctlcluster), a database with the
#    seed data plus `generate_demo --projects $BENCH_PROJECTS`.
# 2. gunicorn as in docs/deploy.md (DJANGO_DEBUG=0, whitenoise, persistent connections, JSON logs),
#    worker count from the cores, on 127.0.0.1:$BENCH_PORT.
# 3. wrk, $BENCH_CONNECTIONS connections for $BENCH_DURATION s over home, lists, details and the API:
#    once with the shared Redis page cache (production setting), once without any page cache.
# 4. Fault drill (no page cache, so every request needs the database): steady load, PostgreSQL
#    stopped for 10 s and started again; every failure must be a fast 503 page and the service
#    must recover by itself. PostgreSQL is started again at the end whatever happens.
#
# Environment: BENCH_PROJECTS (10000), BENCH_DURATION (60), BENCH_CONNECTIONS (64), BENCH_PORT (8765),
# BENCH_PG (private|main), BENCH_OUT (var/bench-load), REDIS_URL (redis://127.0.0.1:6379/0).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)

PROJECTS=${BENCH_PROJECTS:-10000}
DURATION=${BENCH_DURATION:-60}
CONNECTIONS=${BENCH_CONNECTIONS:-64}
APP_PORT=${BENCH_PORT:-8765}
MODE=${BENCH_PG:-private}
OUT=${BENCH_OUT:-var/bench-load}
REDIS=${REDIS_URL:-redis://127.0.0.1:6379/0}
PG_VERSION=$(ls /etc/postgresql | sort -n | tail -1)
PGBIN=/usr/lib/postgresql/$PG_VERSION/bin
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)

command -v wrk >/dev/null || { apt-get install -y -qq wrk >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq wrk >/dev/null); }
make -s install
PY=$ROOT/.venv/bin/python

as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

if [ "$MODE" = main ]; then
  PGPORT=5432
  PG_STOP="pg_ctlcluster --skip-systemctl-redirect $PG_VERSION main stop"
  PG_START="pg_ctlcluster --skip-systemctl-redirect $PG_VERSION main start || true"
else
  PGPORT=${BENCH_PGPORT:-5499}
  PGDATA=${BENCH_PGDATA:-/tmp/qs-bench-pg}
  PG_STOP="runuser -u postgres -- $PGBIN/pg_ctl -D $PGDATA -m fast -w stop"
  PG_START="runuser -u postgres -- $PGBIN/pg_ctl -D $PGDATA -w -l $PGDATA/server.log -o '-p $PGPORT -k /tmp' start"
  [ "$(id -u)" = 0 ] || { PG_STOP="$PGBIN/pg_ctl -D $PGDATA -m fast -w stop"; PG_START="$PGBIN/pg_ctl -D $PGDATA -w -l $PGDATA/server.log -o '-p $PGPORT -k /tmp' start"; }
fi
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
  # Whatever happened: PostgreSQL runs again (the main cluster), or the private one is put away.
  if [ "$MODE" = main ]; then
    pg_isready -q -h 127.0.0.1 -p 5432 || eval "$PG_START"
  else
    eval "$PG_STOP" >/dev/null 2>&1 || true
    [ "${BENCH_KEEP_PG:-0}" = 1 ] || rm -rf "$PGDATA"
  fi
}
trap cleanup EXIT

echo "== PostgreSQL ($MODE cluster, port $PGPORT)"
if [ "$MODE" != main ]; then
  eval "$PG_STOP" >/dev/null 2>&1 || true
  rm -rf "$PGDATA"; mkdir -p "$PGDATA"; [ "$(id -u)" = 0 ] && chown postgres:postgres "$PGDATA"
  as_postgres "$PGBIN/initdb" -D "$PGDATA" -U postgres -A trust --no-sync >/dev/null
  eval "$PG_START" >/dev/null
fi
PGOPTIONS="-c client_min_messages=warning" psql -q "postgres://postgres@127.0.0.1:$PGPORT/postgres" -c "DROP DATABASE IF EXISTS qs_bench" -c "CREATE DATABASE qs_bench"

export DJANGO_DEBUG=0
export DJANGO_SECRET_KEY="bench-$(head -c 32 /dev/urandom | base64 | tr -d '/+=')"
export DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost
export DATABASE_URL=$DB_URL
export DJANGO_CONN_MAX_AGE=60
export DJANGO_LOG_FORMAT=json
export DJANGO_LOG_LEVEL=WARNING
export GUNICORN_BIND=127.0.0.1:$APP_PORT

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
while read -r path; do
  code=$(curl -s -o /dev/null -w '%{http_code}' -H 'X-Forwarded-Proto: https' "http://127.0.0.1:$APP_PORT$path")
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

echo "== fault drill: PostgreSQL stopped at 10 s for 10 s under load"
start_app fault
URLS_FILE="$OUT/mix.txt" wrk -t2 -c16 -d10s --timeout 10s -s bench/load/wrk.lua "http://127.0.0.1:$APP_PORT" > /dev/null  # warm-up
set +e
$PY bench/load/fault.py --base "http://127.0.0.1:$APP_PORT" --urls "$OUT/mix.txt" \
  --stop "$PG_STOP" --start "$PG_START" --duration 40 --down-at 10 --down-for 10 > "$OUT/fault.txt" 2>&1
fault_rc=$?
set -e
pg_isready -q -h 127.0.0.1 -p "$PGPORT" || eval "$PG_START" >/dev/null 2>&1 || true  # belt and braces
cat "$OUT/fault.txt"
grep '^FAULT_JSON' "$OUT/fault.txt" | sed 's/^FAULT_JSON //' > "$OUT/fault.json"
# The same gunicorn workers, never restarted, still serve:
curl -fs "http://127.0.0.1:$APP_PORT/readyz" > "$OUT/readyz-after.json" && echo "   readyz after the drill: $(cat "$OUT/readyz-after.json")"
grep -c '"status": 503' "$OUT/gunicorn-fault.log" > "$OUT/fault-503-log-lines.txt" || true

$PY - "$OUT" "$PROJECTS" "$DURATION" "$CONNECTIONS" <<'PYEOF'
import json, os, platform, sys
out, projects, duration, connections = sys.argv[1:]
cached = json.load(open(f"{out}/wrk-cached.json"))
uncached = json.load(open(f"{out}/wrk-uncached.json"))
fault = json.load(open(f"{out}/fault.json"))
urls = open(f"{out}/urls.txt").read().split()
def errors(r):
    return sum(r[k] for k in r if k.startswith("errors_"))
load = open("/proc/loadavg").read().split()[:3] if os.path.exists("/proc/loadavg") else ["?"] * 3
lines = [
    f"Load average when the runs ended: {' / '.join(load)} (1/5/15 min; other work on the machine competes for the cores).",
    "",
    f"Machine: {os.cpu_count()} cores, {platform.python_version()}, gunicorn {os.cpu_count() * 2 + 1} sync workers, "
    f"PostgreSQL with the seed + {projects} generated projects; {len(urls)} URLs "
    f"({sum(u.startswith('/api/') for u in urls)} API), {connections} connections, {duration} s each, wrk on the same machine.",
    "",
    "| run | requests | req/s | errors | p50 ms | p90 ms | p99 ms | max ms |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
]
for label, r in (("shared Redis page cache (production)", cached), ("no page cache", uncached)):
    lines.append(f"| {label} | {r['requests']} | {r['rps']:.0f} | {errors(r)} | {r['p50_ms']:.1f} | {r['p90_ms']:.1f} | {r['p99_ms']:.1f} | {r['max_ms']:.1f} |")
lines += [
    "",
    f"Fault drill (no page cache): {fault['requests']} requests, statuses {fault['statuses']}; "
    f"PostgreSQL stopped at {fault['events_s'].get('stopped')} s, started again at {fault['events_s'].get('started')} s; "
    f"503 p99 {fault['p99_ms_503']} ms (max {fault['max_ms_503']} ms); first 200 {fault['first_200_after_start_s']} s "
    f"after the start; only 200/503: {fault['only_200_and_503']}; recovered without restart: {fault['recovered']}; "
    f"verdict: {'PASS' if fault['ok'] else 'FAIL'}.",
]
import collections
def kind(path):
    if path.startswith("/api/"):
        return "API"
    if path == "/":
        return "home"
    return "list" if path.rstrip("/").count("/") <= 1 else "detail"
def server_times(log):
    times = collections.defaultdict(list)
    for line in open(log):
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if record.get("logger") == "qingshan.request" and record.get("status") == 200 and not record["path"].startswith(("/readyz", "/healthz")):
            times[kind(record["path"])].append(record["duration_ms"])
    return times
fault_503 = sorted(
    r["duration_ms"] for r in map(json.loads, (l for l in open(f"{out}/gunicorn-fault.log") if l.startswith("{")))
    if r.get("logger") == "qingshan.request" and r.get("status") == 503
)
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
open(f"{out}/summary.md", "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
PYEOF
exit $fault_rc
