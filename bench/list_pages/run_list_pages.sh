#!/usr/bin/env bash
# Lists that users page through, measured with many instances in pg_store:
#   bench/list_pages/run_list_pages.sh BUILD_DIR [INSTANCES] [SAMPLES] [FILL] [THROUGH_PAGE_SIZE]
# 1. a private PostgreSQL 15 (shared_buffers 1 GB) and the host (BUILD_DIR/bin/processhost)
#    with pg_store, consumer_api, management_api (and web when built), open mode, the demo's
#    sample process;
# 2. INSTANCES (default 100000) sample instances left waiting at their user task: FILL "sql"
#    (default) starts 1,000 through the Consumer API and writes the rest as copies of their
#    rows by SQL (list_pages.py says how); FILL "http" starts every one through the API;
# 3. list_pages.py: the first, middle and last page of 100 of each list (instances, tasks,
#    correlations), SAMPLES times each (default 100), p50/p99 in ms; each list paged through
#    (THROUGH_PAGE_SIZE per page, default 100) in full, or a sample of pages from its start and
#    its middle (LIST_PAGES_ARGS="--full-pass none --sequential-pages 300"), p50/p99 per page;
#    the host's RSS before the first page and after the last; the host's time to ready after
#    restarts. LIST_PAGES_ARGS=--ready-only: fill, then the restarts only.
# LIST_PAGES_KEEP=1 keeps the database (in BUILD_DIR/list-pages/postgres, the server stopped
# at the end) and reuses it on the next run when it holds INSTANCES instances: filling a
# million takes minutes.
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

keep=${LIST_PAGES_KEEP:-0}
cleanup() {
  if [[ -f "$work/host.pid" ]]; then
    kill -TERM "$(cat "$work/host.pid")" 2>/dev/null || true
    rm -f "$work/host.pid"
  fi
  if [[ "$keep" == 1 ]]; then
    "$pg_cluster" stop "$work/postgres" >/dev/null 2>&1 || true
  else
    "$pg_cluster" destroy "$work/postgres" >/dev/null 2>&1 || true
  fi
}
trap cleanup EXIT

# shellcheck source=../../tests/support/free_port.sh
source "$root/tests/support/free_port.sh"

mkdir -p "$work"
reuse=""
if [[ "$keep" == 1 ]]; then
  reuse="--reuse"
else
  "$pg_cluster" destroy "$work/postgres" >/dev/null 2>&1 || true
fi
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
  --through-page-size "$through_page_size" $reuse ${LIST_PAGES_ARGS:-} \
  --pg-port "$pg_port" --database list_pages --psql "${PG_BIN:-/usr/lib/postgresql/15/bin}/psql"
