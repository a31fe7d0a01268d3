#!/usr/bin/env bash
# Hangar in its production shape on this machine, in the foreground until Ctrl-C (or SIGTERM):
# PostgreSQL, a single-node Ceph with its S3 gateway, NODES Hangar nodes, haproxy in front.
#   scripts/cluster/up.sh [--dir DIR] [--port PORT] [--nodes N] [--bluestore SIZE]
# DIR (default $HANGAR_CACHE/cluster, i.e. ~/.cache/hangar/cluster) holds each engine in a
# directory of its own and the settings in DIR/env; PORT (default 8080) is the balancer's. Installs
# the Debian packages when missing, migrates and seeds the database, builds Hangar if it is not
# built. Nothing is left running when it stops.
#
# The nodes share the database, and with it the auth secret (the first node to start writes it there).
# haproxy sends requests only to nodes whose /readyz answers 200. Image bytes and uploads in progress
# are in Ceph's bucket (the nodes get its HANGAR_S3_* settings), upload locks in PostgreSQL: the nodes
# need no shared directory (DIR/data holds only scratch files: conversions, kept exports, imports).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
source "$here/lib.sh"

dir="${HANGAR_CACHE:-${HOME:-/tmp}/.cache/hangar}/cluster"
port=8080
nodes=2
ceph_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --dir) dir="$2"; shift 2 ;;
    --port) port="$2"; shift 2 ;;
    --nodes) nodes="$2"; shift 2 ;;
    --bluestore) ceph_args=(--bluestore "$2"); shift 2 ;;
    *) fail "unknown option $1 (usage: up.sh [--dir DIR] [--port PORT] [--nodes N] [--bluestore SIZE])" ;;
  esac
done
mkdir -p "$dir"
dir="$(cd "$dir" && pwd)"
: >"$dir/env"

# engine NAME SCRIPT ARGS...: runs scripts/cluster/SCRIPT in DIR/NAME, waits for its "ready" and
# loads the settings it announced.
engine() {
  local name="$1" script="$2"
  shift 2
  mkdir -p "$dir/$name"
  : >"$dir/$name.out"
  daemon "$dir/$name.out" TERM bash "$here/$script" "$dir/$name" "$@"
  wait_for "$name" 120 grep -qx ready "$dir/$name.out"
  # shellcheck disable=SC1091
  source "$dir/$name/env"
}

engine postgres postgres.sh
engine ceph ceph.sh "${ceph_args[@]}"

cd "$root"
[ -f .next/BUILD_ID ] || { echo "Building Hangar (once)..." >&2; npm run build >"$dir/build.log" 2>&1 || fail "npm run build failed (see $dir/build.log)"; }
export NEXTAUTH_URL="http://127.0.0.1:$port"
export HANGAR_DATA_DIR="$dir/data"
export NODE_ENV=production
# A production start needs the administrator's password (lib/accounts/bootstrap.ts): without one given,
# this cluster makes its own, kept in DIR/admin-password; the demo user too, unless HANGAR_DEMO=0.
if [ -z "${HANGAR_ADMIN_PASSWORD:-}" ]; then
  [ -s "$dir/admin-password" ] || (umask 077 && head -c 18 /dev/urandom | base64 | tr '+/' '-_' >"$dir/admin-password")
  HANGAR_ADMIN_PASSWORD="$(cat "$dir/admin-password")"
fi
export HANGAR_ADMIN_PASSWORD
export HANGAR_DEMO="${HANGAR_DEMO:-1}"
# At SIGTERM a node answers 503 on /readyz and keeps serving this long, longer than haproxy takes to see it
# (check inter 1s fall 2), so that new requests go to the other nodes before it stops accepting.
export HANGAR_SHUTDOWN_DELAY="${HANGAR_SHUTDOWN_DELAY:-3s}"
npm run db:migrate >"$dir/migrate.log" 2>&1 || fail "npm run db:migrate failed (see $dir/migrate.log)"
npx tsx scripts/seed.ts >"$dir/seed.log" 2>&1 || fail "seeding failed (see $dir/seed.log)"

backends=()
for ((i = 1; i <= nodes; i++)); do
  node_port="$(free_port)"
  # A node may die (a crash, a kill -9): the balancer sends its requests to the others, and the set goes on.
  EXPENDABLE=1 daemon "$dir/node$i.log" TERM env PORT="$node_port" HOSTNAME=127.0.0.1 node --import tsx scripts/start.ts
  backends+=("127.0.0.1:$node_port")
done
for backend in "${backends[@]}"; do
  wait_for "Hangar on $backend" 120 curl -fs -o /dev/null "http://$backend/readyz"
done
engine haproxy haproxy.sh "$port" --check /readyz "${backends[@]}"

announce "HANGAR_URL=$HANGAR_URL" "HANGAR_NODES=${backends[*]}" "DATABASE_URL=$DATABASE_URL" "NEXTAUTH_URL=$NEXTAUTH_URL" \
  "HANGAR_DATA_DIR=$HANGAR_DATA_DIR" "HANGAR_S3_ENDPOINT=$HANGAR_S3_ENDPOINT" "HANGAR_S3_BUCKET=$HANGAR_S3_BUCKET" "HANGAR_S3_REGION=$HANGAR_S3_REGION" \
  "HANGAR_S3_FORCE_PATH_STYLE=$HANGAR_S3_FORCE_PATH_STYLE" "HANGAR_S3_ACCESS_KEY_ID=$HANGAR_S3_ACCESS_KEY_ID" "HANGAR_S3_SECRET_ACCESS_KEY=$HANGAR_S3_SECRET_ACCESS_KEY"
echo "Hangar is on $HANGAR_URL ($nodes nodes behind haproxy; settings in $dir/env; ${HANGAR_ADMIN_EMAIL:-admin@hangar.local}'s password in $dir/admin-password unless you gave HANGAR_ADMIN_PASSWORD). Ctrl-C stops everything." >&2
serve
