#!/usr/bin/env bash
# A PostgreSQL cluster for Hangar in DIR, on 127.0.0.1:PORT, in the foreground until SIGTERM/SIGINT.
#   scripts/cluster/postgres.sh DIR [PORT]
# Installs the Debian package when missing; creates the cluster on first use (a second run on the
# same DIR reuses it). Prints DATABASE_URL (database "hangar", user "hangar", no password: trust on
# loopback only), then "ready". Tuned for tests and trying things out (fsync off): not for data you keep.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

dir="${1:?usage: postgres.sh DIR [PORT]}"
port="${2:-$(free_port)}"
need_packages "/usr/lib/postgresql/*/bin/initdb=postgresql" setpriv=util-linux python3=python3
bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"

mkdir -p "$dir"
dir="$(cd "$dir" && pwd)"
: >"$dir/env"
# PostgreSQL refuses to run as root: as root, the cluster belongs to the postgres user.
as_owner=()
if [ "$(id -u)" -eq 0 ]; then
  chown postgres: "$dir"
  as_owner=(setpriv --reuid=postgres --regid=postgres --init-groups)
  "${as_owner[@]}" test -x "$dir" || fail "the postgres user cannot reach $dir: make its parent directories world-searchable"
fi

if [ ! -f "$dir/data/PG_VERSION" ]; then
  # The default collation is ICU's linguistic "und" order, as on many production servers, so the tests
  # would notice a text column that relied on it: Hangar's columns use "C" (code point order, as SQLite).
  "${as_owner[@]}" "$bin/initdb" -D "$dir/data" -U hangar --auth=trust --no-sync --encoding=UTF8 --locale=C.UTF-8 \
    --locale-provider=icu --icu-locale=und >"$dir/initdb.log" 2>&1 || fail "initdb failed: $(tail -5 "$dir/initdb.log")"
fi

# The pdeathsig of the inner setpriv is set after the change of user, which would clear the outer one.
daemon "$dir/postgres.log" INT "${as_owner[@]}" setpriv --pdeathsig SIGINT "$bin/postgres" -D "$dir/data" -p "$port" -k "$dir" \
  -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200
wait_for PostgreSQL 30 "$bin/pg_isready" -q -h 127.0.0.1 -p "$port" -U hangar -d postgres
if ! "$bin/psql" -h 127.0.0.1 -p "$port" -U hangar -d postgres -Atqc "select 1 from pg_database where datname = 'hangar'" | grep -q 1; then
  "$bin/createdb" -h 127.0.0.1 -p "$port" -U hangar hangar
fi
announce "DATABASE_URL=postgresql://hangar@127.0.0.1:$port/hangar" "PGPORT=$port" "PGHOST=127.0.0.1" "PGUSER=hangar"
serve
