#pragma once
// A stand-in host for loading an example plugin in a test: a service registry holding a
// scripted EngineService, a router that keeps the handlers, a logger that keeps lines.
// Mocks belong in unit-level tests; this one is the plugin-level fixture that lets the
// real .so run without the host binary.

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "processhost/host_context.hpp"
#include "processhost/services/engine.hpp"

namespace processhost::testing {

class ListenerEngine final : public EngineService {
 public:
  std::uint64_t add_listener(EngineEventListener listener) override {
    std::lock_guard lock(mutex_);
    listeners_[++next_id_] = std::move(listener);
    return next_id_;
  }
  void remove_listener(std::uint64_t listener_id) override {
    std::lock_guard lock(mutex_);
    listeners_.erase(listener_id);
  }
  void emit(const EngineEvent& event) {
    std::map<std::uint64_t, EngineEventListener> listeners;
    {
      std::lock_guard lock(mutex_);
      listeners = listeners_;
    }
    for (auto& [id, listener] : listeners) listener(event);
  }
  std::size_t listener_count() const {
    std::lock_guard lock(mutex_);
    return listeners_.size();
  }

  void deploy(std::string, std::string, Callback<ProcessModelInfo>) override {}
  void list_process_models(const Identity&, PageRequest, Callback<PagedList<ProcessModelInfo>>) override {}
  void get_process_model(const Identity&, std::string, Callback<ProcessModelInfo>) override {}
  void get_process_model_by_instance(const Identity&, std::string, Callback<ProcessModelInfo>) override {}
  CancelHandle start(const Identity&, StartRequest, Callback<StartResult>) override { return nullptr; }
  void own_process_instances(const Identity&, PageRequest, Callback<PagedList<ProcessInstanceInfo>>) override {}
  void correlation_results(const Identity&, std::string, std::string,
                           Callback<std::vector<CorrelationResult>>) override {}
  void waiting_tasks(const Identity&, TaskQuery, Callback<PagedList<WaitingTask>>) override {}
  void finish_task(const Identity&, FinishTaskRequest, Callback<Ok>) override {}
  void waiting_events(const Identity&, EventQuery, Callback<PagedList<WaitingEvent>>) override {}
  void trigger(const Identity&, EventKind, std::string, std::optional<JsonText>, Callback<Ok>) override {}
  CancelHandle fetch_and_lock(const Identity&, FetchAndLockRequest, Callback<std::vector<ExternalTask>>) override {
    return nullptr;
  }
  void extend_lock(const Identity&, std::string, std::string, std::int64_t, Callback<Ok>) override {}
  void complete_external_task(const Identity&, std::string, ExternalTaskOutcome, Callback<Ok>) override {}

 private:
  mutable std::mutex mutex_;
  std::uint64_t next_id_ = 0;
  std::map<std::uint64_t, EngineEventListener> listeners_;
};

class FakeRegistry final : public ServiceRegistry {
 public:
  using ServiceRegistry::find;
  using ServiceRegistry::provide;
  void provide(std::string_view id, void* service) override { services_[std::string(id)] = service; }
  void* find(std::string_view id) const override {
    auto found = services_.find(std::string(id));
    return found == services_.end() ? nullptr : found->second;
  }

 private:
  std::map<std::string, void*> services_;
};

class KeepingRouter final : public HttpRouter {
 public:
  void add_route(std::string method, std::string pattern, HttpHandler handler) override {
    routes[method + " " + pattern] = std::move(handler);
  }
  std::map<std::string, HttpHandler> routes;
};

class KeepingLogger final : public Logger {
 public:
  void log(LogLevel, std::string_view message) override {
    std::lock_guard lock(mutex_);
    lines.emplace_back(message);
  }
  bool enabled(LogLevel) const override { return true; }
  std::vector<std::string> lines;

 private:
  std::mutex mutex_;
};

class FakeHostContext final : public HostContext {
 public:
  FakeHostContext(std::filesystem::path dir, const std::string& config_json) : dir_(std::move(dir)) {
    config_.Parse(config_json.c_str());
    file_ = dir_ / "host.json";
  }
  ServiceRegistry& services() override { return registry; }
  HttpRouter& http() override { return router; }
  Logger& logger() override { return log; }
  const rapidjson::Value& config() const override { return config_; }
  const std::filesystem::path& config_dir() const override { return dir_; }
  const std::filesystem::path& config_file() const override { return file_; }
  std::string_view plugin_name() const override { return "audit_log"; }

  FakeRegistry registry;
  KeepingRouter router;
  KeepingLogger log;

 private:
  std::filesystem::path dir_;
  std::filesystem::path file_;
  rapidjson::Document config_;
};

}  // namespace processhost::testing
