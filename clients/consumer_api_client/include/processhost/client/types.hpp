#pragma once
// Typed request and response shapes of the Consumer API (reference section 3.2). Field
// names follow the wire names in snake_case. Values the contract leaves free ("any") are
// kept as JsonText: one complete serialized JSON value, exactly as the host sent it.
// Optional wire fields are std::optional and omitted from requests when empty.

#include <cstddef>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace processhost::client {

using JsonText = std::string;

// What a call is made as. An empty token means "no Authorization header" (a host without
// IAM serves such calls as its anonymous identity).
struct Identity {
  std::string token;
  std::string user_id;

  bool anonymous() const { return token.empty(); }
};

// offset/limit of list routes; 0 means "not given" (the host then returns everything).
struct Page {
  std::size_t offset = 0;
  std::size_t limit = 0;
};

struct ApplicationInfo {
  std::string name;
  std::string version;
};

// Start/end events of a model, and waiting events of instances.
struct Event {
  std::string id;
  std::string event_name;
  std::string bpmn_type;
  std::optional<std::string> event_type;  // "messageEvent", "signalEvent", ...
  std::optional<std::string> flow_node_instance_id;
  std::optional<std::string> correlation_id;
  std::string process_model_id;
  std::optional<std::string> process_instance_id;
};

struct EventList {
  std::vector<Event> events;
  std::size_t total_count = 0;
};

struct ProcessModel {
  std::string id;
  std::vector<Event> start_events;
  std::vector<Event> end_events;
};

struct ProcessModelList {
  std::vector<ProcessModel> process_models;
  std::size_t total_count = 0;
};

enum class StartCallbackType { on_instance_created = 1, on_process_finished = 2, on_end_event_reached = 3 };

// Query part of a start call.
struct StartOptions {
  StartCallbackType callback_type = StartCallbackType::on_instance_created;
  std::optional<std::string> start_event_id;
  std::optional<std::string> end_event_id;  // required for on_end_event_reached
};

struct ProcessStartRequest {
  std::optional<std::string> correlation_id;
  std::optional<std::string> caller_id;
  std::optional<JsonText> input_values;
};

struct ProcessStartResponse {
  std::string correlation_id;
  std::optional<std::string> process_instance_id;
  std::optional<std::string> end_event_id;
  std::optional<JsonText> token_payload;
};

struct ProcessInstance {
  std::string id;
  Identity owner;
  std::string correlation_id;
  std::string process_model_id;
  std::optional<std::string> parent_process_instance_id;
};

struct ProcessInstanceList {
  std::vector<ProcessInstance> process_instances;
  std::size_t total_count = 0;
};

struct CorrelationResult {
  std::string correlation_id;
  std::string end_event_id;
  JsonText token_payload = "null";
};

struct CorrelationResultList {
  std::vector<CorrelationResult> correlation_results;
  std::size_t total_count = 0;
};

struct FormFieldEnumValue {
  std::string id;
  std::string name;
};

struct UserTaskFormField {
  std::string id;
  std::optional<std::string> type;  // absent when the model's type is outside the API's enum
  std::optional<JsonText> label;
  std::optional<JsonText> default_value;
  std::optional<JsonText> preferred_control;
  std::vector<FormFieldEnumValue> enum_values;
};

struct UserTaskConfig {
  std::vector<UserTaskFormField> form_fields;
  std::optional<std::string> preferred_control;
  std::optional<std::string> description;
  std::optional<std::string> finished_message;
};

// Fields every suspended task has. Manual tasks and empty activities are exactly this.
struct Task {
  std::string flow_node_type;  // "bpmn:UserTask", "bpmn:ManualTask", "bpmn:Task"
  std::string id;              // BPMN id of the flow node
  std::string name;
  std::string flow_node_instance_id;
  std::string correlation_id;
  std::string process_model_id;
  std::string process_instance_id;
  JsonText token_payload = "null";
};

struct UserTask : Task {
  UserTaskConfig data;
};

using ManualTask = Task;
using EmptyActivity = Task;

struct UserTaskList {
  std::vector<UserTask> user_tasks;
  std::size_t total_count = 0;
};

struct ManualTaskList {
  std::vector<ManualTask> manual_tasks;
  std::size_t total_count = 0;
};

struct EmptyActivityList {
  std::vector<EmptyActivity> empty_activities;
  std::size_t total_count = 0;
};

// Mixed lists: a user task carries its form data; other kinds are plain Tasks.
using AnyTask = std::variant<Task, UserTask>;

struct TaskList {
  std::vector<AnyTask> tasks;
  std::size_t total_count = 0;
};

// Body of a user-task finish: formFields must be a JSON object.
struct UserTaskResult {
  JsonText form_fields = "{}";
};

struct ExternalTask {
  std::string id;
  std::string worker_id;
  std::string topic;
  std::string flow_node_instance_id;
  std::string correlation_id;
  std::string process_model_id;
  std::string process_instance_id;
  JsonText identity = "null";
  JsonText payload = "null";
  // Times are kept as the host sent them (ISO-8601 strings in the reference).
  JsonText lock_expiration_time = "null";
  std::string state;  // "pending" or "finished"
  std::optional<JsonText> finished_at;
  std::optional<JsonText> result;
  std::optional<JsonText> error;
  std::optional<JsonText> created_at;
};

struct FetchAndLockRequest {
  std::string worker_id;
  std::string topic_name;
  std::size_t max_tasks = 1;
  long long long_polling_timeout_ms = 0;
  long long lock_duration_ms = 0;
};

struct ExtendLockRequest {
  std::string worker_id;
  long long additional_duration_ms = 0;
};

struct BpmnErrorRequest {
  std::string worker_id;
  std::string error_code;
  std::string error_message;
};

struct ServiceErrorRequest {
  std::string worker_id;
  std::string error_message;
  JsonText error_details = "null";
  std::optional<std::string> error_code;
};

struct FinishExternalTaskRequest {
  std::string worker_id;
  JsonText result = "{}";
};

// POST /iam/login: request credentials and the answer.
struct Credentials {
  std::string username;
  std::string password;
};

struct LoginResult {
  Identity identity;
  std::optional<JsonText> expires_at;
};

// GET /host/plugins.
struct LoadedPlugin {
  std::string name;
  std::string version;
  std::string library;  // empty for parts built into the host (engine, memory store)
  bool built_in = false;
  std::vector<std::string> provides;
  std::vector<std::string> requires_services;  // wire name "requires"
};

struct HostPlugins {
  std::string host_name;
  std::string host_version;
  std::vector<LoadedPlugin> plugins;
};

}  // namespace processhost::client
