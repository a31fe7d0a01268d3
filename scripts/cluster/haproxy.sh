#!/usr/bin/env bash
# haproxy in front of Hangar nodes, on 127.0.0.1:PORT, in the foreground until SIGTERM/SIGINT.
#   scripts/cluster/haproxy.sh DIR PORT [--check PATH] HOST:PORT...
# Round robin over the nodes, request by request (also on one kept-alive connection), request
# bodies streamed to the node as they arrive (haproxy's default: no http-buffer-request), and
# timeouts long enough for an upload over a slow link. A node whose health check (GET PATH, default
# /signin) fails twice is left out until it passes again. Each answer names its node in X-Served-By.
# Installs haproxy when missing.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

dir="${1:?usage: haproxy.sh DIR PORT [--check PATH] HOST:PORT...}"
port="${2:?usage: haproxy.sh DIR PORT [--check PATH] HOST:PORT...}"
shift 2
check=/signin
if [ "${1:-}" = --check ]; then
  check="$2"
  shift 2
fi
[ $# -gt 0 ] || fail "name at least one node (HOST:PORT)"
need_packages haproxy=haproxy setpriv=util-linux

mkdir -p "$dir"
dir="$(cd "$dir" && pwd)"
: >"$dir/env"
{
  cat <<EOF
global
  maxconn 4096

defaults
  mode http
  option httplog
  option forwardfor
  # Headers must arrive within 30 s; a request body streams for as long as it keeps moving.
  timeout http-request 30s
  timeout connect 5s
  # An upload or download may pause (a slow link, a client that resumes): an hour of silence ends it.
  timeout client 1h
  timeout server 1h
  timeout tunnel 1h

frontend hangar
  bind 127.0.0.1:$port
  default_backend nodes

backend nodes
  balance roundrobin
  # Which node answered, for tests and for reading logs.
  http-response set-header X-Served-By %s
  option httpchk GET $check
  default-server check inter 1s fall 2 rise 1
  # A node that stopped accepting (shutting down) refuses the connection: retry on another node at once.
  option redispatch 1
  retries 3
EOF
  i=1
  for node in "$@"; do
    echo "  server node$i $node"
    i=$((i + 1))
  done
} >"$dir/haproxy.cfg"
haproxy -c -q -f "$dir/haproxy.cfg" >"$dir/check.log" 2>&1 || fail "haproxy refused its configuration: $(cat "$dir/check.log")"

daemon "$dir/haproxy.log" TERM haproxy -db -f "$dir/haproxy.cfg"
wait_for haproxy 10 port_open "$port"
announce "HANGAR_URL=http://127.0.0.1:$port"
serve
