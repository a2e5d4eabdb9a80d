#pragma once
// An EngineService that answers every call at once, on the caller's thread, with a small
// plausible result built from the request. It lets the Consumer API's handlers run to their
// JSON answers (request parsing, mapping, serialisation) without an engine behind them.

#include "processhost/services/engine.hpp"

namespace processhost::fuzz {

class AnsweringEngine final : public EngineService {
 public:
  void deploy(std::string xml, std::string source_name, Callback<ProcessModelInfo> done) override;
  void list_process_models(const Identity& identity, PageRequest page,
                           Callback<PagedList<ProcessModelInfo>> done) override;
  void get_process_model(const Identity& identity, std::string process_model_id,
                         Callback<ProcessModelInfo> done) override;
  void get_process_model_by_instance(const Identity& identity, std::string process_instance_id,
                                     Callback<ProcessModelInfo> done) override;
  CancelHandle start(const Identity& identity, StartRequest request, Callback<StartResult> done) override;
  void own_process_instances(const Identity& identity, PageRequest page,
                             Callback<PagedList<ProcessInstanceInfo>> done) override;
  void correlation_results(const Identity& identity, std::string correlation_id, std::string process_model_id,
                           Callback<std::vector<CorrelationResult>> done) override;
  void waiting_tasks(const Identity& identity, TaskQuery query, Callback<PagedList<WaitingTask>> done) override;
  void finish_task(const Identity& identity, FinishTaskRequest request, Callback<Ok> done) override;
  void waiting_events(const Identity& identity, EventQuery query, Callback<PagedList<WaitingEvent>> done) override;
  void trigger(const Identity& identity, EventKind kind, std::string name, std::optional<JsonText> payload,
               Callback<Ok> done) override;
  CancelHandle fetch_and_lock(const Identity& identity, FetchAndLockRequest request,
                              Callback<std::vector<ExternalTask>> done) override;
  void extend_lock(const Identity& identity, std::string external_task_id, std::string worker_id,
                   std::int64_t additional_duration_ms, Callback<Ok> done) override;
  void complete_external_task(const Identity& identity, std::string external_task_id, ExternalTaskOutcome outcome,
                              Callback<Ok> done) override;
  void delete_process_model(const Identity& identity, std::string process_model_id, Callback<Ok> done) override;
  void terminate_process_instance(const Identity& identity, std::string process_instance_id,
                                  Callback<Ok> done) override;
  void active_cronjobs(const Identity& identity, PageRequest page, Callback<PagedList<CronjobInfo>> done) override;
  std::uint64_t add_listener(EngineEventListener listener) override;
  void remove_listener(std::uint64_t listener_id) override;
};

}  // namespace processhost::fuzz
