#!/usr/bin/env bash
# Backup drill: dump a PostgreSQL database with pg_dump, restore the dump into a new, empty
# database with pg_restore, and prove that every table came back row for row.
#
#   bench/backup_drill.sh [DATABASE_URL]        # default: $DATABASE_URL
#
# Environment:
#   BACKUP_DIR    where the dump is written (default: var/backups); the file is kept, it is the backup
#   DRILL_DB      name of the database restored into (default: <source name>_drill); dropped and
#                 re-created, so never point it at a database you need
#   KEEP_DRILL=1  keep the restored database for inspection instead of dropping it at the end
#
# Exit status 0 only if every table has the same row count and the same content checksum in both
# databases and every sequence has the same position. See docs/deploy.md, "Backups".
set -euo pipefail

SOURCE_URL="${1:-${DATABASE_URL:-}}"
if [[ -z "$SOURCE_URL" || "$SOURCE_URL" != postgres* ]]; then
  echo "usage: $0 postgres://user@host:port/dbname   (or set DATABASE_URL)" >&2
  exit 2
fi

cd "$(dirname "$0")/.."
export PGOPTIONS="${PGOPTIONS:-} -c client_min_messages=warning"
BASE_URL="${SOURCE_URL%%\?*}"            # without ?options
SERVER_URL="${BASE_URL%/*}"              # postgres://user@host:port
SOURCE_DB="${BASE_URL##*/}"
DRILL_DB="${DRILL_DB:-${SOURCE_DB}_drill}"
DRILL_URL="$SERVER_URL/$DRILL_DB"
BACKUP_DIR="${BACKUP_DIR:-var/backups}"
mkdir -p "$BACKUP_DIR"
DUMP="$BACKUP_DIR/${SOURCE_DB}-$(date -u +%Y%m%dT%H%M%SZ).dump"

if [[ "$DRILL_DB" == "$SOURCE_DB" ]]; then
  echo "DRILL_DB must differ from the source database" >&2
  exit 2
fi

cleanup() {
  if [[ "${KEEP_DRILL:-0}" != "1" ]]; then
    psql -q "$SOURCE_URL" -c "DROP DATABASE IF EXISTS \"$DRILL_DB\"" >/dev/null 2>&1 || true
  fi
}
trap cleanup EXIT

started=$(date +%s.%N)
echo "== dump $SOURCE_DB -> $DUMP"
pg_dump --format=custom --no-owner --no-privileges --dbname="$SOURCE_URL" --file="$DUMP"
echo "   $(du -h "$DUMP" | cut -f1) written"

echo "== restore into empty database $DRILL_DB"
psql -q -v ON_ERROR_STOP=1 "$SOURCE_URL" -c "DROP DATABASE IF EXISTS \"$DRILL_DB\"" -c "CREATE DATABASE \"$DRILL_DB\"" >/dev/null
pg_restore --no-owner --no-privileges --exit-on-error --dbname="$DRILL_URL" "$DUMP"

# One line per table: name, row count, checksum of all rows (in a stable order); one per sequence.
fingerprint() {
  local url="$1"
  local query
  query=$(psql -At "$url" -c "
    SELECT string_agg(
      format('SELECT %L, count(*), md5(coalesce(string_agg(t::text, E''\\n'' ORDER BY t::text), '''')) FROM %I.%I t',
             table_name, table_schema, table_name),
      ' UNION ALL ' ORDER BY table_name)
    FROM information_schema.tables
    WHERE table_schema = 'public' AND table_type = 'BASE TABLE'")
  psql -At -F ' ' "$url" -c "$query ORDER BY 1"
  psql -At -F ' ' "$url" -c "SELECT 'sequence:' || sequencename, coalesce(last_value, 0), '-' FROM pg_sequences WHERE schemaname = 'public' ORDER BY 1"
}

echo "== compare"
source_fp=$(fingerprint "$SOURCE_URL")
drill_fp=$(fingerprint "$DRILL_URL")
tables=$(grep -vc '^sequence:' <<<"$source_fp" || true)
rows=$(grep -v '^sequence:' <<<"$source_fp" | awk '{s += $2} END {print s + 0}')
if [[ "$source_fp" != "$drill_fp" ]]; then
  echo "MISMATCH between $SOURCE_DB and the restored $DRILL_DB:" >&2
  diff <(echo "$source_fp") <(echo "$drill_fp") >&2 || true
  exit 1
fi
elapsed=$(awk -v a="$started" -v b="$(date +%s.%N)" 'BEGIN {printf "%.1f", b - a}')
echo "OK: $tables tables, $rows rows, every table identical after restore (${elapsed}s). Backup: $DUMP"
