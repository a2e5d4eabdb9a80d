#pragma once
// The engine side of the example plugins' fake host (processhost/test/fake_host.hpp):
// an EngineService that keeps listeners and lets the test emit events; every other call
// does nothing. Mocks belong in unit-level tests; this one is the plugin-level fixture
// that lets the real .so run without the host binary.

#include <cstdint>
#include <map>
#include <mutex>

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
  void delete_process_model(const Identity&, std::string, Callback<Ok>) override {}
  void terminate_process_instance(const Identity&, std::string, Callback<Ok>) override {}
  void active_cronjobs(const Identity&, PageRequest, Callback<PagedList<CronjobInfo>>) override {}

 private:
  mutable std::mutex mutex_;
  std::uint64_t next_id_ = 0;
  std::map<std::uint64_t, EngineEventListener> listeners_;
};

}  // namespace processhost::testing
