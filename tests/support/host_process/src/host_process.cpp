#include "processhost/testing/host_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <random>
#include <regex>
#include <stdexcept>
#include <fstream>

#include "processhost/testing/http_client.hpp"

extern char** environ;

namespace processhost::testing {
namespace fs = std::filesystem;
using namespace std::chrono_literals;

TempDir::TempDir() {
  std::random_device random;
  for (int attempt = 0; attempt < 100; ++attempt) {
    const auto candidate = fs::temp_directory_path() / ("processhost-test-" + std::to_string(random()));
    if (fs::create_directory(candidate)) {
      path_ = candidate;
      return;
    }
  }
  throw std::runtime_error("cannot create a temporary folder");
}

TempDir::~TempDir() {
  std::error_code ignored;
  fs::remove_all(path_, ignored);
}

fs::path TempDir::write(const fs::path& relative, std::string_view text) const {
  const fs::path file = path_ / relative;
  fs::create_directories(file.parent_path());
  std::ofstream stream(file, std::ios::binary | std::ios::trunc);
  stream.write(text.data(), static_cast<std::streamsize>(text.size()));
  if (!stream) throw std::runtime_error("cannot write " + file.string());
  return file;
}

HostProcess::HostProcess(HostProcessOptions options) : options_(std::move(options)) {}

HostProcess::~HostProcess() {
  if (pid_ > 0 && !exited_) stop(5s);
  if (reader_.joinable()) reader_.join();
  if (output_fd_ >= 0) ::close(output_fd_);
}

fs::path HostProcess::binary() { return PROCESSHOST_TEST_HOST_BINARY; }
fs::path HostProcess::plugin_dir() { return PROCESSHOST_TEST_PLUGIN_DIR; }

void HostProcess::spawn() {
  if (pid_ > 0) throw std::logic_error("HostProcess started twice");
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) throw std::runtime_error(std::string("pipe2: ") + std::strerror(errno));

  std::vector<std::string> args{binary().string(), "--config", options_.config_file.string()};
  args.insert(args.end(), options_.extra_args.begin(), options_.extra_args.end());
  std::vector<char*> argv;
  for (auto& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], 1);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], 2);
  // The child starts with no blocked signals and default handlers, whatever the test does.
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  sigset_t none;
  sigemptyset(&none);
  sigset_t defaults;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGINT);
  sigaddset(&defaults, SIGTERM);
  sigaddset(&defaults, SIGPIPE);
  posix_spawnattr_setsigmask(&attributes, &none);
  posix_spawnattr_setsigdefault(&attributes, &defaults);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

  const int error = ::posix_spawn(&pid_, argv[0], &actions, &attributes, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  ::close(pipe_fds[1]);
  if (error != 0) {
    ::close(pipe_fds[0]);
    pid_ = -1;
    throw std::runtime_error("cannot start " + args[0] + ": " + std::strerror(error));
  }
  output_fd_ = pipe_fds[0];
  reader_ = std::thread([this] { read_output(); });
}

void HostProcess::read_output() {
  char chunk[4096];
  for (;;) {
    const ssize_t received = ::read(output_fd_, chunk, sizeof chunk);
    if (received < 0 && errno == EINTR) continue;
    if (received <= 0) break;
    std::lock_guard lock(mutex_);
    output_.append(chunk, static_cast<std::size_t>(received));
    output_changed_.notify_all();
  }
}

bool HostProcess::try_reap(int& exit_code) {
  if (exited_) {
    exit_code = exit_code_;
    return true;
  }
  int status = 0;
  const pid_t result = ::waitpid(pid_, &status, WNOHANG);
  if (result != pid_) return false;
  exited_ = true;
  exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  exit_code = exit_code_;
  return true;
}

std::size_t HostProcess::rss_kib() const {
  std::ifstream status("/proc/" + std::to_string(pid_) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stoul(line.substr(6));
  }
  return 0;
}

bool HostProcess::running() {
  int ignored = 0;
  return pid_ > 0 && !try_reap(ignored);
}

int HostProcess::wait_exit(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  int code = -1;
  while (!try_reap(code)) {
    if (std::chrono::steady_clock::now() >= deadline) return -1;
    std::this_thread::sleep_for(5ms);
  }
  // All output is in once the process is gone and the pipe is drained.
  if (reader_.joinable()) reader_.join();
  return code;
}

void HostProcess::signal(int sig) {
  if (pid_ > 0 && !exited_) ::kill(pid_, sig);
}

int HostProcess::stop(std::chrono::milliseconds grace, int sig) {
  if (pid_ <= 0) return -1;
  if (exited_) return exit_code_;
  signal(sig);
  int code = wait_exit(grace);
  if (code == -1) {
    signal(SIGKILL);
    code = wait_exit(10s);
  }
  return code;
}

int HostProcess::run_to_exit(std::chrono::milliseconds timeout) {
  spawn();
  const int code = wait_exit(timeout);
  if (code == -1) {
    stop(1s, SIGKILL);
    return -1;
  }
  return code;
}

void HostProcess::start() {
  spawn();
  const auto deadline = std::chrono::steady_clock::now() + options_.start_timeout;
  const std::regex listening(R"(listening on http://[^:/\s"]+:([0-9]+))");
  const auto fail = [&](const std::string& reason) {
    if (running()) stop(2s, SIGKILL);
    if (reader_.joinable()) reader_.join();
    throw std::runtime_error("processhost " + reason + "; its output:\n" + output());
  };
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      std::smatch match;
      if (std::regex_search(output_, match, listening)) {
        port_ = static_cast<std::uint16_t>(std::stoi(match[1].str()));
        break;
      }
      output_changed_.wait_for(lock, 20ms);
    }
    if (!running()) fail("exited during start-up with code " + std::to_string(exit_code_));
    if (std::chrono::steady_clock::now() >= deadline) fail("did not listen in time");
  }
  for (;;) {
    try {
      if (http_request(port_, "GET", "/ready").status == 200) return;
    } catch (const HttpClientError&) {
      // Not accepting yet or closing: try again until the deadline.
    }
    if (!running()) fail("exited during start-up with code " + std::to_string(exit_code_));
    if (std::chrono::steady_clock::now() >= deadline) fail("did not get ready in time");
    std::this_thread::sleep_for(20ms);
  }
}

std::string HostProcess::output() const {
  std::lock_guard lock(mutex_);
  return output_;
}

bool HostProcess::wait_for_output(std::string_view text, std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return output_changed_.wait_for(lock, timeout, [&] { return output_.find(text) != std::string::npos; });
}

}  // namespace processhost::testing
