#!/usr/bin/env bash
# Several hosts on one database (docs/cluster.md), measured with the flow benchmark:
#   bench/cluster_bench/run_cluster_bench.sh BUILD_DIR [CLIENTS] [SECONDS] [HOST_COUNTS]
# For each number of hosts in HOST_COUNTS (default "1 2 3"): that many hosts (BUILD_DIR/bin/
# processhost with pg_store and consumer_api, the demo's sample process) on a fresh database
# of one private PostgreSQL 15 (durable settings, as run_flow_bench.sh), then flow_bench with
# CLIENTS clients (default 32) for SECONDS (default 15), every request of a flow sent to the
# next host in turn (round-robin). Reported per host count: flows/s and CPU ms per complete
# flow of all hosts together and of PostgreSQL. HINTS=false runs the hosts without hints
# (pg_store "hints": false), for their cost. STATEMENT_STATS=1 also prints, from
# pg_stat_statements, the statements per flow each host count ran (the hints' NOTIFYs are the
# "SELECT pg_notify" line). The run fails when a flow fails or an instance is
# left unfinished. Everything listens on loopback ports and is stopped at the end.
set -euo pipefail

build=$(cd "${1:?usage: $0 BUILD_DIR [CLIENTS] [SECONDS] [HOST_COUNTS]}" && pwd)
clients=${2:-32}
seconds=${3:-15}
host_counts=${4:-1 2 3}
hints=${HINTS:-true}
root=$(cd "$(dirname "$0")/../.." && pwd)
pg_cluster="$root/tests/support/postgres/pg_cluster.sh"
pg_bin=/usr/lib/postgresql/15/bin
work="$build/cluster-bench"
host_pids=()

stop_hosts() {
  for pid in "${host_pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${host_pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  host_pids=()
}
cleanup() {
  stop_hosts
  "$pg_cluster" destroy "$work/postgres" >/dev/null 2>&1 || true
}
trap cleanup EXIT

# shellcheck source=../../tests/support/free_port.sh
source "$root/tests/support/free_port.sh"

mkdir -p "$work"
"$pg_cluster" destroy "$work/postgres" >/dev/null 2>&1 || true
statement_options=""
if [[ "${STATEMENT_STATS:-0}" == 1 ]]; then
  statement_options="-c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track=all"
fi
PG_CLUSTER_OPTIONS="-c synchronous_commit=on -c fsync=on -c max_connections=200 -c commit_delay=200 -c commit_siblings=5 $statement_options ${PG_EXTRA_OPTIONS:-}" \
  "$pg_cluster" start "$work/postgres" auto
pg_port=$(cat "$work/postgres/port")
pg_pid=$(pgrep -f "^$pg_bin/postgres -D .* -p $pg_port " | head -1 || true)
psql_value() { "$pg_bin/psql" -X -A -t -h 127.0.0.1 -p "$pg_port" -U postgres -d "$1" -c "$2"; }
if [[ "${STATEMENT_STATS:-0}" == 1 ]]; then
  psql_value postgres "CREATE EXTENSION IF NOT EXISTS pg_stat_statements" >/dev/null
fi
statements=()

echo "== cluster bench: $clients clients, $seconds s per run, hints $hints, $(nproc) cores," \
  "PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}')"
printf '%-6s %10s %16s %18s\n' hosts "flows/s" "host CPU ms/flow" "PostgreSQL ms/flow"
for count in $host_counts; do
  database="cluster_bench_$count"
  ports=()
  for index in $(seq 1 "$count"); do
    port=$(free_loopback_port)
    cat >"$work/host_$index.json" <<JSON
{
  "http": {"host": "127.0.0.1", "port": $port},
  "log": {"level": "warn"},
  "processModels": ["$root/config/demo/processes/sample_process.bpmn"],
  "plugins": [
    {"name": "pg_store", "config": {"host": "127.0.0.1", "port": $pg_port, "database": "$database",
                                    "user": "postgres", "hints": $hints}},
    {"name": "consumer_api"}
  ]
}
JSON
    "$build/bin/processhost" --config "$work/host_$index.json" >"$work/host_$index.log" 2>&1 &
    host_pids+=($!)
    ports+=("$port")
    # One after another: the first creates the database and its schema.
    for _ in $(seq 1 300); do
      if curl -fs "http://127.0.0.1:$port/ready" >/dev/null 2>&1; then break; fi
      if ! kill -0 "${host_pids[-1]}" 2>/dev/null; then
        cat "$work/host_$index.log" >&2
        exit 1
      fi
      sleep 0.1
    done
  done
  port_list=$(IFS=,; echo "${ports[*]}")
  pid_list=$(IFS=,; echo "${host_pids[*]}")
  status=0
  "$build/bin/flow_bench" --port "$port_list" --clients "$clients" --seconds "$seconds" \
    --host-pid "$pid_list" --pg-pid "${pg_pid:-0}" >"$work/flow_bench_$count.out" 2>&1 || status=$?
  unfinished=$(psql_value "$database" "SELECT count(*) FROM processhost_process_instances WHERE state <> 'finished'")
  if [[ "${STATEMENT_STATS:-0}" == 1 ]]; then
    # Per flow the hosts ran: also those completed outside flow_bench's measured window.
    ran=$(sed -n 's/^complete flows: \([0-9]*\) ([^)]*)\(, \([0-9]*\) more\)\{0,1\}.*/\1 \3/p' "$work/flow_bench_$count.out")
    ran=$(awk -v ran="$ran" 'BEGIN { split(ran, n, " "); print n[1] + n[2] }')
    statements+=("== $count hosts: statements per flow ($ran flows)")
    statements+=("$(psql_value postgres "SELECT round(sum(calls)::numeric / $ran, 3), left(regexp_replace(query, '\\s+', ' ', 'g'), 80)
      FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = '$database')
      GROUP BY 2 ORDER BY 1 DESC LIMIT 15")")
  fi
  stop_hosts
  if [[ "$status" != 0 || "$unfinished" != 0 ]]; then
    cat "$work/flow_bench_$count.out" >&2
    echo "run_cluster_bench.sh: FAILED with $count hosts: flow_bench exit status $status," \
      "instances not finished $unfinished; host logs: $work/host_*.log" >&2
    exit 1
  fi
  flows=$(sed -n 's/^complete flows: [0-9]* (\([0-9]*\) flows\/s).*/\1/p' "$work/flow_bench_$count.out")
  host_cpu=$(sed -n 's/.*, hosts\{0,1\} \([0-9.]*\).*/\1/p' "$work/flow_bench_$count.out")
  pg_cpu=$(sed -n 's/.*PostgreSQL \([0-9.]*\).*/\1/p' "$work/flow_bench_$count.out")
  printf '%-6s %10s %16s %18s\n' "$count" "$flows" "$host_cpu" "$pg_cpu"
done
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
if ((${#statements[@]} > 0)); then printf '%s\n' "${statements[@]}"; fi
