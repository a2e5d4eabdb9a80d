#pragma once
// The running host: the plugin graph (plugins and built-in parts), the route table and the
// HTTP server. Control plane only; one thread drives it (main).
//
// load():  load every enabled plugin's library, check descriptors, add built-in parts,
//          order by provides/requires.
// start(): host routes; configure in order; listen; start in order; ready.
// shutdown(): not ready; drain HTTP; stop in reverse; destroy in reverse; release libraries.

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "host_config.hpp"
#include "host_node.hpp"
#include "http_server.hpp"
#include "log_sink.hpp"
#include "model_files.hpp"
#include "metrics_registry.hpp"
#include "route_table.hpp"
#include "service_registry.hpp"
#include "socket_io_server.hpp"

namespace processhost::host {

class Host {
 public:
  Host(HostConfig config, LogSink& sink);
  ~Host();
  Host(const Host&) = delete;
  Host& operator=(const Host&) = delete;

  // Throws PluginError or DependencyError (one line each).
  void load();
  // Checks every plugin's config against its schema without running plugin code.
  void check_plugin_configs() const;
  // Every problem of every process model file in the config, found as deploying would.
  std::vector<std::pair<std::filesystem::path, ModelProblemInfo>> check_process_models() const;
  // Throws PluginError or std::runtime_error; on failure everything started is stopped again.
  void start();
  void shutdown() noexcept;

  bool ready() const { return ready_.load(); }
  std::uint16_t port() const { return http_ ? http_->port() : 0; }
  const std::vector<std::unique_ptr<HostNode>>& nodes() const { return nodes_; }
  // The body of GET /host/plugins.
  std::string describe_json() const;

 private:
  void add_host_routes();
  void stop_and_destroy(std::size_t started_count, std::size_t configured_count) noexcept;

  HostConfig config_;
  LogSink& sink_;
  ComponentLogger logger_;
  ComponentLogger http_logger_;
  HostServiceRegistry registry_;
  // Outlives every part, so the cells plugins hold stay valid until their libraries close.
  MetricsRegistry metrics_;
  HttpMetrics http_metrics_{metrics_};
  std::uint64_t connections_collector_ = 0;
  RouteTable routes_;
  ModelFileReport model_files_;
  ComponentLogger socket_io_logger_;
  // Outlives the nodes (plugins hold its namespaces until they stop); closes its sessions
  // before the HTTP server stops.
  SocketIoServer socket_io_;
  // Declared after the nodes' dependencies, before the server: nodes are destroyed after
  // the server stops (members go in reverse order).
  std::vector<std::unique_ptr<HostNode>> nodes_;
  std::unique_ptr<HttpServer> http_;
  std::atomic<bool> ready_{false};
  std::size_t started_count_ = 0;
  std::size_t configured_count_ = 0;
};

}  // namespace processhost::host
