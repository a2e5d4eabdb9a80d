#pragma once
// A private PostgreSQL 15 cluster for tests: initdb into a folder of the build tree (as the
// "postgres" user when running as root), started on a free 127.0.0.1 port with its unix
// socket in the cluster folder, and removed when the object dies. The server commands are
// those of pg_cluster.sh, so the demo and the tests run the cluster the same way.
//
// Threading: one thread at a time per object. Errors: std::runtime_error naming the
// command and its output (this is test support: failures are meant to stop the test).

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

namespace processhost::test {

class PostgresCluster {
 public:
  // Destroys whatever cluster was left in directory, then creates and starts a new one.
  // durable = false runs with fsync off: fast, and safe against a server crash, but not
  // against a machine crash. Benchmarks want durable = true.
  explicit PostgresCluster(std::filesystem::path directory, bool durable = false);
  // Uses the running cluster that pg_cluster.sh started in directory (its port is in
  // directory/port); the object does not remove it.
  static std::unique_ptr<PostgresCluster> attach(std::filesystem::path directory);
  ~PostgresCluster();
  PostgresCluster(const PostgresCluster&) = delete;
  PostgresCluster& operator=(const PostgresCluster&) = delete;

  // Fast shutdown: clients are disconnected, committed data stays. Idempotent.
  void stop();
  // Immediate shutdown, as in a crash; the next start() runs recovery.
  void kill();
  // Starts again on the same port. Idempotent.
  void start();
  bool running() const;

  const std::string& host() const { return host_; }
  int port() const { return port_; }
  // The superuser role; loopback connections are trusted (no password).
  const std::string& user() const { return user_; }
  // The database that always exists.
  const std::string& admin_database() const { return admin_database_; }
  const std::filesystem::path& directory() const { return directory_; }

  // postgresql://postgres@127.0.0.1:PORT/database
  std::string url(std::string_view database) const;
  // Runs sql through psql (unaligned, tuples only, stop on error); returns its stdout.
  std::string psql(std::string_view database, std::string_view sql) const;
  void create_database(std::string_view name) const;
  // Drops the database, disconnecting its clients first.
  void drop_database(std::string_view name) const;

  // Where the clusters of this build live: $PROCESSHOST_TEST_POSTGRES_ROOT or the build
  // tree's test-postgres folder.
  static std::filesystem::path default_root();
  static std::filesystem::path script_path();

 private:
  struct Attach {};
  PostgresCluster(Attach, std::filesystem::path directory);
  void run_script(std::string_view command) const;

  std::filesystem::path directory_;
  std::string host_ = "127.0.0.1";
  std::string user_ = "postgres";
  std::string admin_database_ = "postgres";
  int port_ = 0;
  bool owned_ = true;
  bool durable_ = false;
};

// The cluster tests share. When PROCESSHOST_TEST_POSTGRES_DIR is set (ctest sets it for
// tests that require the "postgres_cluster" fixture, see CMakeLists.txt) it is the cluster
// running there; otherwise one is created on first use under default_root() and destroyed
// when the program exits. Tests that stop the server must create their own cluster.
PostgresCluster& shared_postgres_cluster();

// A database name no other test process uses: prefix_PID_N. ctest runs each test case as its
// own process, in parallel, against the one shared cluster, so fixed names would collide.
std::string unique_database_name(std::string_view prefix);

// A port on 127.0.0.1 that was free a moment ago.
int free_loopback_port();

// Quotes text for a POSIX shell command line.
std::string shell_quote(std::string_view text);

}  // namespace processhost::test
