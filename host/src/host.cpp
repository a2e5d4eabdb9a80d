#include "host.hpp"

#include "builtin_nodes.hpp"
#include "dependency_order.hpp"
#include "metrics_node.hpp"
#include "plugin_library.hpp"
#include "plugin_node.hpp"
#include "processhost/plugin.hpp"
#include "processhost/services/store.hpp"

namespace processhost::host {

Host::Host(HostConfig config, LogSink& sink)
    : config_(std::move(config)),
      sink_(sink),
      logger_(sink, "host"),
      http_logger_(sink, "http"),
      socket_io_logger_(sink, "socket_io"),
      socket_io_({.ping_interval = config_.notifications.ping_interval,
                  .ping_timeout = config_.notifications.ping_timeout,
                  .max_queued_bytes = config_.notifications.max_queued_bytes},
                 socket_io_logger_) {}

Host::~Host() { shutdown(); }

void Host::load() {
  std::vector<std::unique_ptr<HostNode>> plugins;
  bool store_plugin = false;
  for (const auto& entry : config_.plugins) {
    if (!entry.enabled) {
      logger_.info("plugin '" + entry.name + "' is disabled in the config");
      continue;
    }
    auto node = std::make_unique<PluginNode>(load_plugin_library(entry.name, entry.library), entry, registry_,
                                             routes_, sink_);
    for (const auto& service : node->info().provides) store_plugin |= service == Store::kServiceId;
    logger_.info("loaded plugin '" + entry.name + "' " + node->info().version + " from " + entry.library.string());
    plugins.push_back(std::move(node));
  }
  std::vector<std::unique_ptr<HostNode>> all = make_builtin_nodes(config_, store_plugin, registry_, sink_, model_files_, socket_io_);
  all.push_back(make_metrics_node(metrics_, registry_));
  for (auto& plugin : plugins) all.push_back(std::move(plugin));

  std::vector<DependencyNode> graph;
  for (const auto& node : all) {
    const NodeInfo& info = node->info();
    graph.push_back({info.name, info.library, info.provides, info.requires_services});
  }
  for (std::size_t index : order_by_dependencies(graph)) nodes_.push_back(std::move(all[index]));
}

void Host::check_plugin_configs() const {
  for (const auto& node : nodes_) {
    if (const auto* plugin = dynamic_cast<const PluginNode*>(node.get())) plugin->check_config();
  }
}

std::vector<std::pair<std::filesystem::path, ModelProblemInfo>> Host::check_process_models() const {
  std::vector<std::pair<std::filesystem::path, ModelProblemInfo>> problems;
  for (const auto& file : config_.process_models) {
    for (auto& problem : check_model_file(file)) problems.emplace_back(file, std::move(problem));
  }
  return problems;
}

void Host::start() {
  add_host_routes();
  WebSocketRoute websocket_route = socket_io_.start(routes_);
  try {
    for (const auto& node : nodes_) {
      ++configured_count_;
      node->configure();
    }
    http_ = std::make_unique<HttpServer>(config_.http, routes_, http_logger_, "processhost/" PROCESSHOST_VERSION);
    http_->set_websocket_route(std::move(websocket_route));
    http_->set_metrics(http_metrics_);
    http_->start();
    connections_collector_ = metrics_.add_collector([this](MetricSampleWriter& writer) {
      writer.gauge("processhost_http_connections", "Open HTTP connections (WebSocket ones included)", {},
                   static_cast<double>(http_->connection_count()));
      writer.gauge("processhost_notification_sessions", "Open socket.io sessions (polling or WebSocket)", {},
                   static_cast<double>(socket_io_.session_count()));
    });
    logger_.info("listening on http://" + config_.http.host + ":" + std::to_string(http_->port()));
    for (const auto& node : nodes_) {
      node->start();
      ++started_count_;
      logger_.info("started '" + node->info().name + "'");
    }
  } catch (...) {
    stop_and_destroy(started_count_, configured_count_);
    throw;
  }
  ready_ = true;
  logger_.info("ready: " + std::to_string(nodes_.size()) + " parts started");
}

void Host::shutdown() noexcept {
  if (ready_.exchange(false)) logger_.info("stopping");
  stop_and_destroy(started_count_, configured_count_);
}

void Host::stop_and_destroy(std::size_t started_count, std::size_t configured_count) noexcept {
  if (connections_collector_ != 0) metrics_.remove_collector(connections_collector_);
  connections_collector_ = 0;
  // socket.io sessions end first: their waiting polls would otherwise hold the drain.
  socket_io_.shutdown();
  // Requests in flight finish first, while every plugin still runs.
  if (http_) http_->stop();
  for (std::size_t i = started_count; i-- > 0;) {
    nodes_[i]->stop();
    logger_.info("stopped '" + nodes_[i]->info().name + "'");
  }
  for (std::size_t i = configured_count; i-- > 0;) nodes_[i]->destroy();
  started_count_ = 0;
  configured_count_ = 0;
  http_.reset();
  routes_.remove_owner("host");
  // Libraries go last, in reverse order of start.
  while (!nodes_.empty()) nodes_.pop_back();
}

}  // namespace processhost::host
