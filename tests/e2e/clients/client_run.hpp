#pragma once
// Helpers of the client end-to-end tests: run a sample client program and collect what it
// printed; copy the config tree to a temp folder with the host's port set to 0.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace processhost::testing {

struct ProgramRun {
  int exit_code = -1;
  std::string output;  // stdout and stderr, interleaved
  std::chrono::milliseconds elapsed{0};
};

// Runs program with args and waits for it (no shell involved in argument handling).
ProgramRun run_program(const std::filesystem::path& program, const std::vector<std::string>& args);

// Copies the source tree's config/ folder into target/config and rewrites
// target/config/<set>/host.json to listen on 127.0.0.1 port 0. Returns that host.json.
std::filesystem::path copy_config_set(const std::filesystem::path& target, const std::string& set);

// Rewrites host_json to listen on 127.0.0.1 port (a restart on the port it had before).
void set_host_port(const std::filesystem::path& host_json, std::uint16_t port);

// The last line of text that is not empty.
std::string last_line(const std::string& text);

std::filesystem::path source_dir();
std::filesystem::path basic_client_binary();
std::filesystem::path container_client_binary();
std::filesystem::path ctl_binary();

}  // namespace processhost::testing
