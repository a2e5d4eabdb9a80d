#!/usr/bin/env bash
# Latency of the client library's notification subscriptions (docs/performance.md, "Client
# notifications"): starts a host with consumer_api on the memory store on PORT (log level
# warn) and runs sse_latency against it.
#
#   bench/client_notifications/run_sse_latency.sh BUILD_DIR [STARTS] [PORT]
set -euo pipefail

build_dir="$(cd "${1:?build dir}" && pwd)"
starts="${2:-1000}"
port="${3:-8019}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

work="$(mktemp -d)"
cat >"${work}/host.json" <<JSON
{"http": {"host": "127.0.0.1", "port": ${port}}, "log": {"level": "warn"},
 "processModels": ["${root}/config/demo/processes"], "plugins": [{"name": "consumer_api"}]}
JSON
"${build_dir}/bin/processhost" --config "${work}/host.json" >"${work}/host.log" 2>&1 &
host_pid=$!
trap 'kill "${host_pid}" 2>/dev/null; wait "${host_pid}" 2>/dev/null; rm -rf "${work}"' EXIT
for _ in $(seq 100); do
  curl -sf "http://127.0.0.1:${port}/ready" >/dev/null && break
  sleep 0.1
done
"${build_dir}/bin/sse_latency" "http://127.0.0.1:${port}" "${starts}"
