#!/usr/bin/env bash
# Runs both sample clients (basic_client, container_client) against a running ProcessHost
# and shows their output. Exits 0 only if both succeeded.
#   clients/demo/run_demo_clients.sh URL [BIN_DIR] [CLIENT_CONFIG]
# BIN_DIR defaults to build/bin, CLIENT_CONFIG to config/demo/client.json (container_client
# reads it; --url overrides its URL). basic_client logs in as sampleUser/pass when the
# host has IAM.
set -uo pipefail

readonly kRoot="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
if (($# < 1)); then
  sed -n '2,7p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit 2
fi
readonly url="$1"
readonly bin_dir="${2:-${kRoot}/build/bin}"
readonly client_config="${3:-${kRoot}/config/demo/client.json}"

declare -A outcome=()
status=0
for client in basic_client container_client; do
  args=(--url "${url}")
  [[ "${client}" == container_client ]] && args+=(--config "${client_config}")
  printf '\n$ %s %s\n' "${client}" "${args[*]}"
  if [[ ! -x "${bin_dir}/${client}" ]]; then
    printf '%s is not built (looked in %s)\n' "${client}" "${bin_dir}"
    outcome[${client}]="missing"
    status=1
    continue
  fi
  if "${bin_dir}/${client}" "${args[@]}"; then
    outcome[${client}]="succeeded"
  else
    outcome[${client}]="FAILED (exit $?)"
    status=1
  fi
done

printf '\nbasic_client: %s; container_client: %s\n' "${outcome[basic_client]}" "${outcome[container_client]}"
exit "${status}"
