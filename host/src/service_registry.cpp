#include "service_registry.hpp"

#include <stdexcept>

namespace processhost::host {

void HostServiceRegistry::provide(std::string_view provider, std::string_view service_id, void* service) {
  if (service == nullptr) {
    throw std::logic_error("'" + std::string(provider) + "' provided a null '" + std::string(service_id) + "'");
  }
  std::lock_guard lock(mutex_);
  const auto found = entries_.find(service_id);
  if (found != entries_.end()) {
    throw std::logic_error("service '" + std::string(service_id) + "' is already provided by '" +
                           found->second.provider + "'");
  }
  entries_.emplace(std::string(service_id), Entry{std::string(provider), service});
}

void* HostServiceRegistry::find(std::string_view service_id) const {
  std::lock_guard lock(mutex_);
  const auto found = entries_.find(service_id);
  return found == entries_.end() ? nullptr : found->second.service;
}

void HostServiceRegistry::withdraw(std::string_view provider) {
  std::lock_guard lock(mutex_);
  std::erase_if(entries_, [&](const auto& entry) { return entry.second.provider == provider; });
}

std::string HostServiceRegistry::provider_of(std::string_view service_id) const {
  std::lock_guard lock(mutex_);
  const auto found = entries_.find(service_id);
  return found == entries_.end() ? std::string() : found->second.provider;
}

}  // namespace processhost::host
