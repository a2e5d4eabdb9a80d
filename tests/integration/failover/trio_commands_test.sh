#!/usr/bin/env bash
# The commands of tests/support/pg_failover/pg_failover_trio.sh that the failover test uses to
# settle and, when pg_auto_failover's own recovery stalls, to help the trio (they run there
# only when it stalls): wait-healthy with a steady time, unsettled, restart-node and
# rebuild-node (of a standby and of a former primary), each followed by a healthy trio.
#   trio_commands_test.sh TRIO_SCRIPT ROOT   (the trio lives in ROOT/commands-PID, destroyed at the end)
set -euo pipefail

trio=$1
dir="$2/commands-$$"
trap '"$trio" destroy "$dir" >/dev/null 2>&1 || true' EXIT

fail() { echo "FAIL: $*; states: $("$trio" state "$dir" | tr '\n' ',')" >&2; exit 1; }
expect_settled() {
  "$trio" wait-healthy "$dir" 90 3 || fail "$1: not healthy and steady within 90 s"
  [[ -z "$("$trio" unsettled "$dir")" ]] || fail "$1: unsettled nodes after a healthy trio"
}

PG_FAILOVER_OPTIONS='fsync = off' "$trio" start "$dir" >/dev/null
expect_settled "start"

# A standby gone (keeper and postgres killed): unsettled names it; run again, it rejoins.
standby=$("$trio" standby "$dir")
"$trio" kill-node "$dir" "$standby"
deadline=$((SECONDS + 30))
until "$trio" unsettled "$dir" | grep -qx "$standby"; do
  ((SECONDS < deadline)) || fail "a killed standby ($standby) is never listed as unsettled"
  sleep 0.5
done
"$trio" wait-healthy "$dir" 5 0 2>/dev/null && fail "healthy with a standby killed"
"$trio" run-node "$dir" "$standby"
expect_settled "run-node $standby"

standby=$("$trio" standby "$dir")
"$trio" restart-node "$dir" "$standby"
expect_settled "restart-node $standby"

standby=$("$trio" standby "$dir")
"$trio" rebuild-node "$dir" "$standby"
expect_settled "rebuild-node $standby"

# A former primary made anew as a standby (a base backup, not an initdb of its own).
former=$("$trio" primary "$dir")
"$trio" failover "$dir"
expect_settled "failover"
[[ "$("$trio" primary "$dir")" != "$former" ]] || fail "the failover kept $former primary"
"$trio" rebuild-node "$dir" "$former"
expect_settled "rebuild-node $former (the former primary)"
"$trio" state "$dir" | grep -qx "$former secondary" || fail "$former is not a secondary after its rebuild"
echo "trio commands: all settled"
