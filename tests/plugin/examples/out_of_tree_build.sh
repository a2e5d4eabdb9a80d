#!/usr/bin/env bash
# Installs the SDK component of a ProcessHost build tree into a fresh prefix, builds the
# audit_log example plugin out of tree against it with find_package(ProcessHost), and runs
# the plugin test binary on the resulting .so.
#   out_of_tree_build.sh BUILD_DIR SOURCE_DIR WORK_DIR TEST_BINARY
set -euo pipefail
build_dir="$1" source_dir="$2" work_dir="$3" test_binary="$4"

rm -rf "${work_dir}"
mkdir -p "${work_dir}"
cmake --install "${build_dir}" --prefix "${work_dir}/prefix" --component sdk >"${work_dir}/install.log"
cmake -S "${source_dir}/plugins/examples/audit_log" -B "${work_dir}/build" -G Ninja \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_PREFIX_PATH="${work_dir}/prefix" >"${work_dir}/configure.log"
cmake --build "${work_dir}/build" -j2 >"${work_dir}/build.log"

plugin="${work_dir}/build/lib/processhost/plugins/audit_log.so"
[[ -f "${plugin}" ]] || { echo "out-of-tree build did not produce ${plugin}" >&2; exit 1; }
exports="$(nm -D --defined-only "${plugin}" | awk '$2 == "T" {print $3}')"
[[ "${exports}" == "processhost_plugin_descriptor" ]] || { echo "unexpected exports: ${exports}" >&2; exit 1; }
AUDIT_LOG_PLUGIN="${plugin}" "${test_binary}"
rm -rf "${work_dir}"
