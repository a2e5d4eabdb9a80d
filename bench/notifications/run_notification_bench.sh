#!/usr/bin/env bash
# Notification latency and memory per idle connection (docs/performance.md, Notifications):
# starts a host with the minimal config on PORT, installs the original client's npm packages
# (socket.io-client 2) into the build tree as the e2e test does, and runs
# notification_bench.js against the host.
#
#   bench/notifications/run_notification_bench.sh BUILD_DIR [STARTS] [IDLE_CONNECTIONS] [PORT]
set -euo pipefail

build_dir="$(cd "${1:?build dir}" && pwd)"
starts="${2:-500}"
idle="${3:-500}"
port="${4:-8017}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "${here}/../.." && pwd)"
client_dir="${build_dir}/tests/e2e/notifications_js/original_client"

cmake -DNPM="$(command -v npm)" -DSOURCE_DIR="${root}/tests/e2e/notifications_js" -DCLIENT_DIR="${client_dir}" \
  -P "${root}/tests/e2e/notifications_js/install_client.cmake" >/dev/null

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
# The idle connections need a descriptor each, in the host and in node.
ulimit -n "$((idle * 2 + 256))" 2>/dev/null || true
NODE_PATH="${client_dir}/node_modules" node "${here}/notification_bench.js" "http://127.0.0.1:${port}" "${host_pid}" \
  "${starts}" "${idle}"
