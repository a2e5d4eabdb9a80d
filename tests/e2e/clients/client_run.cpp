#include "client_run.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <rapidjson/document.h>
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include <fstream>
#include <sstream>
#include <stdexcept>

extern char** environ;

namespace processhost::testing {

namespace fs = std::filesystem;

ProgramRun run_program(const fs::path& program, const std::vector<std::string>& args) {
  int fds[2];
  if (pipe(fds) != 0) throw std::runtime_error("pipe failed");
  std::vector<std::string> argv_storage{program.string()};
  argv_storage.insert(argv_storage.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& arg : argv_storage) argv.push_back(arg.data());
  argv.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
  posix_spawn_file_actions_adddup2(&actions, fds[1], 2);
  posix_spawn_file_actions_addclose(&actions, fds[0]);
  const auto started = std::chrono::steady_clock::now();
  pid_t pid = -1;
  int spawned = posix_spawn(&pid, program.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(fds[1]);
  if (spawned != 0) {
    close(fds[0]);
    throw std::runtime_error("cannot start " + program.string());
  }
  ProgramRun run;
  char buffer[4096];
  for (ssize_t n; (n = read(fds[0], buffer, sizeof buffer)) > 0;) run.output.append(buffer, static_cast<size_t>(n));
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  run.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return run;
}

fs::path copy_config_set(const fs::path& target, const std::string& set) {
  fs::copy(source_dir() / "config", target / "config", fs::copy_options::recursive);
  const fs::path host_json = target / "config" / set / "host.json";
  set_host_port(host_json, 0);
  return host_json;
}

void set_host_port(const fs::path& host_json, std::uint16_t port) {
  std::ifstream in(host_json);
  std::stringstream text;
  text << in.rdbuf();
  rapidjson::Document document;
  document.Parse(text.str().c_str());
  if (document.HasParseError() || !document.IsObject()) throw std::runtime_error(host_json.string() + " is not JSON");
  auto& allocator = document.GetAllocator();
  if (!document.HasMember("http")) document.AddMember("http", rapidjson::Value(rapidjson::kObjectType), allocator);
  auto& http = document["http"];
  http.RemoveMember("port");
  http.RemoveMember("host");
  http.AddMember("host", "127.0.0.1", allocator);
  http.AddMember("port", port, allocator);
  rapidjson::StringBuffer buffer;
  rapidjson::PrettyWriter<rapidjson::StringBuffer> writer(buffer);
  document.Accept(writer);
  std::ofstream(host_json, std::ios::trunc) << buffer.GetString();
}

std::string last_line(const std::string& text) {
  std::istringstream lines(text);
  std::string last;
  for (std::string line; std::getline(lines, line);) {
    if (!line.empty()) last = line;
  }
  return last;
}

fs::path source_dir() {
  return PROCESSHOST_SOURCE_DIR;
}
fs::path basic_client_binary() {
  return PROCESSHOST_BASIC_CLIENT;
}
fs::path container_client_binary() {
  return PROCESSHOST_CONTAINER_CLIENT;
}

fs::path ctl_binary() {
  return PROCESSHOST_CTL;
}

}  // namespace processhost::testing
