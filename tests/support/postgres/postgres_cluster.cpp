#include "processhost/test/postgres_cluster.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <stdexcept>

namespace processhost::test {
namespace {

struct CommandOutput {
  int exit_code = -1;
  std::string text;
};

CommandOutput run_command(const std::string& command_line) {
  CommandOutput output;
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen((command_line + " 2>&1").c_str(), "r"), pclose);
  if (!pipe) throw std::runtime_error("cannot run: " + command_line);
  std::array<char, 4096> buffer{};
  std::size_t read = 0;
  while ((read = std::fread(buffer.data(), 1, buffer.size(), pipe.get())) > 0) output.text.append(buffer.data(), read);
  const int status = pclose(pipe.release());
  output.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return output;
}

std::string program_name() {
  std::error_code error;
  auto path = std::filesystem::read_symlink("/proc/self/exe", error);
  return error ? std::string("tests") : path.filename().string();
}

}  // namespace

std::string shell_quote(std::string_view text) {
  std::string quoted = "'";
  for (char c : text) {
    if (c == '\'') {
      quoted += "'\\''";
    } else {
      quoted += c;
    }
  }
  quoted += "'";
  return quoted;
}

std::string unique_database_name(std::string_view prefix) {
  static std::atomic<int> counter{0};
  return std::string(prefix) + "_" + std::to_string(::getpid()) + "_" + std::to_string(counter.fetch_add(1));
}

int free_loopback_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error("socket() failed");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof(address);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    ::close(fd);
    throw std::runtime_error("cannot bind a loopback port");
  }
  ::close(fd);
  return ntohs(address.sin_port);
}

std::filesystem::path PostgresCluster::default_root() {
  if (const char* root = std::getenv("PROCESSHOST_TEST_POSTGRES_ROOT"); root && *root) return root;
  return PROCESSHOST_TEST_POSTGRES_ROOT;
}

std::filesystem::path PostgresCluster::script_path() { return PROCESSHOST_PG_CLUSTER_SCRIPT; }

PostgresCluster::PostgresCluster(std::filesystem::path directory, bool durable)
    : directory_(std::move(directory)), durable_(durable) {
  std::filesystem::create_directories(directory_.parent_path());
  run_script("destroy");
  // The port was free when picked; another process may take it before the server binds.
  for (int attempt = 0;; ++attempt) {
    port_ = free_loopback_port();
    try {
      run_script("start");
      return;
    } catch (const std::exception&) {
      if (attempt >= 2) throw;
    }
  }
}

PostgresCluster::PostgresCluster(Attach, std::filesystem::path directory)
    : directory_(std::move(directory)), owned_(false) {
  std::ifstream port_file(directory_ / "port");
  if (!(port_file >> port_)) {
    throw std::runtime_error("no PostgreSQL cluster in " + directory_.string() + " (missing port file)");
  }
  if (!running()) throw std::runtime_error("the PostgreSQL cluster in " + directory_.string() + " is not running");
}

std::unique_ptr<PostgresCluster> PostgresCluster::attach(std::filesystem::path directory) {
  return std::unique_ptr<PostgresCluster>(new PostgresCluster(Attach{}, std::move(directory)));
}

PostgresCluster::~PostgresCluster() {
  if (!owned_) return;
  try {
    run_script("destroy");
  } catch (const std::exception&) {
    // Nothing sensible to do in a destructor; the build tree is scratch space.
  }
}

void PostgresCluster::stop() { run_script("stop"); }
void PostgresCluster::kill() { run_script("kill"); }
void PostgresCluster::start() { run_script("start"); }

bool PostgresCluster::running() const {
  const auto output = run_command(shell_quote(script_path().string()) + " status " +
                                  shell_quote(directory_.string()) + " " + std::to_string(port_));
  return output.exit_code == 0;
}

std::string PostgresCluster::url(std::string_view database) const {
  return "postgresql://" + user_ + "@" + host_ + ":" + std::to_string(port_) + "/" + std::string(database);
}

std::string PostgresCluster::psql(std::string_view database, std::string_view sql) const {
  const std::string command = "/usr/lib/postgresql/15/bin/psql -X -q -A -t -v ON_ERROR_STOP=1 -h " + host_ +
                              " -p " + std::to_string(port_) + " -U " + user_ + " -d " +
                              shell_quote(database) + " -c " + shell_quote(sql);
  auto output = run_command(command);
  if (output.exit_code != 0) throw std::runtime_error("psql failed: " + std::string(sql) + ": " + output.text);
  return output.text;
}

void PostgresCluster::create_database(std::string_view name) const {
  psql(admin_database_, "CREATE DATABASE \"" + std::string(name) + "\"");
}

void PostgresCluster::drop_database(std::string_view name) const {
  psql(admin_database_, "DROP DATABASE IF EXISTS \"" + std::string(name) + "\" WITH (FORCE)");
}

void PostgresCluster::run_script(std::string_view command) const {
  // Test clusters trade crash safety of the machine for speed; a server crash (kill())
  // still loses nothing, since the data stays in the page cache.
  const std::string options = durable_ ? "" : "PG_CLUSTER_OPTIONS='-c fsync=off -c full_page_writes=off' ";
  const std::string line = options + shell_quote(script_path().string()) + " " + std::string(command) + " " +
                           shell_quote(directory_.string()) + " " + std::to_string(port_);
  const auto output = run_command(line);
  if (output.exit_code != 0) {
    throw std::runtime_error("pg_cluster.sh " + std::string(command) + " failed (exit " +
                             std::to_string(output.exit_code) + "): " + output.text);
  }
}

PostgresCluster& shared_postgres_cluster() {
  static const std::unique_ptr<PostgresCluster> cluster = [] {
    if (const char* shared = std::getenv("PROCESSHOST_TEST_POSTGRES_DIR"); shared && *shared) {
      return PostgresCluster::attach(shared);
    }
    return std::make_unique<PostgresCluster>(PostgresCluster::default_root() /
                                             (program_name() + "-" + std::to_string(::getpid())));
  }();
  return *cluster;
}

}  // namespace processhost::test
