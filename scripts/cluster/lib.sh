# Shared by the scripts in scripts/cluster/ (sourced, not run).
#
# Every engine runs in the foreground of its script, in a directory of its own, on loopback ports.
# The script prints KEY=VALUE lines (also written to DIR/env) and then "ready" once the engine
# answers; SIGTERM or SIGINT stops it cleanly. Each daemon gets a parent-death signal, so nothing is
# left running when the script (or the test process that started it) dies, even by SIGKILL.

# need_packages COMMAND=PACKAGE...: installs the Debian packages whose command is missing
# (COMMAND is a name on PATH or an absolute path with a glob).
need_packages() {
  local missing=() pair cmd
  for pair in "$@"; do
    cmd="${pair%%=*}"
    if [[ "$cmd" == /* ]]; then compgen -G "$cmd" >/dev/null && continue; else command -v "$cmd" >/dev/null 2>&1 && continue; fi
    missing+=("${pair#*=}")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "Installing Debian packages: ${missing[*]}" >&2
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq -o DPkg::Lock::Timeout=600 --no-install-recommends "${missing[@]}" >&2
}

# daemon LOG SIGNAL COMMAND...: runs COMMAND in the background, output to LOG; SIGNAL is the one
# that stops it quickly and cleanly (postgres: INT, fast shutdown), sent also if this script dies.
# Appends to the daemons arrays, which stop_daemons walks in reverse. With EXPENDABLE=1, the set goes on
# when it exits (a Hangar node: the others serve meanwhile); otherwise serve stops everything.
daemons=()
daemon_signals=()
essential=()
daemon() {
  local log="$1" signal="$2"
  shift 2
  setpriv --pdeathsig "$signal" "$@" >>"$log" 2>&1 &
  daemons+=($!)
  daemon_signals+=("$signal")
  [ "${EXPENDABLE:-0}" = 1 ] || essential+=($!)
}

# stop_daemons: each daemon's signal, newest first, waiting for each (SIGKILL after 10 s).
stop_daemons() {
  local i pid waited
  for ((i = ${#daemons[@]} - 1; i >= 0; i--)); do
    pid="${daemons[$i]}"
    kill -"${daemon_signals[$i]}" "$pid" 2>/dev/null || continue
    for ((waited = 0; waited < 100; waited++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  daemons=()
  daemon_signals=()
}

# wait_for WHAT TIMEOUT_S COMMAND...: polls COMMAND every 50 ms until it succeeds; fails naming
# WHAT (and the logs under $dir) when it does not within TIMEOUT_S or when a daemon has exited.
wait_for() {
  local what="$1" timeout="$2" deadline pid
  shift 2
  deadline=$((SECONDS + timeout))
  until "$@" >/dev/null 2>&1; do
    for pid in "${daemons[@]}"; do
      kill -0 "$pid" 2>/dev/null || fail "$what: a daemon exited while starting (logs in $dir)"
    done
    [ $SECONDS -lt $deadline ] || fail "$what did not answer within ${timeout} s (logs in $dir)"
    sleep 0.05
  done
}

fail() {
  echo "$(basename "$0"): $*" >&2
  exit 1
}

# free_port: a TCP port on 127.0.0.1 that nothing listens on now.
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# port_open PORT: whether something accepts TCP connections on 127.0.0.1:PORT.
port_open() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# announce KEY=VALUE...: prints the settings and records them in $dir/env (sourceable).
announce() {
  local line
  for line in "$@"; do
    echo "$line"
    printf 'export %q\n' "$line" >>"$dir/env"
  done
}

# serve: prints "ready", then waits until SIGTERM/SIGINT or until an essential daemon exits, and stops them all.
serve() {
  trap 'stop_daemons; exit 0' TERM INT
  trap 'stop_daemons' EXIT
  echo ready
  # wait -n returns when an essential daemon exits (or a trapped signal arrives): one engine down stops the set.
  wait -n "${essential[@]}" || true
  fail "a daemon exited (logs in $dir)"
}
