#include "plugin_common/http_api/json_mapping.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace processhost::plugins::http_api {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void key(Writer& writer, std::string_view name) {
  writer.Key(name.data(), static_cast<rapidjson::SizeType>(name.size()));
}
void string(Writer& writer, std::string_view value) {
  writer.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
}
void field(Writer& writer, std::string_view name, std::string_view value) {
  key(writer, name);
  string(writer, value);
}
// Embeds serialized JSON; an empty text stands for an absent value and is written as null.
void raw(Writer& writer, std::string_view name, const JsonText& value, rapidjson::Type type = rapidjson::kObjectType) {
  key(writer, name);
  if (value.empty()) {
    writer.Null();
  } else {
    writer.RawValue(value.data(), value.size(), type);
  }
}

std::string finish(rapidjson::StringBuffer& buffer) { return std::string(buffer.GetString(), buffer.GetSize()); }

void write_model_event(Writer& writer, const FlowNodeInfo& node, const std::string& model_id) {
  writer.StartObject();
  field(writer, "id", node.id);
  if (!node.name.empty()) field(writer, "eventName", node.name);
  field(writer, "bpmnType", node.bpmn_type);
  field(writer, "processModelId", model_id);
  writer.EndObject();
}

void write_model(Writer& writer, const ProcessModelInfo& model, const ModelXmlLookup& xml) {
  writer.StartObject();
  field(writer, "id", model.id);
  if (xml) field(writer, "xml", xml(model));
  for (auto [name, events] : {std::pair{"startEvents", &model.start_events}, std::pair{"endEvents", &model.end_events}}) {
    key(writer, name);
    writer.StartArray();
    if (model.executable) {
      for (const auto& node : *events) write_model_event(writer, node, model.id);
    }
    writer.EndArray();
  }
  writer.EndObject();
}

void total_count(Writer& writer, std::size_t count) {
  key(writer, "totalCount");
  writer.Uint64(count);
}

void write_form_field(Writer& writer, const FormField& form_field) {
  writer.StartObject();
  field(writer, "id", form_field.id);
  if (is_api_form_field_type(form_field.type)) field(writer, "type", form_field.type);
  if (form_field.label) raw(writer, "label", *form_field.label, rapidjson::kStringType);
  if (form_field.default_value) raw(writer, "defaultValue", *form_field.default_value, rapidjson::kStringType);
  if (form_field.preferred_control) {
    raw(writer, "preferredControl", *form_field.preferred_control, rapidjson::kStringType);
  }
  if (!form_field.enum_values.empty()) {
    key(writer, "enumValues");
    writer.StartArray();
    for (const auto& value : form_field.enum_values) {
      writer.StartObject();
      field(writer, "id", value.id);
      field(writer, "name", value.name);
      writer.EndObject();
    }
    writer.EndArray();
  }
  // Beyond the contract (which has no constraints): clients that know it check the values.
  if (!form_field.validation.empty()) {
    key(writer, "validation");
    writer.StartArray();
    for (const auto& constraint : form_field.validation) {
      writer.StartObject();
      field(writer, "name", constraint.name);
      key(writer, "config");
      if (constraint.config.empty()) {
        writer.Null();
      } else {
        string(writer, constraint.config);
      }
      writer.EndObject();
    }
    writer.EndArray();
  }
  writer.EndObject();
}

void write_task(Writer& writer, const WaitingTask& task) {
  writer.StartObject();
  field(writer, "flowNodeType", task_kind_bpmn_type(task.kind));
  field(writer, "id", task.flow_node_id);
  field(writer, "name", task.name);
  field(writer, "flowNodeInstanceId", task.flow_node_instance_id);
  field(writer, "correlationId", task.correlation_id);
  field(writer, "processModelId", task.process_model_id);
  field(writer, "processInstanceId", task.process_instance_id);
  if (task.kind == TaskKind::user_task) {
    key(writer, "data");
    writer.StartObject();
    key(writer, "formFields");
    writer.StartArray();
    for (const auto& form_field : task.user_task.form_fields) write_form_field(writer, form_field);
    writer.EndArray();
    if (task.user_task.preferred_control) field(writer, "preferredControl", *task.user_task.preferred_control);
    if (task.user_task.description) field(writer, "description", *task.user_task.description);
    if (task.user_task.finished_message) field(writer, "finishedMessage", *task.user_task.finished_message);
    writer.EndObject();
    // Beyond the contract: Camunda's assignment attributes, for clients that show them.
    if (!task.user_task.assignment.empty()) {
      key(writer, "camunda");
      writer.StartObject();
      for (const auto& [name, value] : task.user_task.assignment) raw(writer, name, value, rapidjson::kStringType);
      writer.EndObject();
    }
  }
  raw(writer, "tokenPayload", task.token_payload);
  writer.EndObject();
}

int kind_order(TaskKind kind) {
  switch (kind) {
    case TaskKind::empty_activity:
      return 0;
    case TaskKind::manual_task:
      return 1;
    case TaskKind::user_task:
      return 2;
  }
  return 3;
}

}  // namespace

bool is_api_form_field_type(std::string_view type) {
  static constexpr std::array<std::string_view, 6> kTypes{"boolean", "date", "enum", "long", "number", "string"};
  return std::find(kTypes.begin(), kTypes.end(), type) != kTypes.end();
}

std::string iso8601_utc(std::int64_t epoch_ms) {
  using namespace std::chrono;
  const sys_time<milliseconds> time{milliseconds(epoch_ms)};
  const auto day = floor<days>(time);
  const year_month_day date{day};
  const hh_mm_ss clock{time - day};
  std::array<char, 32> text{};
  std::snprintf(text.data(), text.size(), "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                static_cast<int>(clock.hours().count()), static_cast<int>(clock.minutes().count()),
                static_cast<int>(clock.seconds().count()), static_cast<int>(clock.subseconds().count()));
  return text.data();
}

std::string application_info_json(std::string_view name, std::string_view version) {
  rapidjson::StringBuffer buffer;
  Writer writer(buffer);
  writer.StartObject();
  field(writer, "name", name);
  field(writer, "version", version);
  writer.EndObject();
  return finish(buffer);
}

std::string process_model_json(const ProcessModelInfo& model, const ModelXmlLookup& xml) {
  rapidjson::StringBuffer buffer;
  Writer writer(buffer);
  write_model(writer, model, xml);
  return finish(buffer);
}

std::string process_model_list_json(const PagedList<ProcessModelInfo>& list, const ModelXmlLookup& xml) {
  rapidjson::StringBuffer buffer;
  Writer writer(buffer);
  writer.StartObject();
  key(writer, "processModels");
  writer.StartArray();
  for (const auto& model : list.items) write_model(writer, model, xml);
  writer.EndArray();
  total_count(writer, list.total_count);
  writer.EndObject();
  return finish(buffer);
}

std::string start_result_json(const StartResult& result) {
  rapidjson::StringBuffer buffer;
  Writer writer(buffer);
  writer.StartObject();
  field(writer, "correlationId", result.correlation_id);
  field(writer, "processInstanceId", result.process_instance_id);
  if (result.end_event_id) field(writer, "endEventId", *result.end_event_id);
  if (result.token_payload) raw(writer, "tokenPayload", *result.token_payload);
  writer.EndObject();
  return finish(buffer);
}

std::string process_instance_list_json(const PagedList<ProcessInstanceInfo>& list) {
  rapidjson::StringBuffer buffer;
  Writer writer(buffer);
  writer.StartObject();
  key(writer, "processInstances");
  writer.StartArray();
  for (const auto& instance : list.items) {
    writer.StartObject();
    field(writer, "id", instance.id);
    key(writer, "owner");
    writer.StartObject();
    field(writer, "userId", instance.owner_user_id);
    field(writer, "token", "");
    writer.EndObject();
    field(writer, "correlationId", instance.correlation_id);
    field(writer, "processModelId", instance.process_model_id);
    if (instance.parent_process_instance_id) {
      field(writer, "parentProcessInstanceId", *instance.parent_process_instance_id);
    }
    writer.EndObject();
  }
  writer.EndArray();
  total_count(writer, list.total_count);
  writer.EndObject();
  return finish(buffer);
}

std::string correlation_result_list_json(const std::vector<CorrelationResult>& results) {
  rapidjson::StringBuffer buffer;
  Writer writer(buffer);
  writer.StartObject();
  key(writer, "correlationResults");
  writer.StartArray();
  for (const auto& result : results) {
    writer.StartObject();
    field(writer, "correlationId", result.correlation_id);
    field(writer, "endEventId", result.end_event_id);
    raw(writer, "tokenPayload", result.token_payload);
    writer.EndObject();
  }
  writer.EndArray();
  total_count(writer, results.size());
  writer.EndObject();
  return finish(buffer);
}

std::string event_list_json(const PagedList<WaitingEvent>& list) {
  rapidjson::StringBuffer buffer;
  Writer writer(buffer);
  writer.StartObject();
  key(writer, "events");
  writer.StartArray();
  for (const auto& event : list.items) {
    writer.StartObject();
    field(writer, "id", event.flow_node_id);
    field(writer, "eventName", event.event_name);
    field(writer, "bpmnType", event.bpmn_type);
    field(writer, "eventType", event.event_type);
    field(writer, "flowNodeInstanceId", event.flow_node_instance_id);
    field(writer, "correlationId", event.correlation_id);
    field(writer, "processModelId", event.process_model_id);
    field(writer, "processInstanceId", event.process_instance_id);
    writer.EndObject();
  }
  writer.EndArray();
  total_count(writer, list.items.size());
  writer.EndObject();
  return finish(buffer);
}

std::string task_list_json(TaskListKind kind, const PagedList<WaitingTask>& list) {
  std::string_view wrapper = "tasks";
  switch (kind) {
    case TaskListKind::user_tasks:
      wrapper = "userTasks";
      break;
    case TaskListKind::manual_tasks:
      wrapper = "manualTasks";
      break;
    case TaskListKind::empty_activities:
      wrapper = "emptyActivities";
      break;
    case TaskListKind::mixed:
      break;
  }
  std::vector<const WaitingTask*> tasks;
  tasks.reserve(list.items.size());
  for (const auto& task : list.items) tasks.push_back(&task);
  if (kind == TaskListKind::mixed) {
    std::stable_sort(tasks.begin(), tasks.end(),
                     [](const WaitingTask* a, const WaitingTask* b) { return kind_order(a->kind) < kind_order(b->kind); });
  }
  rapidjson::StringBuffer buffer;
  Writer writer(buffer);
  writer.StartObject();
  key(writer, wrapper);
  writer.StartArray();
  for (const auto* task : tasks) write_task(writer, *task);
  writer.EndArray();
  total_count(writer, kind == TaskListKind::mixed ? list.total_count : list.items.size());
  writer.EndObject();
  return finish(buffer);
}

std::string external_task_array_json(const std::vector<ExternalTask>& tasks) {
  rapidjson::StringBuffer buffer;
  Writer writer(buffer);
  writer.StartArray();
  for (const auto& task : tasks) {
    writer.StartObject();
    field(writer, "id", task.id);
    field(writer, "workerId", task.worker_id);
    field(writer, "topic", task.topic);
    field(writer, "flowNodeInstanceId", task.flow_node_instance_id);
    field(writer, "correlationId", task.correlation_id);
    field(writer, "processModelId", task.process_model_id);
    field(writer, "processInstanceId", task.process_instance_id);
    raw(writer, "payload", task.payload);
    field(writer, "lockExpirationTime", iso8601_utc(task.lock_expiration_ms));
    field(writer, "state", name_of(task.state));
    if (task.finished_at_ms) field(writer, "finishedAt", iso8601_utc(*task.finished_at_ms));
    if (task.result) raw(writer, "result", *task.result);
    if (task.error) raw(writer, "error", *task.error);
    if (task.created_at_ms != 0) field(writer, "createdAt", iso8601_utc(task.created_at_ms));
    writer.EndObject();
  }
  writer.EndArray();
  return finish(buffer);
}

}  // namespace processhost::plugins::http_api
