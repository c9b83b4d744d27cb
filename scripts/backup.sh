#!/usr/bin/env bash
# Backs up the PostgreSQL database with pg_dump (custom format, compressed) and keeps the last
# BACKUP_KEEP_DAYS days of dumps. Connection from the usual libpq variables (PGHOST, PGUSER,
# PGPASSWORD, PGDATABASE) or DATABASE_URL.
#
#   scripts/backup.sh [DIR]          one dump into DIR (default /backups)
#   scripts/backup.sh --loop [DIR]   one dump a day (docker-compose's `backup` service)
#   scripts/backup.sh --restore FILE TARGET_DB   restore a dump into a new, empty database
set -euo pipefail

keep_days=${BACKUP_KEEP_DAYS:-14}
target_url=()
if [ -n "${DATABASE_URL:-}" ]; then target_url=(--dbname "$DATABASE_URL"); fi

dump() {
  local dir=$1
  mkdir -p "$dir"
  local file="$dir/luoshi-$(date +%Y%m%d-%H%M%S).dump"
  pg_dump --format=custom --compress=6 --no-owner "${target_url[@]}" --file "$file.part"
  mv "$file.part" "$file"   # a half-written dump never looks like a backup
  find "$dir" -name 'luoshi-*.dump' -mtime "+$keep_days" -delete
  echo "$file"
}

case "${1:-}" in
  --loop)
    dir=${2:-/backups}
    while true; do dump "$dir"; sleep "${BACKUP_INTERVAL_SECONDS:-86400}"; done ;;
  --restore)
    file=$2; db=$3
    createdb "$db"
    pg_restore --no-owner --exit-on-error --dbname "$db" "$file" ;;
  *)
    dump "${1:-/backups}" ;;
esac
