#!/usr/bin/env bash
# A private PostgreSQL 15 cluster for tests, the demo and benchmarks.
#
#   pg_cluster.sh start   DIR PORT   initdb DIR/data when missing, then start on 127.0.0.1:PORT;
#                                    PORT "auto": the port of the last start, else a free one.
#                                    The port is written to DIR/port.
#   pg_cluster.sh stop    DIR [PORT] fast shutdown (clients are disconnected); no-op when stopped
#   pg_cluster.sh kill    DIR [PORT] immediate shutdown (like a crash; recovery runs on next start)
#   pg_cluster.sh status  DIR [PORT] exit 0 when running, 3 when not
#   pg_cluster.sh destroy DIR [PORT] stop, then remove DIR
#
# The superuser role is "postgres" and 127.0.0.1 connections are trusted: the cluster only
# listens on loopback and exists for the duration of a test run. Unix sockets live in DIR.
# initdb refuses to run as root, so as root every server command runs as the "postgres"
# user, which then owns DIR. Environment: PG_BIN (default /usr/lib/postgresql/15/bin),
# PG_CLUSTER_OPTIONS (extra "-c name=value" server options, e.g. for benchmarks).
set -euo pipefail

usage() {
  echo "usage: $0 start|stop|kill|status|destroy DIR [PORT]" >&2
  exit 2
}

[[ $# -ge 2 ]] || usage
command=$1
dir=$2
port=${3:-}
pg_bin=${PG_BIN:-/usr/lib/postgresql/15/bin}

as_owner() {
  if [[ $(id -u) -eq 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

# Where the server's files live: DIR itself, or, when root runs this and the "postgres"
# user cannot reach DIR (a checkout under /root, say), a folder of its own under /tmp named
# after DIR. DIR always keeps the port file, so callers need not know which.
locate_server_dir() {
  server_dir="$dir"
  if [[ $(id -u) -eq 0 ]] && ! runuser -u postgres -- test -x "$dir" 2>/dev/null; then
    server_dir="/tmp/processhost-pg-$(printf '%s' "$dir" | sha256sum | cut -c1-16)"
  fi
  data="$server_dir/data"
  log="$server_dir/postgres.log"
}

prepare_dir() {
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  locate_server_dir
  if [[ $(id -u) -eq 0 ]]; then
    mkdir -p "$server_dir"
    chown postgres: "$server_dir"
  fi
}

# shellcheck source=../free_port.sh
source "$(dirname "${BASH_SOURCE[0]}")/../free_port.sh"

pick_port() {
  if [[ -f "$dir/port" ]]; then
    cat "$dir/port"
    return
  fi
  free_loopback_port
}

is_running() {
  [[ -f "$data/PG_VERSION" ]] && as_owner "$pg_bin/pg_ctl" status -D "$data" >/dev/null 2>&1
}

server_dir="$dir"
if [[ -d "$dir" ]]; then
  dir=$(cd "$dir" && pwd)
fi
locate_server_dir

case "$command" in
  start)
    [[ -n "$port" ]] || usage
    prepare_dir
    if [[ "$port" == auto ]]; then port=$(pick_port) || exit 1; fi
    echo "$port" >"$dir/port"
    if [[ ! -f "$data/PG_VERSION" ]]; then
      as_owner "$pg_bin/initdb" -D "$data" -U postgres --auth=trust --encoding=UTF8 --locale=C \
        --no-instructions >"$server_dir/initdb.log" 2>&1 ||
        { cat "$server_dir/initdb.log" >&2; exit 1; }
    fi
    if is_running; then
      exit 0
    fi
    # shellcheck disable=SC2086
    as_owner "$pg_bin/pg_ctl" start -D "$data" -l "$log" -w -t 60 -o \
      "-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories=$server_dir ${PG_CLUSTER_OPTIONS:-}" \
      >/dev/null || { tail -n 20 "$log" >&2; exit 1; }
    ;;
  stop | kill)
    if is_running; then
      mode=fast
      [[ $command == kill ]] && mode=immediate
      as_owner "$pg_bin/pg_ctl" stop -D "$data" -m "$mode" -w -t 60 >/dev/null
    fi
    ;;
  status)
    if is_running; then
      echo "running"
      exit 0
    fi
    echo "stopped"
    exit 3
    ;;
  destroy)
    if is_running; then
      as_owner "$pg_bin/pg_ctl" stop -D "$data" -m immediate -w -t 60 >/dev/null || true
    fi
    rm -rf "$dir" "$server_dir"
    ;;
  *)
    usage
    ;;
esac
