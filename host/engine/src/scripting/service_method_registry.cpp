#include "scripting/service_method_registry.hpp"

#include <mutex>
#include <stdexcept>

namespace processhost::engine {

ServiceMethodRegistry::ServiceMethodRegistry(std::map<std::string, ServiceTaskFunction> immediate,
                                             std::map<std::string, LongRunningServiceTask> long_running)
    : immediate_(immediate.begin(), immediate.end()), long_running_(long_running.begin(), long_running.end()) {}

void ServiceMethodRegistry::check_free(const std::string& name) const {
  if (immediate_.count(name) || long_running_.count(name)) {
    throw std::logic_error("service task method '" + name + "' is already provided");
  }
}

void ServiceMethodRegistry::add(std::string name, ServiceTaskFunction method) {
  std::unique_lock lock(mutex_);
  check_free(name);
  immediate_.emplace(std::move(name), std::move(method));
}

void ServiceMethodRegistry::add_long_running(std::string name, LongRunningServiceTask method) {
  std::unique_lock lock(mutex_);
  check_free(name);
  long_running_.emplace(std::move(name), std::move(method));
}

void ServiceMethodRegistry::remove(std::string_view name) {
  std::unique_lock lock(mutex_);
  if (auto found = immediate_.find(name); found != immediate_.end()) immediate_.erase(found);
  if (auto found = long_running_.find(name); found != long_running_.end()) long_running_.erase(found);
}

std::optional<ServiceTaskFunction> ServiceMethodRegistry::immediate(const std::string& name) const {
  std::shared_lock lock(mutex_);
  auto found = immediate_.find(name);
  if (found == immediate_.end()) return std::nullopt;
  return found->second;
}

std::optional<LongRunningServiceTask> ServiceMethodRegistry::long_running(const std::string& name) const {
  std::shared_lock lock(mutex_);
  auto found = long_running_.find(name);
  if (found == long_running_.end()) return std::nullopt;
  return found->second;
}

}  // namespace processhost::engine
