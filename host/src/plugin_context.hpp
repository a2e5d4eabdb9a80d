#pragma once
// The HostContext one plugin gets: its registry view, its router view (routes tagged with
// the plugin's name so they go when it stops), its logger, its config.

#include <filesystem>
#include <memory>
#include <string>

#include "host_config.hpp"
#include "log_sink.hpp"
#include "processhost/host_context.hpp"
#include "route_table.hpp"
#include "service_registry.hpp"

namespace processhost::host {

class OwnedRouter final : public HttpRouter {
 public:
  OwnedRouter(RouteTable& routes, std::string owner) : routes_(routes), owner_(std::move(owner)) {}
  using HttpRouter::add_route;
  void add_route(std::string method, std::string pattern, HttpHandler handler, RouteOptions options) override {
    routes_.add(owner_, std::move(method), std::move(pattern), std::move(handler), options);
  }

 private:
  RouteTable& routes_;
  std::string owner_;
};

class PluginContext final : public HostContext {
 public:
  PluginContext(const PluginEntry& entry, HostServiceRegistry& registry, RouteTable& routes, LogSink& sink)
      : name_(entry.name),
        config_(entry.config),
        config_file_(entry.config_file),
        config_dir_(entry.config_dir),
        services_(registry, entry.name),
        router_(routes, entry.name),
        logger_(sink, entry.name) {}

  ServiceRegistry& services() override { return services_; }
  HttpRouter& http() override { return router_; }
  Logger& logger() override { return logger_; }
  const rapidjson::Value& config() const override { return *config_; }
  const std::filesystem::path& config_dir() const override { return config_dir_; }
  const std::filesystem::path& config_file() const override { return config_file_; }
  std::string_view plugin_name() const override { return name_; }

 private:
  std::string name_;
  std::shared_ptr<rapidjson::Document> config_;
  std::filesystem::path config_file_;
  std::filesystem::path config_dir_;
  ScopedServiceRegistry services_;
  OwnedRouter router_;
  ComponentLogger logger_;
};

}  // namespace processhost::host
