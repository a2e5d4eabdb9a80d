#pragma once
// GoogleMock double of the EngineService for the Consumer API's unit tests.

#include <gmock/gmock.h>

#include "processhost/services/engine.hpp"

namespace processhost::plugins::consumer_api::testing {

class MockEngineService : public EngineService {
 public:
  MOCK_METHOD(void, deploy, (std::string xml, std::string source_name, Callback<ProcessModelInfo> done), (override));
  MOCK_METHOD(void, list_process_models,
              (const Identity& identity, PageRequest page, Callback<PagedList<ProcessModelInfo>> done), (override));
  MOCK_METHOD(void, get_process_model,
              (const Identity& identity, std::string process_model_id, Callback<ProcessModelInfo> done), (override));
  MOCK_METHOD(void, get_process_model_by_instance,
              (const Identity& identity, std::string process_instance_id, Callback<ProcessModelInfo> done),
              (override));
  MOCK_METHOD(CancelHandle, start, (const Identity& identity, StartRequest request, Callback<StartResult> done),
              (override));
  MOCK_METHOD(void, own_process_instances,
              (const Identity& identity, PageRequest page, Callback<PagedList<ProcessInstanceInfo>> done), (override));
  MOCK_METHOD(void, correlation_results,
              (const Identity& identity, std::string correlation_id, std::string process_model_id,
               Callback<std::vector<CorrelationResult>> done),
              (override));
  MOCK_METHOD(void, waiting_tasks, (const Identity& identity, TaskQuery query, Callback<PagedList<WaitingTask>> done),
              (override));
  MOCK_METHOD(void, finish_task, (const Identity& identity, FinishTaskRequest request, Callback<Ok> done),
              (override));
  MOCK_METHOD(void, waiting_events,
              (const Identity& identity, EventQuery query, Callback<PagedList<WaitingEvent>> done), (override));
  MOCK_METHOD(void, trigger,
              (const Identity& identity, EventKind kind, std::string name, std::optional<JsonText> payload,
               Callback<Ok> done),
              (override));
  MOCK_METHOD(CancelHandle, fetch_and_lock,
              (const Identity& identity, FetchAndLockRequest request, Callback<std::vector<ExternalTask>> done),
              (override));
  MOCK_METHOD(void, extend_lock,
              (const Identity& identity, std::string external_task_id, std::string worker_id,
               std::int64_t additional_duration_ms, Callback<Ok> done),
              (override));
  MOCK_METHOD(void, delete_process_model,
              (const Identity& identity, std::string process_model_id, Callback<Ok> done), (override));
  MOCK_METHOD(void, terminate_process_instance,
              (const Identity& identity, std::string process_instance_id, Callback<Ok> done), (override));
  MOCK_METHOD(void, complete_external_task,
              (const Identity& identity, std::string external_task_id, ExternalTaskOutcome outcome,
               Callback<Ok> done),
              (override));
  MOCK_METHOD(void, active_cronjobs,
              (const Identity& identity, PageRequest page, Callback<PagedList<CronjobInfo>> done), (override));
  MOCK_METHOD(std::uint64_t, add_listener, (EngineEventListener listener), (override));
  MOCK_METHOD(void, remove_listener, (std::uint64_t listener_id), (override));
};

class MockCancellation : public Cancellation {
 public:
  MOCK_METHOD(void, cancel, (), (override));
};

}  // namespace processhost::plugins::consumer_api::testing
