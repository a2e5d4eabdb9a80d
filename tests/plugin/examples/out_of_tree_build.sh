#!/usr/bin/env bash
# Installs the SDK component of a ProcessHost build tree into a fresh prefix, builds the
# audit_log example plugin out of tree against it with find_package(ProcessHost), and runs
# the plugin test binary on the resulting .so. Then builds that plugin test itself out of
# tree, against the installed fake host (ProcessHost::test_fake_host), and runs it on the
# same .so. Last, builds a small program against ProcessHost::consumer_api_client from the
# same package and runs it.
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

mkdir -p "${work_dir}/plugin_test"
cat >"${work_dir}/plugin_test/CMakeLists.txt" <<'CMAKE'
cmake_minimum_required(VERSION 3.25)
project(plugin_test_check LANGUAGES CXX)
set(CMAKE_CXX_STANDARD 20)
find_package(ProcessHost 0.1 REQUIRED)
find_package(GTest REQUIRED)
add_executable(audit_log_plugin_tests ${TEST_SOURCE_DIR}/audit_log_plugin_test.cpp)
target_include_directories(audit_log_plugin_tests PRIVATE ${TEST_SOURCE_DIR})
target_compile_definitions(audit_log_plugin_tests PRIVATE PROCESSHOST_AUDIT_LOG_PLUGIN="${PLUGIN}")
target_link_libraries(audit_log_plugin_tests PRIVATE
  ProcessHost::sdk ProcessHost::test_fake_host GTest::gtest_main ${CMAKE_DL_LIBS})
CMAKE
cmake -S "${work_dir}/plugin_test" -B "${work_dir}/plugin_test/build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_PREFIX_PATH="${work_dir}/prefix" -DTEST_SOURCE_DIR="${source_dir}/tests/plugin/examples" \
  -DPLUGIN="${plugin}" >"${work_dir}/plugin-test-configure.log"
cmake --build "${work_dir}/plugin_test/build" >"${work_dir}/plugin-test-build.log"
"${work_dir}/plugin_test/build/audit_log_plugin_tests"

mkdir -p "${work_dir}/client"
cat >"${work_dir}/client/CMakeLists.txt" <<'CMAKE'
cmake_minimum_required(VERSION 3.25)
project(client_check LANGUAGES CXX)
set(CMAKE_CXX_STANDARD 20)
find_package(ProcessHost 0.1 REQUIRED)
add_executable(client_check main.cpp)
target_link_libraries(client_check PRIVATE ProcessHost::consumer_api_client)
CMAKE
cat >"${work_dir}/client/main.cpp" <<'CPP'
#include <iostream>

#include "processhost/client/consumer_api_client.hpp"

int main() {
  namespace client = processhost::client;
  client::BeastHttpTransport transport(client::BaseUrl::parse("http://127.0.0.1:1").value());
  auto info = client::ConsumerApiClient(transport).application_info();
  std::cout << (info ? std::string("unexpected answer") : info.error().describe()) << std::endl;
  return info ? 1 : 0;
}
CPP
cmake -S "${work_dir}/client" -B "${work_dir}/client/build" -G Ninja \
  -DCMAKE_PREFIX_PATH="${work_dir}/prefix" >"${work_dir}/client-configure.log"
cmake --build "${work_dir}/client/build" >"${work_dir}/client-build.log"
output="$("${work_dir}/client/build/client_check")"
expected="transport error: could not connect to http://127.0.0.1:1: Connection refused"
[[ "${output}" == "${expected}" ]] || { echo "client_check printed: ${output}" >&2; exit 1; }
rm -rf "${work_dir}"
