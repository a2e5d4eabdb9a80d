#pragma once
// What a plugin gets from the host. Owned by the host; valid from create() until the
// plugin's destroy returns.

#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>

#include <rapidjson/document.h>

#include "processhost/logger.hpp"
#include "processhost/services/http.hpp"

namespace processhost {

// Services by versioned id ("processhost.store/1"). A service object is owned by the
// plugin (or the host) that provides it and lives until that provider stops. Look-ups
// cast statically: the id is the type's promise.
class ServiceRegistry {
 public:
  virtual ~ServiceRegistry() = default;
  // Control plane. Throws std::logic_error when the id is already provided.
  virtual void provide(std::string_view service_id, void* service) = 0;
  virtual void* find(std::string_view service_id) const = 0;

  template <class Service>
  void provide(Service& service) {
    provide(Service::kServiceId, static_cast<void*>(&service));
  }
  template <class Service>
  Service* find() const {
    return static_cast<Service*>(find(Service::kServiceId));
  }
  // Throws std::runtime_error naming the id when the service is missing.
  template <class Service>
  Service& require() const {
    if (auto* service = find<Service>()) return *service;
    throw std::runtime_error("required service '" + std::string(Service::kServiceId) + "' is not provided");
  }
};

class HostContext {
 public:
  virtual ~HostContext() = default;

  virtual ServiceRegistry& services() = 0;
  virtual HttpRouter& http() = 0;
  // This plugin's logger: its lines carry the plugin's name as component.
  virtual Logger& logger() = 0;
  // The plugin's own config object (an empty object when none was given), already
  // validated against the plugin's schema when it declares one.
  virtual const rapidjson::Value& config() const = 0;
  // Relative paths in the plugin's config resolve against this folder.
  virtual const std::filesystem::path& config_dir() const = 0;
  // The plugin's config file, or the host config file when the config was inline.
  virtual const std::filesystem::path& config_file() const = 0;
  virtual std::string_view plugin_name() const = 0;

  std::filesystem::path resolve_path(const std::filesystem::path& path) const {
    return path.is_absolute() ? path : config_dir() / path;
  }
};

}  // namespace processhost
