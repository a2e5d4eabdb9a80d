#pragma once
// The engine service: what plugins (the Consumer API above all) ask of the BPMN engine.
//
// Threading: every call returns at once and completes through its callback, which may run
// inline or on an engine or store thread; a callback must not block. Calls are safe from
// any thread. Access control: every call takes the caller's Identity; lists contain only
// what the identity may see (lane claims, can_manage_process_instances), finishes check
// the lane claim. Errors are values (Result). The refusals an API words itself carry an
// ErrorKind and the ids it is about (result.hpp); their status is the engine's own.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "processhost/callback.hpp"
#include "processhost/cancellation.hpp"
#include "processhost/external_task.hpp"
#include "processhost/json.hpp"
#include "processhost/paging.hpp"
#include "processhost/result.hpp"
#include "processhost/services/identity.hpp"
#include "processhost/states.hpp"

namespace processhost {

struct FlowNodeInfo {
  std::string id;
  std::string name;
  std::string bpmn_type;  // "bpmn:StartEvent", ...
  std::string lane;       // innermost lane name; empty when the node is in no lane
};

struct ProcessModelInfo {
  std::string id;
  std::string hash;
  bool executable = true;
  std::vector<FlowNodeInfo> start_events;  // only those the identity may access
  std::vector<FlowNodeInfo> end_events;
};

enum class StartCallbackType { on_instance_created = 1, on_process_finished = 2, on_end_event_reached = 3 };

struct StartRequest {
  std::string process_model_id;
  std::optional<std::string> start_event_id;  // optional when the model has one start event
  std::optional<std::string> end_event_id;    // required for on_end_event_reached
  StartCallbackType callback_type = StartCallbackType::on_instance_created;
  std::optional<std::string> correlation_id;  // a fresh uuid when absent
  std::optional<std::string> caller_id;       // parent process instance id
  std::optional<JsonText> input_values;       // initial token; {} when absent
  // A client's request id (the Consumer API's Idempotency-Key header): a start repeated with
  // the same key, user and model answers the instance the first one created instead of
  // starting another (Store::claim_start_key).
  std::optional<std::string> idempotency_key;
};

struct StartResult {
  std::string correlation_id;
  std::string process_instance_id;
  std::optional<std::string> end_event_id;  // callback types 2 and 3
  std::optional<JsonText> token_payload;    // callback types 2 and 3
};

struct ProcessInstanceInfo {
  std::string id;
  std::string owner_user_id;
  std::string correlation_id;
  std::string process_model_id;
  std::optional<std::string> parent_process_instance_id;
  ProcessInstanceState state = ProcessInstanceState::running;
};

struct CorrelationResult {
  std::string correlation_id;
  std::string end_event_id;
  JsonText token_payload;
};

enum class TaskKind : unsigned { user_task = 1, manual_task = 2, empty_activity = 4 };
inline constexpr unsigned kAllTaskKinds = 7;
inline constexpr unsigned task_kind_bit(TaskKind kind) { return static_cast<unsigned>(kind); }

// How messages name a task kind ("does not have a UserTask ..."), and its BPMN element type.
struct TaskKindNames {
  std::string_view name;
  std::string_view bpmn_type;
};
inline constexpr TaskKindNames task_kind_names(TaskKind kind) {
  switch (kind) {
    case TaskKind::user_task: return {"UserTask", "bpmn:UserTask"};
    case TaskKind::manual_task: return {"ManualTask", "bpmn:ManualTask"};
    case TaskKind::empty_activity: return {"EmptyActivity", "bpmn:Task"};
  }
  return {"Task", "bpmn:Task"};
}
inline constexpr std::string_view task_kind_name(TaskKind kind) { return task_kind_names(kind).name; }
inline constexpr std::string_view task_kind_bpmn_type(TaskKind kind) { return task_kind_names(kind).bpmn_type; }

struct FormFieldEnumValue {
  std::string id;
  std::string name;
};

// A constraint of camunda:validation, as written: required, readonly, minlength, maxlength,
// min, max, or a name the modeller chose. config is empty for those without one.
struct FormFieldConstraint {
  std::string name;
  std::string config;
};

// Expressions ${...} in label, default value and preferred control are already evaluated
// against the task's token; values keep their JSON type.
struct FormField {
  std::string id;
  std::string type;  // as written in the model; the API drops types outside its enum
  std::optional<JsonText> label;
  std::optional<JsonText> default_value;
  std::optional<JsonText> preferred_control;
  std::vector<FormFieldEnumValue> enum_values;
  std::vector<FormFieldConstraint> validation;  // for the form's client to check before finishing
};

struct UserTaskConfig {
  std::vector<FormField> form_fields;
  std::optional<std::string> preferred_control;
  std::optional<std::string> description;
  std::optional<std::string> finished_message;
  // camunda:assignee, candidateUsers, candidateGroups, dueDate, followUpDate, priority as set
  // in the model, evaluated (JSON values by attribute name). Information only: lanes decide
  // who may list and finish a task.
  std::vector<std::pair<std::string, JsonText>> assignment;
};

struct WaitingTask {
  TaskKind kind = TaskKind::user_task;
  std::string flow_node_id;
  std::string name;
  std::string flow_node_instance_id;
  std::string correlation_id;
  std::string process_model_id;
  std::string process_instance_id;
  std::string lane;
  JsonText token_payload;   // the payload the task was suspended with
  UserTaskConfig user_task;  // user tasks only
};

struct TaskQuery {
  unsigned kinds = kAllTaskKinds;  // TaskKind bits
  std::optional<std::string> process_model_id;
  std::optional<std::string> process_instance_id;
  std::optional<std::string> correlation_id;
  bool own_only = false;  // only instances owned by the caller
  PageRequest page;
};

struct FinishTaskRequest {
  TaskKind kind = TaskKind::user_task;
  std::string process_instance_id;
  std::string correlation_id;
  std::string flow_node_instance_id;
  JsonText result = "{}";  // user task: the formFields object
};

struct WaitingEvent {
  std::string flow_node_id;
  std::string name;        // BPMN name of the node
  std::string bpmn_type;   // "bpmn:IntermediateCatchEvent", "bpmn:BoundaryEvent", "bpmn:ReceiveTask", ...
  std::string event_type;  // "messageEvent", "signalEvent", "timerEvent"
  std::string event_name;  // message / signal name to trigger it with
  std::string flow_node_instance_id;
  std::string correlation_id;
  std::string process_model_id;
  std::string process_instance_id;
};

struct EventQuery {
  std::optional<std::string> process_model_id;
  std::optional<std::string> correlation_id;
  PageRequest page;
};

enum class EventKind { message, signal };

struct FetchAndLockRequest {
  std::string worker_id;
  std::string topic;
  std::size_t max_tasks = 1;
  std::int64_t long_polling_timeout_ms = 0;
  std::int64_t lock_duration_ms = 0;
};

// A worker's answer to an external task.
struct ExternalTaskOutcome {
  enum class Kind { finish, bpmn_error, service_error } kind = Kind::finish;
  std::string worker_id;
  JsonText result = "{}";      // finish
  std::string error_code;      // bpmn_error, service_error (optional there)
  std::string error_message;   // bpmn_error, service_error
  JsonText error_details = "null";  // service_error
};

// A cron start event of a deployed model (the latest version of each model).
struct CronjobInfo {
  std::string process_model_id;
  std::string start_event_id;
  std::string crontab;                          // 6 fields, seconds first
  std::optional<std::int64_t> next_execution_ms;  // nullopt: no match within 5 years
};

// What happened in the engine, for observers (audit logs, notifications).
struct EngineEvent {
  EngineEventKind kind = EngineEventKind::process_started;  // name_of(kind): its word in JSON
  std::string process_model_id;
  std::string process_instance_id;
  std::string correlation_id;
  std::string flow_node_id;           // empty for process-level events
  std::string flow_node_instance_id;  // empty for process-level events
  std::string flow_node_type;
  std::string owner_user_id;
  JsonText payload = "null";          // the token or result, where there is one
  std::int64_t timestamp_ms = 0;
};
// Called after the change set of the transition has been committed; must not block.
using EngineEventListener = std::function<void(const EngineEvent&)>;

class EngineService {
 public:
  static constexpr std::string_view kServiceId = "processhost.engine/1";
  virtual ~EngineService() = default;

  // Deploys a BPMN document. 422 with the list of problems (each naming the element id)
  // in additional_information when invalid. Deploying identical content again is a no-op.
  virtual void deploy(std::string xml, std::string source_name, Callback<ProcessModelInfo> done) = 0;

  // Deletes a deployed model, every version: it is no longer listed, found or started, and its
  // cron start events stop. Instances keep running with their version (after a restart too);
  // their history stays. Deploying the model again deploys it anew. Claims are the API's to
  // check. process_model_not_found (404) when no version is deployed.
  virtual void delete_process_model(const Identity& identity, std::string process_model_id, Callback<Ok> done) = 0;

  virtual void list_process_models(const Identity& identity, PageRequest page,
                                   Callback<PagedList<ProcessModelInfo>> done) = 0;
  virtual void get_process_model(const Identity& identity, std::string process_model_id,
                                 Callback<ProcessModelInfo> done) = 0;
  virtual void get_process_model_by_instance(const Identity& identity, std::string process_instance_id,
                                             Callback<ProcessModelInfo> done) = 0;

  // Completes as the callback type says. Refusals before the start are typed: model not
  // found or not executable, start event not found or not accessible, none accessible,
  // several accessible and none named (the start event is picked among those the identity
  // may use), end event not found (a top-level one the identity may see). Errors while
  // waiting complete with 500 (process error, termination) or the BPMN error. The returned
  // handle drops the wait.
  virtual CancelHandle start(const Identity& identity, StartRequest request, Callback<StartResult> done) = 0;

  // The identity's running instances (the original's "own" list: finished, failed and
  // terminated instances are left out).
  virtual void own_process_instances(const Identity& identity, PageRequest page,
                                     Callback<PagedList<ProcessInstanceInfo>> done) = 0;
  virtual void correlation_results(const Identity& identity, std::string correlation_id,
                                   std::string process_model_id, Callback<std::vector<CorrelationResult>> done) = 0;

  virtual void waiting_tasks(const Identity& identity, TaskQuery query, Callback<PagedList<WaitingTask>> done) = 0;
  // Completes after the transition that the finish causes has been committed.
  // task_not_waiting (404) when that task is not waiting in that instance and correlation,
  // the instance unknown included; 403 on the lane.
  virtual void finish_task(const Identity& identity, FinishTaskRequest request, Callback<Ok> done) = 0;

  virtual void waiting_events(const Identity& identity, EventQuery query, Callback<PagedList<WaitingEvent>> done) = 0;
  // Reaches every instance waiting for that name; completes once delivered and committed.
  // payload is the trigger's body as the original's API takes it, {"currentToken": <token>}:
  // a waiting catch or boundary event's result (and a started instance's start token) is its
  // currentToken, not the whole body; a body without currentToken delivers no token ({}).
  virtual void trigger(const Identity& identity, EventKind kind, std::string name, std::optional<JsonText> payload,
                       Callback<Ok> done) = 0;

  // Ends a running instance as terminated, in one committed transition: its waiting flow
  // nodes and sub-processes end as terminated, their timers are cancelled, callers waiting on
  // its end (start callback types 2 and 3) and a calling parent receive the termination as an
  // error, and process_terminated is emitted. The instance's error names the identity as
  // terminatedBy. Completes after the commit. Claims are the API's to check: the engine
  // terminates for any identity. process_instance_not_found (404) when unknown,
  // process_instance_not_running (409) when it has already ended.
  virtual void terminate_process_instance(const Identity& identity, std::string process_instance_id,
                                          Callback<Ok> done) = 0;

  virtual CancelHandle fetch_and_lock(const Identity& identity, FetchAndLockRequest request,
                                      Callback<std::vector<ExternalTask>> done) = 0;
  virtual void extend_lock(const Identity& identity, std::string external_task_id, std::string worker_id,
                           std::int64_t additional_duration_ms, Callback<Ok> done) = 0;
  // 404 unknown, 410 already finished, 423 locked by another worker.
  virtual void complete_external_task(const Identity& identity, std::string external_task_id,
                                      ExternalTaskOutcome outcome, Callback<Ok> done) = 0;

  // The cron start events that fire (enabled, valid crontab) of every deployed model, ordered
  // by model id then start event id. Claims are the API's to check.
  virtual void active_cronjobs(const Identity& identity, PageRequest page, Callback<PagedList<CronjobInfo>> done) = 0;

  // Observers. The returned id removes the listener; a plugin removes its listeners in stop().
  virtual std::uint64_t add_listener(EngineEventListener listener) = 0;
  virtual void remove_listener(std::uint64_t listener_id) = 0;
};

}  // namespace processhost
