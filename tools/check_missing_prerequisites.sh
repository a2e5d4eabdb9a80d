#!/usr/bin/env bash
# Shows that a missing prerequisite fails the tests instead of shrinking them: for each of
# the conformance corpus, a plugin and PostgreSQL, takes it away (without touching the
# checkout or the system), runs the tests that need it, and checks that they fail with a
# message that names what is missing. Run after ./run build; takes a few minutes.
#   tools/check_missing_prerequisites.sh [BUILD_DIR]
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${1:-${root}/build}"
plugin_dir="${build}/lib/processhost/plugins"
failures=0

# expect_failure NAME PATTERN COMMAND...: COMMAND must exit non-zero and print PATTERN.
expect_failure() {
  local name="$1" pattern="$2" output status=0
  shift 2
  output="$("$@" 2>&1)" || status=$?
  if ((status == 0)); then
    echo "FAIL ${name}: the tests passed without it" >&2
    failures=$((failures + 1))
  elif ! grep -qE "${pattern}" <<<"${output}"; then
    echo "FAIL ${name}: failed, but the output does not say '${pattern}':" >&2
    tail -n 20 <<<"${output}" >&2
    failures=$((failures + 1))
  else
    echo "ok   ${name}: fails with: $(grep -m1 -oE "${pattern}.{0,100}" <<<"${output}")"
  fi
}

first_case="$(sed -n 's/^ *"name": *"\([a-z0-9_]*\)".*/\1/p' "${root}/../shared/conformance/cases.json" | head -n1)"

# 1. The corpus: every conformance test fails, in both modes, naming where it looked.
expect_failure "corpus missing (engine mode)" "conformance corpus is missing" \
  env PROCESSHOST_CONFORMANCE_DIR=/nonexistent/conformance \
  ctest --test-dir "${build}" --output-on-failure -R "^conformance\.engine\.${first_case}$"
expect_failure "corpus missing (http mode)" "conformance corpus is missing" \
  env PROCESSHOST_CONFORMANCE_DIR=/nonexistent/conformance \
  ctest --test-dir "${build}" --output-on-failure -R "^(postgres_cluster_(start|stop)|conformance\.http\.${first_case})$"

# A build configured without the corpus has one conformance test per mode, which fails.
scratch="$(mktemp -d)"
PROCESSHOST_CONFORMANCE_DIR=/nonexistent/conformance cmake -S "${root}" -B "${scratch}" -G Ninja >/dev/null 2>&1
listed="$(ctest --test-dir "${scratch}" -N -R '^conformance\.' | grep -oE 'conformance\.[a-z]+\.[a-z_]+' | sort | tr '\n' ' ')"
rm -rf "${scratch}"
if [[ "${listed}" == "conformance.engine.corpus conformance.http.corpus " ]]; then
  echo "ok   corpus missing at configure: the suite is one test per mode, conformance.<mode>.corpus"
else
  echo "FAIL corpus missing at configure: conformance tests listed: ${listed:-none}" >&2
  failures=$((failures + 1))
fi
expect_failure "corpus check of such a build" "conformance corpus is missing" \
  env PROCESSHOST_CONFORMANCE_DIR=/nonexistent/conformance "${build}/bin/conformance_engine" --check-corpus

# 2. A plugin: the suites that load iam.so fail (the host does not start), they do not skip.
aside="$(mktemp -d)"
mv "${plugin_dir}/iam.so" "${aside}/"
restore_plugin() { [[ -f "${aside}/iam.so" ]] && mv "${aside}/iam.so" "${plugin_dir}/"; rmdir "${aside}"; }
trap restore_plugin EXIT
expect_failure "iam.so missing" "iam.so" \
  ctest --test-dir "${build}" --output-on-failure -R '^consumer_api\.integration\.WithIam\.'
restore_plugin
trap - EXIT

# 3. PostgreSQL: the shared cluster cannot start, so every test that needs it fails.
expect_failure "PostgreSQL missing" "Not Run|initdb|pg_ctl|No such file" \
  env PG_BIN=/nonexistent/postgresql/bin \
  ctest --test-dir "${build}" --output-on-failure -R '^(postgres_cluster_(start|stop)|integration\.pg_store\.PgStoreStartup\.CreatesTheDatabase.*)$'

if ((failures > 0)); then
  echo "missing prerequisites: ${failures} checks did not fail as they should" >&2
  exit 1
fi
echo "missing prerequisites: every check failed the tests with a clear message"
