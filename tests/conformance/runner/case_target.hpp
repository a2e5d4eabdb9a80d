#pragma once
// The system a conformance case runs against: the engine in-process on the memory store, or
// the real host binary on pg_store spoken to over HTTP. The case runner asks only this, so
// both modes run the same steps with the same checks.
//
// Every call blocks until the answer is there. Errors of the system under test are values
// (Result, with the status the API gives); a broken target (host gone, timeout) throws
// CaseFailure.

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "processhost/services/engine.hpp"

namespace processhost::conformance {

struct CaseFailure : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// What the store holds of an instance: its state ("running", "finished", "error", ...) and
// error (JSON text).
struct InstanceSnapshot {
  std::string id;
  std::string correlation_id;
  std::string state;
  JsonText error = "null";
};

// A message or signal an instance sent (kind "message_sent" / "signal_sent"); payload is the
// engine event's payload, {"eventName": ..., "payload": ...}.
struct SentEvent {
  std::string kind;
  JsonText payload;
};

class CaseTarget {
 public:
  virtual ~CaseTarget() = default;

  virtual Result<StartResult> start(const StartRequest& request) = 0;
  // Waiting tasks of one kind in a correlation, optionally of one model.
  virtual Result<std::vector<WaitingTask>> waiting_tasks(TaskKind kind, const std::string& correlation_id,
                                                         const std::optional<std::string>& process_model_id) = 0;
  virtual Status finish_task(const FinishTaskRequest& request) = 0;
  virtual Result<std::vector<CorrelationResult>> correlation_results(const std::string& correlation_id,
                                                                     const std::string& process_model_id) = 0;
  // When the store recorded each end event of the correlation and model (epoch ms).
  virtual std::vector<std::pair<std::string, std::int64_t>> result_times(const std::string& correlation_id,
                                                                         const std::string& process_model_id) = 0;
  virtual std::optional<InstanceSnapshot> instance(const std::string& process_instance_id) = 0;
  // The first instance of a model, in a correlation when one is given.
  virtual std::optional<InstanceSnapshot> first_instance(const std::string& process_model_id,
                                                         const std::optional<std::string>& correlation_id) = 0;
  // Publishes a message or signal. Instances it auto-starts join correlation_id when
  // trigger_carries_correlation(), a fresh correlation otherwise.
  virtual Status trigger(EventKind kind, const std::string& name, const std::optional<JsonText>& payload,
                         const std::string& correlation_id) = 0;
  virtual bool trigger_carries_correlation() const = 0;
  virtual Result<std::vector<WaitingEvent>> waiting_events(const std::string& correlation_id) = 0;
  virtual std::vector<SentEvent> sent_events() = 0;
  virtual Result<std::vector<ExternalTask>> fetch_and_lock(const FetchAndLockRequest& request) = 0;
  virtual Status complete_external_task(const std::string& external_task_id, const ExternalTaskOutcome& outcome) = 0;
};

}  // namespace processhost::conformance
