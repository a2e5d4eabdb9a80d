#!/usr/bin/env bash
# Lists that users page through, measured with many instances in pg_store:
#   bench/list_pages/run_list_pages.sh BUILD_DIR [INSTANCES] [SAMPLES] [FILL] [THROUGH_PAGE_SIZE]
# 1. a private PostgreSQL 15 (shared_buffers 1 GB) and the host (BUILD_DIR/bin/processhost)
#    with pg_store, consumer_api, management_api (and web when built), open mode, the demo's
#    sample process;
# 2. INSTANCES (default 100000) sample instances left waiting at their user task: FILL "sql"
#    (default) starts 1,000 through the Consumer API and writes the rest as copies of their
#    rows by SQL (list_pages.py says how); FILL "http" starts every one through the API;
# 3. list_pages.py: the first, middle and last page of 100 of each list, SAMPLES times each
#    (default 100), p50/p99 in ms; the host's RSS before and after paging through every
#    running instance and every waiting user task (THROUGH_PAGE_SIZE per page, default 100);
#    the host's time to ready after restarts. LIST_PAGES_ARGS=--ready-only: fill, then the
#    restarts only.
# Everything listens on loopback and is stopped at the end.
set -euo pipefail

build=$(cd "${1:?usage: $0 BUILD_DIR [INSTANCES] [SAMPLES]}" && pwd)
instances=${2:-100000}
samples=${3:-100}
fill=${4:-sql}
through_page_size=${5:-100}
root=$(cd "$(dirname "$0")/../.." && pwd)
pg_cluster="$root/tests/support/postgres/pg_cluster.sh"
work="$build/list-pages"

cleanup() {
  if [[ -f "$work/host.pid" ]]; then
    kill -TERM "$(cat "$work/host.pid")" 2>/dev/null || true
    rm -f "$work/host.pid"
  fi
  "$pg_cluster" destroy "$work/postgres" >/dev/null 2>&1 || true
}
trap cleanup EXIT

# shellcheck source=../../tests/support/free_port.sh
source "$root/tests/support/free_port.sh"

mkdir -p "$work"
"$pg_cluster" destroy "$work/postgres" >/dev/null 2>&1 || true
PG_CLUSTER_OPTIONS="-c synchronous_commit=on -c fsync=on -c max_connections=100 -c shared_buffers=1GB" "$pg_cluster" start "$work/postgres" auto
pg_port=$(cat "$work/postgres/port")
http_port=$(free_loopback_port)
web_plugin=""
if [[ -f "$build/lib/processhost/plugins/web.so" ]]; then web_plugin=',{"name": "web"}'; fi

cat >"$work/host.json" <<JSON
{
  "http": {"host": "127.0.0.1", "port": $http_port},
  "log": {"level": "warn"},
  "processModels": ["$root/config/demo/processes/sample_process.bpmn"],
  "plugins": [
    {"name": "pg_store", "config": {"host": "127.0.0.1", "port": $pg_port, "database": "list_pages",
                                    "user": "postgres", "poolSize": 4}},
    {"name": "consumer_api"}, {"name": "management_api"}$web_plugin
  ]
}
JSON

python3 "$root/bench/list_pages/list_pages.py" --host-binary "$build/bin/processhost" --config "$work/host.json" \
  --port "$http_port" --pid-file "$work/host.pid" --instances "$instances" --samples "$samples" --fill "$fill" \
  --through-page-size "$through_page_size" ${LIST_PAGES_ARGS:-} \
  --pg-port "$pg_port" --database list_pages --psql "${PG_BIN:-/usr/lib/postgresql/15/bin}/psql"
