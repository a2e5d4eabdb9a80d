#pragma once
// The engine's service task methods: those of EngineOptions, and those plugins add at run
// time through the SDK's ServiceTaskMethods. Look-ups return copies, so a method removed
// while a call of it runs stays alive until that call returns.
//
// Threading: every member is safe from any thread.

#include <map>
#include <optional>
#include <shared_mutex>
#include <string>

#include "processhost/services/service_tasks.hpp"

namespace processhost::engine {

class ServiceMethodRegistry final : public ServiceTaskMethods {
 public:
  ServiceMethodRegistry(std::map<std::string, ServiceTaskFunction> immediate,
                        std::map<std::string, LongRunningServiceTask> long_running);

  void add(std::string name, ServiceTaskFunction method) override;
  void add_long_running(std::string name, LongRunningServiceTask method) override;
  void remove(std::string_view name) override;

  std::optional<ServiceTaskFunction> immediate(const std::string& name) const;
  std::optional<LongRunningServiceTask> long_running(const std::string& name) const;

 private:
  void check_free(const std::string& name) const;

  mutable std::shared_mutex mutex_;
  std::map<std::string, ServiceTaskFunction, std::less<>> immediate_;
  std::map<std::string, LongRunningServiceTask, std::less<>> long_running_;
};

}  // namespace processhost::engine
