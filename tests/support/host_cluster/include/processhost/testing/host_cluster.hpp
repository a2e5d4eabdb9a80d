#pragma once
// Several real host binaries on one PostgreSQL database, the way a cluster runs behind a load
// balancer (docs/cluster.md), and a client that sends every request to the next host.
//
//   auto& postgres = test::shared_postgres_cluster();
//   HostCluster hosts(postgres, {.hosts = 3, .process_models = {model_file}});
//   hosts.start();                              // throws with the failing host's output
//   RoundRobinClient client(hosts.ports());
//   client.request("POST", "/api/consumer/v1/...", body);   // host 0, then 1, then 2, then 0...
//
// Every host runs pg_store (on a database of its own name, created by the first host and
// dropped by the destructor) and consumer_api, listens on 127.0.0.1 with a port of its own
// and stops (SIGTERM) with the object.
//
// Threading: one thread at a time per object; RoundRobinClient keeps one connection per host
// and is not thread-safe either (threads use a client each).

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "processhost/test/postgres_cluster.hpp"
#include "processhost/testing/host_process.hpp"
#include "processhost/testing/http_client.hpp"

namespace processhost::testing {

struct HostClusterOptions {
  std::size_t hosts = 3;
  // Deployed by every host at start-up (processModels).
  std::vector<std::filesystem::path> process_models;
  // Per host instead of process_models when set: models_of(index) for host index.
  std::function<std::vector<std::filesystem::path>(std::size_t index)> models_of;
  // Further members of pg_store's config object, e.g. R"("poolSize":2)".
  std::string pg_store_settings;
  // Further plugin entries (JSON objects) after pg_store and consumer_api, e.g.
  // R"({"name":"iam","config":"iam.json"})"; relative paths resolve in dir().
  std::vector<std::string> extra_plugins;
  // Further top-level members of each host's config, e.g. R"("engine":{"workerThreads":2})".
  std::string host_settings;
  std::vector<std::string> extra_args;  // of every host's command line
  std::string database_prefix = "hosts";
};

class HostCluster {
 public:
  HostCluster(test::PostgresCluster& postgres, HostClusterOptions options);
  // Stops every host still running, then drops the database.
  ~HostCluster();
  HostCluster(const HostCluster&) = delete;
  HostCluster& operator=(const HostCluster&) = delete;

  // Writes xml to dir()/models/file_name and adds it to process_models (before start()).
  std::filesystem::path add_process_model(const std::string& file_name, std::string_view xml);
  // Starts the hosts one after another (the first creates and migrates the schema).
  void start();
  // Stops every host with SIGTERM; true when each exited with status 0.
  bool stop(std::chrono::milliseconds grace = std::chrono::seconds(15));

  std::size_t size() const { return hosts_.size(); }
  HostProcess& host(std::size_t index) { return *hosts_.at(index); }
  std::vector<std::uint16_t> ports() const;
  const std::string& database() const { return database_; }
  test::PostgresCluster& postgres() { return postgres_; }
  // The folder of the hosts' config files; tests write further files (models, iam) here.
  const TempDir& dir() const { return dir_; }
  // Every host's output, each under a heading: for failure messages.
  std::string outputs() const;

 private:
  std::filesystem::path write_config(std::size_t index) const;

  test::PostgresCluster& postgres_;
  HostClusterOptions options_;
  std::string database_;
  TempDir dir_;
  std::vector<std::unique_ptr<HostProcess>> hosts_;
};

// Sends each request to the next host in turn (index 0, 1, ..., size-1, 0, ...), as a
// round-robin load balancer does, over one kept-alive connection per host.
class RoundRobinClient {
 public:
  explicit RoundRobinClient(std::vector<std::uint16_t> ports, Headers headers = {},
                            std::chrono::milliseconds timeout = std::chrono::seconds(30));
  ~RoundRobinClient();
  RoundRobinClient(const RoundRobinClient&) = delete;
  RoundRobinClient& operator=(const RoundRobinClient&) = delete;

  // The next host answers; headers add to the client's own (e.g. Authorization). Throws
  // HttpClientError when that host cannot be reached or does not answer in time.
  HttpReply request(std::string_view method, std::string_view target, std::string_view body = {},
                    const Headers& headers = {});
  // One host, out of turn (the turn does not move).
  HttpReply request_to(std::size_t host, std::string_view method, std::string_view target,
                       std::string_view body = {}, const Headers& headers = {});

  // The host the next request() goes to, and the one the last went to.
  std::size_t next_host() const { return next_; }
  std::size_t last_host() const { return last_; }
  // The next request() goes to host.
  void set_next_host(std::size_t host) { next_ = host % ports_.size(); }
  std::size_t size() const { return ports_.size(); }
  void set_headers(Headers headers) { headers_ = std::move(headers); }

 private:
  HttpClient& connection(std::size_t host);

  std::vector<std::uint16_t> ports_;
  Headers headers_;
  std::chrono::milliseconds timeout_;
  std::vector<std::unique_ptr<HttpClient>> connections_;
  std::size_t next_ = 0;
  std::size_t last_ = 0;
};

}  // namespace processhost::testing
