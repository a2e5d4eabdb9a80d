#!/usr/bin/env bash
# pg_auto_failover on loopback for tests, benchmarks and `./run cluster`: a monitor, a
# primary and two standbys (Debian's postgresql-15-auto-failover and pg-auto-failover-cli),
# each a private PostgreSQL 15 in DIR, owned by the "postgres" user. Both standbys are in the
# replication quorum and number_sync_standbys is 1: every commit waits until one of them has
# it (synchronous_standby_names 'ANY 1 (...)'), and with one standby unhealthy the other
# still confirms. With a single standby pg_auto_failover would switch synchronous replication
# off whenever that standby is unhealthy or rejoining (wait_primary), and a failover in such a
# time loses acknowledged commits (docs/cluster.md, "Failover"). With both standbys gone,
# commits wait: durability over availability.
#
#   pg_failover_trio.sh start    DIR    create when missing (four free ports), then run the
#                                       four pg_autoctl services; waits for primary + 2 secondaries
#   pg_failover_trio.sh stop     DIR    stop the services (fast shutdown); DIR stays
#   pg_failover_trio.sh destroy  DIR    kill every process of the trio, then remove DIR
#   pg_failover_trio.sh url      DIR [DATABASE]  the multi-host URL of the three nodes (default database "postgres")
#   pg_failover_trio.sh state    DIR    the monitor's view: "node1 primary\nnode2 secondary\nnode3 secondary"
#   pg_failover_trio.sh primary  DIR    the node whose monitor state is primary (or wait_primary)
#   pg_failover_trio.sh standby  DIR    a node whose monitor state is secondary
#   pg_failover_trio.sh wait-healthy DIR [SECONDS] [STEADY]  until one primary and two secondaries,
#                                       each where the monitor wants it and healthy, for STEADY
#                                       seconds on end (default 60 and 0)
#   pg_failover_trio.sh unsettled DIR  the nodes not where the monitor wants them, or unhealthy
#   pg_failover_trio.sh restart-node DIR NODE  kill the node's keeper and postgres, then run it again
#   pg_failover_trio.sh rebuild-node DIR NODE  drop the node from the monitor, remove its data and create
#                                       it again as a standby of the primary (a fresh base backup)
#   pg_failover_trio.sh failover DIR    planned failover: pg_autoctl perform failover (waits)
#   pg_failover_trio.sh kill-postmaster DIR NODE   SIGKILL the node's postmaster (its keeper restarts it)
#   pg_failover_trio.sh kill-node DIR NODE         SIGKILL the node's keeper and its postgres: the node is gone
#   pg_failover_trio.sh run-node DIR NODE          start a node's keeper again (it rejoins, rewinding if needed)
#   pg_failover_trio.sh stall-node DIR NODE SECONDS  SIGSTOP the node's keeper and postgres for SECONDS, then
#                                                  SIGCONT: a node starved of CPU, as on an overloaded machine
#   pg_failover_trio.sh port     DIR NAME          the port of monitor, node1, node2 or node3
#   pg_failover_trio.sh events   DIR [COUNT]       the monitor's last events, oldest first (200)
#
# Every server listens on 127.0.0.1 only (pg_autoctl's own default is '*': the data folders
# are made here and pg_autoctl is told --listen), with its unix socket in DIR. initdb runs
# here too, so the servers get a few MB of shared buffers instead of pg_autoctl's sizing for
# the whole machine. Connections from 127.0.0.1 are trusted: the trio lives for a test run.
#
# Timeouts (defaults in parentheses) are tuned for failing over within seconds on one machine,
# where the nodes are processes that die or not, never a slow network:
#   monitor, pgautofailover.* GUCs in the monitor's postgresql.auto.conf:
#     health_check_period 1000 ms (5000)        how often the monitor probes each node
#     health_check_timeout 1000 ms (5000)       a probe's connect timeout
#     health_check_max_retries 1 (2)            failed probes before a node counts as down
#     health_check_retry_delay 200 ms (2000)    pause between those probes
#     node_considered_unhealthy_timeout 2000 ms (20000)  keeper silence that, with failed
#                                               probes, makes a node unhealthy (failover starts)
#     primary_demote_timeout 2500 ms (30000)    how long an unreachable primary is given to
#                                               demote itself before a standby is promoted:
#                                               above the keepers' network_partition_timeout,
#                                               so an isolated primary stops taking writes first
#                                               (it could acknowledge none anyway: its standbys
#                                               no longer stream from it)
#     startup_grace_period 2000 ms (10000)      no failover decisions right after the monitor starts
#   keepers, pg_autoctl.cfg (pg_autoctl config set):
#     timeout.network_partition_timeout 2 s (20)   a primary that reaches neither monitor nor
#                                                  standby this long demotes itself
#     timeout.prepare_promotion_catchup 5 s (30)   how long a promotion waits for the standby
#                                                  to catch up before giving up
#     timeout.prepare_promotion_walreceiver 1 s (5)  wait for the WAL receiver to stop
#     timeout.postgresql_restart_failure_timeout 5 s (20), ..._max_retries 2 (3):
#                                                  a postgres that will not come back within this makes the keeper give up
# Environment: PG_BIN (default /usr/lib/postgresql/15/bin); PG_FAILOVER_NICE (the services'
# nice value when run as root, -5); PG_FAILOVER_OPTIONS (extra lines
# for the nodes' postgresql.auto.conf, e.g. "fsync = off" for tests: safe against the process
# crashes tests cause, not against a machine crash).
set -euo pipefail

usage() {
  sed -n '2,34p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

[[ $# -ge 2 ]] || usage
command=$1
dir=$2
pg_bin=${PG_BIN:-/usr/lib/postgresql/15/bin}
readonly kNodes=(node1 node2 node3)

# shellcheck source=../free_port.sh
source "$(dirname "${BASH_SOURCE[0]}")/../free_port.sh"

as_postgres() {
  if [[ $(id -u) -eq 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

# pg_autoctl with its configuration and state under DIR, a PATH without the caller's
# folders (it probes each for pg_ctl), and the sockets in DIR.
autoctl() {
  as_postgres env -i PATH="$pg_bin:/usr/bin:/bin" HOME="$dir" PGHOST="$dir" \
    XDG_CONFIG_HOME="$dir/config" XDG_DATA_HOME="$dir/state" XDG_RUNTIME_DIR="$dir/run" \
    pg_autoctl "$@"
}

port_of() { cat "$dir/$1.port"; }
monitor_url() { echo "postgres://autoctl_node@127.0.0.1:$(port_of monitor)/pg_auto_failover?sslmode=disable"; }

prepare_dir() {
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  if [[ $(id -u) -eq 0 ]]; then chown postgres: "$dir"; fi
  as_postgres mkdir -p "$dir/config" "$dir/state" "$dir/run"
  as_postgres chmod 700 "$dir/run"
  local name
  for name in monitor "${kNodes[@]}"; do
    [[ -f "$dir/$name.port" ]] || { free_loopback_port >"$dir/$name.port.tmp" && mv "$dir/$name.port.tmp" "$dir/$name.port"; }
  done
}

# initdb with small memory and loopback-only settings in postgresql.auto.conf, which
# PostgreSQL reads after pg_autoctl's include file, so these win over its tuning.
init_data() {
  local name=$1 extra=$2
  [[ -f "$dir/$name/PG_VERSION" ]] && return 0
  as_postgres "$pg_bin/initdb" -D "$dir/$name" -U postgres --auth=trust --encoding=UTF8 --locale=C \
    --no-instructions >"$dir/$name.initdb.log" 2>&1 || { cat "$dir/$name.initdb.log" >&2; exit 1; }
  as_postgres tee -a "$dir/$name/postgresql.auto.conf" >/dev/null <<EOF
listen_addresses = '127.0.0.1'
unix_socket_directories = '$dir'
shared_buffers = '16MB'
work_mem = '4MB'
maintenance_work_mem = '16MB'
effective_cache_size = '128MB'
max_connections = 60
logging_collector = off
$extra
EOF
}

# Runs a pg_autoctl service in the background, detached (its own session), logging to DIR.
run_service() {
  local name=$1 priority=()
  shift
  # Root runs the nodes and the monitor at a higher CPU priority than the rest of the machine
  # (nice -5; PG_FAILOVER_NICE), as servers of their own would be: a loaded test machine then
  # delays their keepers less, which the failover's timings measure (a node starved on
  # purpose: stall-node).
  [[ $(id -u) -eq 0 ]] && priority=(nice -n "${PG_FAILOVER_NICE:--5}")
  "${priority[@]}" setsid bash -c "$(declare -f as_postgres autoctl); dir='$dir'; pg_bin='$pg_bin'; autoctl \"\$@\" >>'$dir/$name.log' 2>&1" \
    autoctl "$@" </dev/null >/dev/null 2>&1 &
  echo $! >"$dir/$name.service.pid"
}

service_running() {
  local pid_file="$dir/$1.service.pid"
  [[ -f "$pid_file" ]] && kill -0 "$(cat "$pid_file")" 2>/dev/null
}

monitor_sql() {
  as_postgres "$pg_bin/psql" -h "$dir" -p "$(port_of monitor)" -U autoctl_node -d pg_auto_failover -XAtq -c "$1"
}

monitor_up() { monitor_sql "SELECT 1" >/dev/null 2>&1; }

# "name state" per node, as the monitor reports them.
node_states() {
  monitor_sql "SELECT nodename, reportedstate FROM pgautofailover.node ORDER BY nodeid" 2>/dev/null | tr '|' ' '
}

wait_for() {
  local seconds=$1 what=$2
  shift 2
  local deadline=$((SECONDS + seconds))
  until "$@"; do
    if ((SECONDS >= deadline)); then
      echo "pg_failover_trio: $what not reached within ${seconds} s; states: $(node_states | tr '\n' ',')" >&2
      return 1
    fi
    sleep 0.2
  done
}

# One primary and every other node its standby again, each where the monitor wants it: a
# node's reported state lags its goal while a failover starts (a killed primary still
# reports "primary" until it is declared unhealthy).
# The monitor's health flag counts too: a node that converged but whose postgres the monitor
# cannot reach is about to fail over.
healthy() {
  local states
  states=$(monitor_sql "SELECT nodename, reportedstate FROM pgautofailover.node
                         WHERE reportedstate = goalstate AND health = 1 ORDER BY nodeid" 2>/dev/null | tr '|' ' ')
  [[ $(grep -c ' primary$' <<<"$states") -eq 1 && $(grep -c ' secondary$' <<<"$states") -eq $((${#kNodes[@]} - 1)) ]]
}

# Healthy for STEADY seconds on end: after a failover the monitor may still change its mind
# for a moment (a node just promoted, another rejoining), and the next event should meet a
# trio that settled.
steadily_healthy() {
  local steady=$1 since=""
  while :; do
    if healthy; then
      since=${since:-$SECONDS}
      ((SECONDS - since >= steady)) && return 0
    else
      since=""
      return 1
    fi
    sleep 0.5
  done
}

# Nodes not where the monitor wants them, or that it finds unhealthy.
unsettled_nodes() {
  monitor_sql "SELECT nodename FROM pgautofailover.node WHERE reportedstate <> goalstate OR health <> 1
                ORDER BY nodeid" 2>/dev/null
}

number_sync_standbys() { monitor_sql "SELECT number_sync_standbys FROM pgautofailover.formation WHERE formationid = 'default'"; }

node_reported() { node_states | grep -qE "^$1 ($2)\$"; }

tune_monitor() {
  as_postgres tee -a "$dir/monitor/postgresql.auto.conf" >/dev/null <<'EOF'
pgautofailover.health_check_period = 1000
pgautofailover.health_check_timeout = 1000
pgautofailover.health_check_max_retries = 1
pgautofailover.health_check_retry_delay = 200
pgautofailover.node_considered_unhealthy_timeout = 2000
pgautofailover.primary_demote_timeout = 2500
pgautofailover.startup_grace_period = 2000
EOF
}

tune_keeper() {
  local pgdata=$1
  autoctl config set --pgdata "$pgdata" timeout.network_partition_timeout 2 >/dev/null
  autoctl config set --pgdata "$pgdata" timeout.prepare_promotion_catchup 5 >/dev/null
  autoctl config set --pgdata "$pgdata" timeout.prepare_promotion_walreceiver 1 >/dev/null
  autoctl config set --pgdata "$pgdata" timeout.postgresql_restart_failure_timeout 5 >/dev/null
  autoctl config set --pgdata "$pgdata" timeout.postgresql_restart_failure_max_retries 2 >/dev/null
}

create_monitor() {
  [[ -f "$dir/monitor.created" ]] && return 0
  init_data monitor ""
  tune_monitor
  autoctl create monitor --pgdata "$dir/monitor" --pgport "$(port_of monitor)" --hostname 127.0.0.1 \
    --listen 127.0.0.1 --auth trust --no-ssl >>"$dir/monitor.log" 2>&1 || { tail -n 30 "$dir/monitor.log" >&2; exit 1; }
  touch "$dir/monitor.created"
}

create_node() {
  local name=$1
  [[ -f "$dir/$name.created" ]] && return 0
  # The first node's data folder is made here; the others are base backups of the primary
  # (pg_autoctl), which copies its postgresql.auto.conf with it. A node made again (as_standby)
  # is always a base backup.
  [[ $name == node1 && ${2:-} != as_standby ]] && init_data "$name" "${PG_FAILOVER_OPTIONS:-}"
  autoctl create postgres --pgdata "$dir/$name" --pgport "$(port_of "$name")" --pghost "$dir" \
    --listen 127.0.0.1 --hostname 127.0.0.1 --name "$name" --monitor "$(monitor_url)" --auth trust --no-ssl \
    --username postgres --dbname postgres --replication-quorum true --candidate-priority 50 \
    >>"$dir/$name.log" 2>&1 || { tail -n 30 "$dir/$name.log" >&2; exit 1; }
  tune_keeper "$dir/$name"
  touch "$dir/$name.created"
}

start() {
  prepare_dir
  create_monitor
  service_running monitor || run_service monitor run --pgdata "$dir/monitor"
  wait_for 60 "monitor up" monitor_up
  local name
  for name in "${kNodes[@]}"; do
    create_node "$name"
    service_running "$name" || run_service "$name" run --pgdata "$dir/$name"
    # A standby's base backup needs a running primary; one standby at a time.
    if [[ $name == node1 ]]; then
      wait_for 60 "node1 primary" node_reported node1 'single|primary|wait_primary'
    else
      wait_for 90 "$name secondary" node_reported "$name" secondary
    fi
  done
  # Two standbys in the replication quorum, one of which must confirm every commit: the
  # primary never commits alone (see the top of this file). pg_auto_failover sets this by
  # itself when the second standby registers; set here so the trio never depends on that.
  if [[ $(number_sync_standbys) != 1 ]]; then
    autoctl set formation number-sync-standbys 1 --pgdata "$dir/node1" >>"$dir/monitor.log" 2>&1
  fi
  wait_for 90 "a primary and two secondaries" healthy
  [[ $(number_sync_standbys) == 1 ]] || { echo "pg_failover_trio: number_sync_standbys is not 1" >&2; exit 1; }
}

# pg_autoctl's supervisor and its children (postgres controller, keeper or monitor listener).
service_pids() {
  local name=$1 pid_file pid
  pid_file=$(autoctl show file --pgdata "$dir/$name" --pid 2>/dev/null || true)
  if [[ -n "$pid_file" && -f "$pid_file" ]]; then
    pid=$(head -n1 "$pid_file")
    if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
      echo "$pid"
      ps -o pid= --ppid "$pid" || true
    fi
  fi
  return 0
}

postmaster_pid() {
  [[ -f "$dir/$1/postmaster.pid" ]] && head -n1 "$dir/$1/postmaster.pid"
}

kill_postmaster() {
  local name=$1 pid
  pid=$(postmaster_pid "$name") || true
  [[ -n "$pid" ]] && kill -KILL "$pid" 2>/dev/null || true
}

kill_node() {
  local name=$1 pids
  pids=$(service_pids "$name" | tr '\n' ' ')
  # The keeper first, so nothing restarts postgres; then postgres with its children.
  [[ -n "${pids// /}" ]] && kill -KILL $pids 2>/dev/null || true
  if service_running "$name"; then kill -KILL "$(cat "$dir/$name.service.pid")" 2>/dev/null || true; fi
  local pid
  pid=$(postmaster_pid "$name") || true
  if [[ -n "$pid" ]]; then
    kill -KILL "$pid" $(ps -o pid= --ppid "$pid" 2>/dev/null) 2>/dev/null || true
  fi
}

# A process and all its descendants.
process_tree() {
  local pid=$1 child
  kill -0 "$pid" 2>/dev/null || return 0
  echo "$pid"
  for child in $(ps -o pid= --ppid "$pid" 2>/dev/null); do process_tree "$child"; done
}

# Every process of a node: its service (the runuser wrapper, pg_autoctl and its children)
# and postgres with its children.
node_pids() {
  local name=$1 pid parent
  service_running "$name" && process_tree "$(cat "$dir/$name.service.pid")"
  for pid in $(service_pids "$name"); do
    process_tree "$pid"
    # pg_autoctl's parent: the runuser wrapper (setsid forks, so the service's pid file
    # may name a process that is gone).
    parent=$(ps -o ppid= -p "$pid" 2>/dev/null | tr -d ' ')
    [[ -n "$parent" && $(ps -o comm= -p "$parent" 2>/dev/null) == runuser ]] && echo "$parent"
  done
  pid=$(postmaster_pid "$name") || true
  [[ -n "$pid" ]] && process_tree "$pid"
  return 0
}

# All of them stopped and continued together: runuser stops itself when its child stops
# (as su does for job control), so it is continued too, or it would never reap its child.
stall_node() {
  local name=$1 seconds=$2 pids
  pids=$(node_pids "$name" | sort -u | tr '\n' ' ')
  [[ -n "${pids// /}" ]] || return 0
  kill -STOP $pids 2>/dev/null || true
  sleep "$seconds"
  kill -CONT $pids 2>/dev/null || true
}

# A primary that was killed rejoins as a standby by pg_rewind, which needs a cleanly stopped
# data folder. pg_autoctl 2.0 runs the crash recovery itself but, on a loaded machine, may
# start pg_rewind while that postgres still runs; pg_rewind then fails and the node is
# copied anew with pg_basebackup (minutes instead of seconds). So the crash recovery runs
# here first, in single-user mode, as pg_rewind itself would run it. A standby's folder
# (in archive recovery) needs none.
recover_crashed_primary() {
  local name=$1 pid
  [[ -f "$dir/$name/postmaster.pid" ]] || return 0
  pid=$(postmaster_pid "$name") || true
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null && return 0
  as_postgres "$pg_bin/pg_controldata" -D "$dir/$name" 2>/dev/null | grep -q 'cluster state: *in production' || return 0
  as_postgres "$pg_bin/postgres" --single -F -D "$dir/$name" template1 </dev/null >>"$dir/$name.recovery.log" 2>&1 || true
}

# A node pg_auto_failover could not bring back (a keeper stuck rejoining after two quick
# failovers, which a loaded machine makes possible): removed from the monitor and made anew
# as a standby, as an operator would. Its port stays.
rebuild_node() {
  local name=$1
  kill_node "$name"
  autoctl drop node --monitor "$(monitor_url)" --name "$name" --force >>"$dir/$name.log" 2>&1 || true
  as_postgres rm -rf "$dir/$name"
  rm -f "$dir/$name.created" "$dir/$name.service.pid"
  create_node "$name" as_standby
  run_service "$name" run --pgdata "$dir/$name"
  wait_for 120 "$name secondary" node_reported "$name" secondary
}

stop() {
  local name
  for name in "${kNodes[@]}" monitor; do
    if [[ -d "$dir/$name" ]] && { service_running "$name" || [[ -n "$(service_pids "$name")" ]]; }; then
      autoctl stop --pgdata "$dir/$name" >/dev/null 2>&1 || true
    fi
  done
  for name in "${kNodes[@]}" monitor; do
    local deadline=$((SECONDS + 30))
    while service_running "$name" && ((SECONDS < deadline)); do sleep 0.2; done
    service_running "$name" && kill_node "$name"
    if [[ -f "$dir/$name/postmaster.pid" ]]; then
      as_postgres "$pg_bin/pg_ctl" stop -D "$dir/$name" -m fast -w -t 30 >/dev/null 2>&1 || kill_postmaster "$name"
    fi
  done
  return 0
}

case "$command" in
  start) start ;;
  stop) [[ -d "$dir" ]] && { dir=$(cd "$dir" && pwd); stop; } ;;
  destroy)
    if [[ -d "$dir" ]]; then
      dir=$(cd "$dir" && pwd)
      for name in "${kNodes[@]}" monitor; do kill_node "$name"; done
      # runuser wrappers left behind, of this folder only (one stopped with its child stays
      # stopped after the child is gone).
      for pid in $(ps -eo pid=,args= | awk -v home="HOME=$dir/state" '$2 == "runuser" && index($0, home) { print $1 }'); do
        kill -KILL "$pid" 2>/dev/null || true
      done
      rm -rf "$dir"
    fi
    ;;
  url)
    dir=$(cd "$dir" && pwd)
    echo "postgresql://postgres@127.0.0.1:$(port_of node1),127.0.0.1:$(port_of node2),127.0.0.1:$(port_of node3)/${3:-postgres}?target_session_attrs=read-write&connect_timeout=2"
    ;;
  state) dir=$(cd "$dir" && pwd); node_states ;;
  primary) dir=$(cd "$dir" && pwd); node_states | awk '$2 == "primary" || $2 == "wait_primary" { print $1; exit }' ;;
  standby) dir=$(cd "$dir" && pwd); node_states | awk '$2 == "secondary" { print $1; exit }' ;;
  wait-healthy)
    dir=$(cd "$dir" && pwd)
    wait_for "${3:-60}" "a primary and two secondaries${4:+, steady for $4 s}" steadily_healthy "${4:-0}"
    ;;
  unsettled) dir=$(cd "$dir" && pwd); unsettled_nodes ;;
  restart-node)
    [[ $# -ge 3 ]] || usage
    dir=$(cd "$dir" && pwd)
    kill_node "$3"
    recover_crashed_primary "$3"
    run_service "$3" run --pgdata "$dir/$3"
    ;;
  rebuild-node) [[ $# -ge 3 ]] || usage; dir=$(cd "$dir" && pwd); rebuild_node "$3" ;;
  failover)
    dir=$(cd "$dir" && pwd)
    autoctl perform failover --pgdata "$dir/monitor" >>"$dir/failover.log" 2>&1 || { tail -n 20 "$dir/failover.log" >&2; exit 1; }
    ;;
  kill-postmaster) [[ $# -ge 3 ]] || usage; dir=$(cd "$dir" && pwd); kill_postmaster "$3" ;;
  kill-node) [[ $# -ge 3 ]] || usage; dir=$(cd "$dir" && pwd); kill_node "$3" ;;
  run-node)
    [[ $# -ge 3 ]] || usage
    dir=$(cd "$dir" && pwd)
    if ! service_running "$3"; then
      recover_crashed_primary "$3"
      run_service "$3" run --pgdata "$dir/$3"
    fi
    ;;
  stall-node) [[ $# -ge 4 ]] || usage; dir=$(cd "$dir" && pwd); stall_node "$3" "$4" ;;
  port) [[ $# -ge 3 ]] || usage; dir=$(cd "$dir" && pwd); port_of "$3" ;;
  events)
    dir=$(cd "$dir" && pwd)
    monitor_sql "SELECT to_char(eventtime AT TIME ZONE 'UTC', 'HH24:MI:SS.MS') || ' ' || nodename || ' ' ||
                        reportedstate || ' -> ' || goalstate || ' lsn ' || reportedlsn || ': ' || description
                   FROM (SELECT * FROM pgautofailover.event ORDER BY eventid DESC LIMIT ${3:-200}) e
                  ORDER BY eventid"
    ;;
  *) usage ;;
esac
