#!/usr/bin/env bash
# The whole flow benchmark on this machine:
#   bench/flow_bench/run_flow_bench.sh BUILD_DIR [CLIENTS] [SECONDS]
# 1. a private PostgreSQL 15 with durable settings (fsync on, synchronous_commit on) and
#    group commit in the server (commit_delay 200 us when 5 other transactions are open, as
#    docs/persistence.md recommends for production); PG_EXTRA_OPTIONS adds "-c name=value"s,
# 2. the host (BUILD_DIR/bin/processhost) with pg_store and consumer_api (open mode) and the
#    demo's sample process,
# 3. flow_bench with CLIENTS concurrent clients for SECONDS; it also reports the CPU time per
#    flow of itself, of the host and of PostgreSQL (postmaster and backends). The script fails
#    (exit 1, before pgbench) when flow_bench exits non-zero, reports a failed flow, or leaves
#    an instance unfinished in the database (every started instance must have been finished),
# 4. pgbench single-row INSERTs (one commit each) with as many clients on the same server,
#    for scale: a complete sample flow needs two durable commits (start, finish).
# WAL_STATS=1 also prints pg_waldump --stats of the flows' WAL.
# BEFORE_SQL: SQL run on the database once the host is ready, before the flows (to compare a
# run without a trigger, say: BEFORE_SQL="DROP TRIGGER ... ON ...").
# STATEMENT_STATS=1 also prints, from pg_stat_statements, the statements of the run with
# calls, server time and WAL bytes per completed flow: where PostgreSQL's share goes.
# Everything is started on loopback ports and stopped at the end.
set -euo pipefail

build=$(cd "${1:?usage: $0 BUILD_DIR [CLIENTS] [SECONDS]}" && pwd)
clients=${2:-16}
# POOL_SIZE (environment): pg_store poolSize, default 4 (its own default);
# COMMIT_CONNECTIONS: pg_store maxCommitConnections, default 0 (its own default: 2 of 4);
# HINTS=true|false: pg_store "hints" (docs/cluster.md), left out (its default, on) when unset.
seconds=${3:-20}
root=$(cd "$(dirname "$0")/../.." && pwd)
pg_cluster="$root/tests/support/postgres/pg_cluster.sh"
pg_bin=/usr/lib/postgresql/15/bin
work="$build/flow-bench"
host_pid=""

cleanup() {
  if [[ -n "$host_pid" ]]; then
    kill -TERM "$host_pid" 2>/dev/null || true
    wait "$host_pid" 2>/dev/null || true
  fi
  "$pg_cluster" destroy "$work/postgres" >/dev/null 2>&1 || true
}
trap cleanup EXIT

# shellcheck source=../../tests/support/free_port.sh
source "$root/tests/support/free_port.sh"

mkdir -p "$work"
"$pg_cluster" destroy "$work/postgres" >/dev/null 2>&1 || true
statement_options=""
if [ -n "${STATEMENT_STATS:-}" ]; then
  statement_options="-c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track=all"
  statement_options+=" -c pg_stat_statements.track_planning=on"
fi
PG_CLUSTER_OPTIONS="$statement_options -c synchronous_commit=on -c fsync=on -c max_connections=200 -c commit_delay=200 -c commit_siblings=5 ${PG_EXTRA_OPTIONS:-}" \
  "$pg_cluster" start "$work/postgres" auto
pg_port=$(cat "$work/postgres/port")
http_port=$(free_loopback_port)
hints_setting=""
if [[ -n "${HINTS:-}" ]]; then hints_setting=", \"hints\": ${HINTS}"; fi

cat >"$work/host.json" <<JSON
{
  "http": {"host": "127.0.0.1", "port": $http_port},
  "log": {"level": "warn"},
  "processModels": ["$root/config/demo/processes/sample_process.bpmn"],
  "plugins": [
    {"name": "pg_store", "config": {"host": "127.0.0.1", "port": $pg_port, "database": "flow_bench",
                                    "user": "postgres", "poolSize": ${POOL_SIZE:-4},
                                    "maxCommitConnections": ${COMMIT_CONNECTIONS:-0}${hints_setting}}},
    {"name": "consumer_api"}
  ]
}
JSON

"$build/bin/processhost" --config "$work/host.json" >"$work/host.log" 2>&1 &
host_pid=$!
for _ in $(seq 1 300); do
  if curl -fs "http://127.0.0.1:$http_port/ready" >/dev/null 2>&1; then break; fi
  if ! kill -0 "$host_pid" 2>/dev/null; then
    cat "$work/host.log" >&2
    exit 1
  fi
  sleep 0.1
done

echo "== flow_bench: $clients clients, $seconds s, PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}')," \
  "synchronous_commit=$("$pg_bin/psql" -X -A -t -h 127.0.0.1 -p "$pg_port" -U postgres -c 'SHOW synchronous_commit')," \
  "$(nproc) cores, pg_store poolSize ${POOL_SIZE:-4}, maxCommitConnections ${COMMIT_CONNECTIONS:-0}"
pg_pid=$(pgrep -f "^$pg_bin/postgres -D .* -p $pg_port " | head -1 || true)
psql_value() { "$pg_bin/psql" -X -A -t -h 127.0.0.1 -p "$pg_port" -U postgres -d flow_bench -c "$1"; }
if [ -n "${STATEMENT_STATS:-}" ]; then
  psql_value "CREATE EXTENSION IF NOT EXISTS pg_stat_statements; SELECT pg_stat_statements_reset()" >/dev/null
fi
if [[ -n "${BEFORE_SQL:-}" ]]; then
  echo "before the flows: ${BEFORE_SQL}"
  psql_value "${BEFORE_SQL}" >/dev/null
fi
wal_before=$(psql_value "SELECT pg_current_wal_lsn()")
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
bench_status=0
"$build/bin/flow_bench" --port "$http_port" --clients "$clients" --seconds "$seconds" \
  --host-pid "$host_pid" --pg-pid "${pg_pid:-0}" | tee "$work/flow_bench.out" || bench_status=$?
failed_flows=$(sed -n 's/^failed flows: \([0-9]*\) .*/\1/p' "$work/flow_bench.out")
unfinished=$(psql_value "SELECT count(*) FROM processhost_process_instances WHERE state <> 'finished'")
if [[ "$bench_status" != 0 || "$failed_flows" != 0 || "$unfinished" != 0 ]]; then
  echo "run_flow_bench.sh: FAILED: flow_bench exit status $bench_status, failed flows '${failed_flows:-not reported}'," \
    "instances not finished $unfinished; host log: $work/host.log" >&2
  exit 1
fi
psql_value "SELECT 'rows: ' || (SELECT count(*) FROM processhost_process_instances) || ' instances, '
    || (SELECT count(*) FROM processhost_flow_node_instances) || ' flow nodes, '
    || (SELECT count(*) FROM processhost_correlation_results) || ' correlation results (warm-up included)'"
# Independent of other work on the machine: WAL written per completed flow (warm-up
# included; a completed flow leaves one correlation result) and how many updates were HOT.
psql_value "SELECT 'WAL bytes per flow: ' || (pg_current_wal_lsn() - '$wal_before'::pg_lsn)
    / greatest((SELECT count(*) FROM processhost_correlation_results), 1)"
psql_value "SELECT 'HOT updates / updates: ' || string_agg(relname || ' ' || n_tup_hot_upd || '/' || n_tup_upd, ', '
    ORDER BY relname) FROM pg_stat_user_tables WHERE relname IN ('processhost_process_instances',
    'processhost_flow_node_instances')"
if [ -n "${WAL_STATS:-}" ]; then
  "$pg_bin/pg_waldump" --stats=record -p "$work/postgres/data/pg_wal" -s "$wal_before" 2>/dev/null | head -40 || true
fi
if [ -n "${STATEMENT_STATS:-}" ]; then
  echo "== statements per completed flow: calls, planning ms, execution ms, WAL bytes (top 25 by time)"
  psql_value "WITH flows AS (SELECT greatest(count(*), 1)::numeric AS n FROM processhost_correlation_results)
    SELECT to_char(calls / n, 'FM990.00') || ' | ' || to_char(total_plan_time / n, 'FM990.0000') || ' | '
        || to_char(total_exec_time / n, 'FM990.0000') || ' | '
        || to_char(wal_bytes / n, 'FM99990') || ' | ' || left(regexp_replace(query, '\s+', ' ', 'g'), 150)
    FROM pg_stat_statements, flows WHERE dbid = (SELECT oid FROM pg_database WHERE datname = 'flow_bench')
    ORDER BY total_exec_time DESC LIMIT 25"
  psql_value "SELECT 'mean stored bytes: instance row ' || round(avg(pg_column_size(i.*))) || ', runtime_state '
      || round(avg(pg_column_size(runtime_state))) || ', owner_identity ' || round(avg(pg_column_size(owner_identity)))
      FROM processhost_process_instances i"
  psql_value "SELECT 'mean stored bytes: flow node row ' || round(avg(pg_column_size(n.*))) || ', token_on_enter '
      || round(avg(pg_column_size(token_on_enter))) || ', token_on_exit ' || round(avg(pg_column_size(token_on_exit)))
      FROM processhost_flow_node_instances n"
  psql_value "SELECT 'index bytes per flow: ' || string_agg(indexrelname || ' '
      || pg_relation_size(indexrelid) / greatest((SELECT count(*) FROM processhost_correlation_results), 1), ', '
      ORDER BY indexrelname) FROM pg_stat_user_indexes WHERE relname IN ('processhost_process_instances',
      'processhost_flow_node_instances')"
fi

echo "== pgbench: single-row INSERT per transaction, $clients clients, $seconds s"
"$pg_bin/psql" -X -q -h 127.0.0.1 -p "$pg_port" -U postgres -d flow_bench \
  -c "CREATE TABLE IF NOT EXISTS bench_insert (id bigserial PRIMARY KEY, payload jsonb NOT NULL)"
echo "INSERT INTO bench_insert (payload) VALUES ('{\"x\": 1}');" >"$work/insert.sql"
"$pg_bin/pgbench" -n -h 127.0.0.1 -p "$pg_port" -U postgres -c "$clients" -j 2 -T "$seconds" \
  -f "$work/insert.sql" flow_bench 2>&1 | grep -E "^(tps|latency average|number of transactions actually)"
