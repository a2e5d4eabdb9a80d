#pragma once
// The host's ServiceRegistry: services by versioned id, each with the name of its provider.
// Thread-safe; written on the control plane, read from anywhere.

#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include "processhost/host_context.hpp"

namespace processhost::host {

class HostServiceRegistry {
 public:
  // Throws std::logic_error naming both providers when the id is taken.
  void provide(std::string_view provider, std::string_view service_id, void* service);
  void* find(std::string_view service_id) const;
  // Withdraws every service of provider (when it stops).
  void withdraw(std::string_view provider);
  // The provider's name, or empty when the id is not provided.
  std::string provider_of(std::string_view service_id) const;

 private:
  struct Entry {
    std::string provider;
    void* service = nullptr;
  };
  mutable std::mutex mutex_;
  std::map<std::string, Entry, std::less<>> entries_;
};

// The view of the registry one plugin gets: provide() records that plugin as provider.
class ScopedServiceRegistry final : public ServiceRegistry {
 public:
  ScopedServiceRegistry(HostServiceRegistry& registry, std::string provider)
      : registry_(registry), provider_(std::move(provider)) {}
  using ServiceRegistry::find;
  using ServiceRegistry::provide;
  void provide(std::string_view service_id, void* service) override {
    registry_.provide(provider_, service_id, service);
  }
  void* find(std::string_view service_id) const override { return registry_.find(service_id); }

 private:
  HostServiceRegistry& registry_;
  std::string provider_;
};

}  // namespace processhost::host
