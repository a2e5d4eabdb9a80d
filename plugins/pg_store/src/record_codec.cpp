#include "record_codec.hpp"

#include <algorithm>
#include <stdexcept>
#include <unordered_map>
#include <unordered_set>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "processhost/states.hpp"

namespace processhost::plugins::pg_store {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

const std::string& json_or_null(const JsonText& text) {
  static const std::string kNull = "null";
  return text.empty() ? kNull : text;
}

void field(Writer& writer, const char* name, const std::string& value) {
  writer.Key(name);
  writer.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
}

template <NamedEnum Enum>
void field(Writer& writer, const char* name, Enum value) {
  field(writer, name, std::string(name_of(value)));
}

void field(Writer& writer, const char* name, std::int64_t value) {
  writer.Key(name);
  writer.Int64(value);
}

void field(Writer& writer, const char* name, bool value) {
  writer.Key(name);
  writer.Bool(value);
}

// JsonText is one complete JSON value: it goes into the document as it is.
void json_field(Writer& writer, const char* name, const JsonText& value) {
  const auto& text = json_or_null(value);
  writer.Key(name);
  writer.RawValue(text.data(), text.size(), rapidjson::kObjectType);
}

template <class Record, class Write>
std::string json_array(const std::vector<Record>& records, Write write) {
  rapidjson::StringBuffer buffer;
  Writer writer(buffer);
  writer.StartArray();
  for (const auto& record : records) {
    writer.StartObject();
    write(writer, record);
    writer.EndObject();
  }
  writer.EndArray();
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::vector<FlowNodeInstanceRecord> last_state_per_node(const std::vector<FlowNodeInstanceRecord>& nodes) {
  std::unordered_map<std::string, std::size_t> last;
  for (std::size_t i = 0; i < nodes.size(); ++i) last[nodes[i].id] = i;
  if (last.size() == nodes.size()) return nodes;
  std::vector<FlowNodeInstanceRecord> unique;
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    if (last[nodes[i].id] == i) unique.push_back(nodes[i]);
  }
  return unique;
}

std::string text(const pqxx::field& field) { return field.is_null() ? std::string() : field.c_str(); }
std::int64_t number(const pqxx::field& field) { return field.is_null() ? 0 : field.as<std::int64_t>(); }

// A stored state word; a word the SDK does not know means the row is not ours to read.
template <NamedEnum Enum>
Enum state(const pqxx::field& field) {
  const std::string word = text(field);
  if (auto value = parse_name<Enum>(word)) return *value;
  throw std::runtime_error("unknown state '" + word + "' in column " + field.name());
}

}  // namespace

std::vector<std::string> change_set_params(const ChangeSet& changes) {
  const auto& instance = changes.instance;
  std::vector<std::string> params = {
      instance.id,
      instance.process_model_id,
      instance.process_model_hash,
      instance.correlation_id,
      instance.parent_process_instance_id,
      instance.owner_user_id,
      json_or_null(instance.owner_identity),
      std::string(name_of(instance.state)),
      json_or_null(instance.error),
      std::to_string(instance.created_at_ms),
      std::to_string(instance.finished_at_ms),
      json_or_null(instance.runtime_state),
      std::to_string(changes.expected_version),
  };
  params.push_back(json_array(last_state_per_node(changes.flow_node_instances), [](Writer& w, const auto& n) {
    field(w, "id", n.id);
    field(w, "process_instance_id", n.process_instance_id);
    field(w, "process_model_id", n.process_model_id);
    field(w, "correlation_id", n.correlation_id);
    field(w, "owner_user_id", n.owner_user_id);
    field(w, "flow_node_id", n.flow_node_id);
    field(w, "flow_node_name", n.flow_node_name);
    field(w, "flow_node_type", n.flow_node_type);
    field(w, "flow_node_lane", n.flow_node_lane);
    field(w, "event_type", n.event_type);
    field(w, "event_name", n.event_name);
    field(w, "state", n.state);
    field(w, "previous_flow_node_instance_id", n.previous_flow_node_instance_id);
    json_field(w, "token_on_enter", n.token_on_enter);
    json_field(w, "token_on_exit", n.token_on_exit);
    json_field(w, "error", n.error);
    field(w, "created_at_ms", n.created_at_ms);
    field(w, "finished_at_ms", n.finished_at_ms);
  }));

  const std::unordered_set<std::string> cancelled(changes.timers_cancelled.begin(), changes.timers_cancelled.end());
  std::vector<TimerRecord> armed;
  for (const auto& timer : changes.timers_armed) {
    if (!cancelled.count(timer.id)) armed.push_back(timer);
  }
  params.push_back(json_array(armed, [](Writer& w, const TimerRecord& t) {
    field(w, "id", t.id);
    field(w, "process_instance_id", t.process_instance_id);
    field(w, "flow_node_instance_id", t.flow_node_instance_id);
    field(w, "due_at_ms", t.due_at_ms);
  }));
  {
    rapidjson::StringBuffer buffer;
    Writer writer(buffer);
    writer.StartArray();
    for (const auto& id : changes.timers_cancelled) writer.String(id.data(), static_cast<rapidjson::SizeType>(id.size()));
    writer.EndArray();
    params.emplace_back(buffer.GetString(), buffer.GetSize());
  }
  params.push_back(json_array(changes.correlation_results, [](Writer& w, const CorrelationResultRecord& r) {
    field(w, "correlation_id", r.correlation_id);
    field(w, "process_model_id", r.process_model_id);
    field(w, "process_instance_id", r.process_instance_id);
    field(w, "end_event_id", r.end_event_id);
    field(w, "end_event_lane", r.end_event_lane);
    json_field(w, "token_payload", r.token_payload);
    field(w, "created_at_ms", r.created_at_ms);
  }));
  params.push_back(json_array(changes.external_tasks, [](Writer& w, const ExternalTaskRecord& record) {
    const auto& t = record.task;
    field(w, "id", t.id);
    field(w, "worker_id", t.worker_id);
    field(w, "topic", t.topic);
    field(w, "flow_node_instance_id", t.flow_node_instance_id);
    field(w, "correlation_id", t.correlation_id);
    field(w, "process_model_id", t.process_model_id);
    field(w, "process_instance_id", t.process_instance_id);
    json_field(w, "payload", t.payload);
    field(w, "lock_expiration_ms", t.lock_expiration_ms);
    field(w, "state", t.state);
    if (t.finished_at_ms) field(w, "finished_at_ms", *t.finished_at_ms);
    field(w, "has_result", t.result.has_value());
    if (t.result) json_field(w, "result", *t.result);
    field(w, "has_error", t.error.has_value());
    if (t.error) json_field(w, "error", *t.error);
    field(w, "created_at_ms", t.created_at_ms);
    field(w, "owner_identity", record.owner_identity);
    field(w, "version", record.version);
  }));
  return params;
}

std::vector<std::string> external_task_update_params(const ExternalTaskRecord& record, std::int64_t expected_version) {
  const auto& t = record.task;
  return {
      t.id,
      t.worker_id,
      t.topic,
      t.flow_node_instance_id,
      t.correlation_id,
      t.process_model_id,
      t.process_instance_id,
      json_or_null(t.payload),
      std::to_string(t.lock_expiration_ms),
      std::string(name_of(t.state)),
      t.finished_at_ms ? std::to_string(*t.finished_at_ms) : std::string(),
      t.result ? json_or_null(*t.result) : std::string(),
      t.error ? json_or_null(*t.error) : std::string(),
      std::to_string(t.created_at_ms),
      record.owner_identity,
      std::to_string(expected_version),
  };
}

ProcessDefinitionRecord decode_definition(const pqxx::row& row) {
  return {text(row[0]), text(row[1]), text(row[2]), number(row[3]), number(row[4])};
}

ProcessInstanceRecord decode_instance(const pqxx::row& row) {
  ProcessInstanceRecord record;
  record.id = text(row[0]);
  record.process_model_id = text(row[1]);
  record.process_model_hash = text(row[2]);
  record.correlation_id = text(row[3]);
  record.parent_process_instance_id = text(row[4]);
  record.owner_user_id = text(row[5]);
  record.owner_identity = text(row[6]);
  record.state = state<ProcessInstanceState>(row[7]);
  record.error = text(row[8]);
  record.version = number(row[9]);
  record.created_at_ms = number(row[10]);
  record.finished_at_ms = number(row[11]);
  record.runtime_state = text(row[12]);
  return record;
}

FlowNodeInstanceRecord decode_flow_node(const pqxx::row& row) {
  FlowNodeInstanceRecord record;
  record.id = text(row[0]);
  record.process_instance_id = text(row[1]);
  record.process_model_id = text(row[2]);
  record.correlation_id = text(row[3]);
  record.owner_user_id = text(row[4]);
  record.flow_node_id = text(row[5]);
  record.flow_node_name = text(row[6]);
  record.flow_node_type = text(row[7]);
  record.flow_node_lane = text(row[8]);
  record.event_type = text(row[9]);
  record.event_name = text(row[10]);
  record.state = state<FlowNodeState>(row[11]);
  record.previous_flow_node_instance_id = text(row[12]);
  record.token_on_enter = text(row[13]);
  record.token_on_exit = text(row[14]);
  record.error = text(row[15]);
  record.created_at_ms = number(row[16]);
  record.finished_at_ms = number(row[17]);
  return record;
}

TimerRecord decode_timer(const pqxx::row& row) {
  return {text(row[0]), text(row[1]), text(row[2]), number(row[3])};
}

CorrelationResultRecord decode_correlation_result(const pqxx::row& row) {
  CorrelationResultRecord record;
  record.correlation_id = text(row[0]);
  record.process_model_id = text(row[1]);
  record.process_instance_id = text(row[2]);
  record.end_event_id = text(row[3]);
  record.end_event_lane = text(row[4]);
  record.token_payload = text(row[5]);
  record.created_at_ms = number(row[6]);
  return record;
}

ExternalTaskRecord decode_external_task(const pqxx::row& row) {
  ExternalTaskRecord record;
  auto& t = record.task;
  t.id = text(row[0]);
  t.worker_id = text(row[1]);
  t.topic = text(row[2]);
  t.flow_node_instance_id = text(row[3]);
  t.correlation_id = text(row[4]);
  t.process_model_id = text(row[5]);
  t.process_instance_id = text(row[6]);
  t.payload = text(row[7]);
  t.lock_expiration_ms = number(row[8]);
  t.state = state<ExternalTaskState>(row[9]);
  if (!row[10].is_null()) t.finished_at_ms = number(row[10]);
  if (!row[11].is_null()) t.result = text(row[11]);
  if (!row[12].is_null()) t.error = text(row[12]);
  t.created_at_ms = number(row[13]);
  record.owner_identity = text(row[14]);
  record.version = number(row[15]);
  return record;
}

}  // namespace processhost::plugins::pg_store
