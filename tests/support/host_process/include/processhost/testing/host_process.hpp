#pragma once
// Runs the real processhost binary for integration tests: start it with a config (port 0),
// learn the bound port from its log, talk to it, stop it with SIGTERM (SIGKILL after a
// grace period), and read everything it printed.
//
//   TempDir dir;
//   auto config = dir.write("host.json", R"({"http":{"port":0},"plugins":[{"name":"consumer_api"}]})");
//   HostProcess host(config);                       // or HostProcess(config, {"--log-format", "json"})
//   host.start();                                   // throws with the host's output on failure
//   auto reply = http_request(host.port(), "GET", "/health");
//   EXPECT_EQ(host.stop(), 0);                      // exit status of a clean shutdown
//
// Plugins are found in the build tree's plugin folder unless the config says pluginDir.

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace processhost::testing {

// A fresh folder under the system temp dir, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  // Writes text to path()/relative (creating folders) and returns the absolute path.
  std::filesystem::path write(const std::filesystem::path& relative, std::string_view text) const;

 private:
  std::filesystem::path path_;
};

struct HostProcessOptions {
  std::filesystem::path config_file;
  std::vector<std::string> extra_args;  // e.g. {"--log-level", "debug"}
  std::chrono::milliseconds start_timeout{std::chrono::seconds(30)};
};

class HostProcess {
 public:
  explicit HostProcess(HostProcessOptions options);
  explicit HostProcess(std::filesystem::path config_file, std::vector<std::string> extra_args = {})
      : HostProcess(HostProcessOptions{std::move(config_file), std::move(extra_args), std::chrono::seconds(30)}) {}
  // Stops the process (SIGTERM, then SIGKILL) if it still runs.
  ~HostProcess();
  HostProcess(const HostProcess&) = delete;
  HostProcess& operator=(const HostProcess&) = delete;

  // The binary under test and the build tree's plugin folder.
  static std::filesystem::path binary();
  static std::filesystem::path plugin_dir();

  // Starts and waits until GET /ready answers 200. Throws std::runtime_error with the
  // host's output when it exits or does not get ready within start_timeout.
  void start();
  // Starts and waits for the process to exit (start-up failures, --check-config).
  // Returns the exit code (128 + signal when killed by a signal); -1 on timeout (then killed).
  int run_to_exit(std::chrono::milliseconds timeout = std::chrono::seconds(30));

  std::uint16_t port() const { return port_; }
  pid_t pid() const { return pid_; }
  // Resident set size of the running process in KiB (VmRSS), 0 when it cannot be read.
  std::size_t rss_kib() const;
  bool running();
  // Sends sig (SIGTERM by default) and waits up to grace; then SIGKILL. Returns the exit
  // code as run_to_exit does. Safe to call twice (returns the first result).
  int stop(std::chrono::milliseconds grace = std::chrono::seconds(15), int sig = 15);
  // Sends a signal without waiting.
  void signal(int sig);
  // Waits for exit without signalling; -1 on timeout.
  int wait_exit(std::chrono::milliseconds timeout);

  // Everything the process wrote to stdout and stderr so far.
  std::string output() const;
  // Waits until output() contains text; false on timeout.
  bool wait_for_output(std::string_view text, std::chrono::milliseconds timeout);

 private:
  void spawn();
  void read_output();
  bool try_reap(int& exit_code);

  HostProcessOptions options_;
  pid_t pid_ = -1;
  int output_fd_ = -1;
  std::uint16_t port_ = 0;
  bool exited_ = false;
  int exit_code_ = -1;
  std::thread reader_;
  mutable std::mutex mutex_;
  std::condition_variable output_changed_;
  std::string output_;
};

}  // namespace processhost::testing
