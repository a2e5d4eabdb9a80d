#!/usr/bin/env bash
# History retention and the run-time KPI aggregate on a large history in pg_store:
#   bench/history_retention/run_retention_bench.sh BUILD_DIR [ENDED] [RUNNING] [BATCH] [PAUSE_MS]
# 1. a private PostgreSQL 15 (fsync on); the host (BUILD_DIR/bin/processhost) creates the
#    schema, then stops;
# 2. ENDED (default 200000) finished instances with 8 finished flow node instances each, ended
#    two days ago, and RUNNING (default 1000) running ones, written by SQL;
# 3. GET .../runtime_information over the whole history, 20 samples (p50, max);
# 4. the host again with historyTtlSeconds 86400, a round every 100 ms, batches of BATCH
#    (default 100) and PAUSE_MS (default 200) between them: the time until every ended
#    instance is gone, so instances removed per second; the running ones must stay.
# Everything listens on loopback and is stopped at the end.
set -euo pipefail

build=$(cd "${1:?usage: $0 BUILD_DIR [ENDED] [RUNNING] [BATCH] [PAUSE_MS]}" && pwd)
ended=${2:-200000}
running=${3:-1000}
batch=${4:-100}
pause_ms=${5:-200}
root=$(cd "$(dirname "$0")/../.." && pwd)
pg_cluster="$root/tests/support/postgres/pg_cluster.sh"
work="$build/history-retention"
host_pid=""

stop_host() {
  if [[ -n "$host_pid" ]]; then
    kill -TERM "$host_pid" 2>/dev/null || true
    wait "$host_pid" 2>/dev/null || true
    host_pid=""
  fi
}
cleanup() {
  stop_host
  "$pg_cluster" destroy "$work/postgres" >/dev/null 2>&1 || true
}
trap cleanup EXIT

# shellcheck source=../../tests/support/free_port.sh
source "$root/tests/support/free_port.sh"

mkdir -p "$work"
"$pg_cluster" destroy "$work/postgres" >/dev/null 2>&1 || true
PG_CLUSTER_OPTIONS="-c synchronous_commit=on -c fsync=on" "$pg_cluster" start "$work/postgres" auto >/dev/null
pg_port=$(cat "$work/postgres/port")
psql_run() { psql -X -q -t -A -h 127.0.0.1 -p "$pg_port" -U postgres -d retention -c "$1"; }

start_host() {  # $1: engine config object
  local http_port
  http_port=$(free_loopback_port)
  cat >"$work/host.json" <<JSON
{
  "http": {"host": "127.0.0.1", "port": $http_port},
  "log": {"level": "warn"},
  "engine": $1,
  "plugins": [
    {"name": "pg_store", "config": {"host": "127.0.0.1", "port": $pg_port, "database": "retention",
                                    "user": "postgres", "poolSize": 4}},
    {"name": "management_api"}
  ]
}
JSON
  "$build/bin/processhost" --config "$work/host.json" >"$work/host.log" 2>&1 &
  host_pid=$!
  base="http://127.0.0.1:$http_port/api/management/v1"
  for _ in $(seq 1 200); do
    curl -sf "$base/swagger" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "the host did not start:" >&2
  cat "$work/host.log" >&2
  exit 1
}

start_host '{"historyTtlSeconds": 0}'
stop_host

echo "writing $ended ended instances (8 flow nodes each) and $running running ones ..."
now_ms=$(($(date +%s%3N)))
old_ms=$((now_ms - 2 * 86400 * 1000))
# The rows bypass the kept-count triggers (one counter row updated per written row in one
# statement is quadratic) and are counted once afterwards, as schema migration 9 counts.
psql_run "
ALTER TABLE processhost_process_instances DISABLE TRIGGER USER;
ALTER TABLE processhost_flow_node_instances DISABLE TRIGGER USER;
INSERT INTO processhost_process_instances
  SELECT 'ended-' || i, 'bench_model', 'h', 'c-' || i, '', 'u', '{}', 'finished', 'null', 3,
         $old_ms + i, $old_ms + i + 500, 'null'
  FROM generate_series(1, $ended) i;
INSERT INTO processhost_flow_node_instances
  SELECT 'ended-' || i || '-' || n, 'ended-' || i, 'bench_model', 'c-' || i, 'u', 'node_' || n, 'Node', 'bpmn:Task',
         '', '', '', 'finished', '', '{}', '{}', 'null', $old_ms + i + n * 10, $old_ms + i + n * 10 + (i * 7 + n) % 1000
  FROM generate_series(1, $ended) i, generate_series(1, 8) n;
INSERT INTO processhost_process_instances
  SELECT 'running-' || i, 'bench_model', 'h', 'r-' || i, '', 'u', '{}', 'running', 'null', 1,
         $old_ms + i, 0, 'null'
  FROM generate_series(1, $running) i;
ALTER TABLE processhost_process_instances ENABLE TRIGGER USER;
ALTER TABLE processhost_flow_node_instances ENABLE TRIGGER USER;
DELETE FROM processhost_instance_counts;
DELETE FROM processhost_waiting_counts;
INSERT INTO processhost_instance_counts
  SELECT process_model_id, state, 0, count(*) FROM processhost_process_instances GROUP BY 1, 2;
INSERT INTO processhost_waiting_counts
  SELECT process_model_id, flow_node_type, flow_node_lane, event_type, 0, count(*)
  FROM processhost_flow_node_instances WHERE state = 'suspended' GROUP BY 1, 2, 3, 4;
ANALYZE;"

start_host '{"historyTtlSeconds": 0}'
echo "GET runtime_information over $((ended * 8)) finished flow node instances, 20 samples:"
for _ in $(seq 1 20); do
  curl -s -o /dev/null -w '%{time_total}\n' "$base/process_model/bench_model/runtime_information?offset=0&limit=0"
done | sort -n | awk '{ t[NR] = $1 * 1000 } END { printf "  p50 %.1f ms, max %.1f ms\n", t[int((NR + 1) / 2)], t[NR] }'
curl -s "$base/process_model/bench_model/flow_node/node_3/runtime_information"
echo
stop_host

echo "retention: batches of $batch, pause ${pause_ms} ms ..."
start_host "{\"historyTtlSeconds\": 86400, \"historyCleanupIntervalMs\": 100, \"historyCleanupBatch\": $batch, \"historyCleanupPauseMs\": $pause_ms}"
started=$(date +%s%3N)
while true; do
  left=$(psql_run "SELECT count(*) FROM processhost_process_instances WHERE state <> 'running'")
  [[ "$left" == "0" ]] && break
  sleep 0.5
done
took_ms=$(($(date +%s%3N) - started))
kept=$(psql_run "SELECT count(*) FROM processhost_process_instances WHERE state = 'running'")
nodes=$(psql_run "SELECT count(*) FROM processhost_flow_node_instances")
echo "  removed $ended instances and $((ended * 8)) flow node rows in $((took_ms / 1000)).$(((took_ms % 1000) / 100)) s:" \
  "$((ended * 1000 / took_ms)) instances/s; running kept: $kept (of $running); flow node rows left: $nodes"
