#include "instance/runtime_state_extras.hpp"

#include <string_view>

namespace processhost::engine {
namespace {

void key(Writer& writer, std::string_view name) { writer.Key(name.data(), static_cast<rapidjson::SizeType>(name.size())); }

void text(Writer& writer, std::string_view name, std::string_view value) {
  key(writer, name);
  writer.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
}

void raw(Writer& writer, std::string_view name, const JsonText& json) {
  key(writer, name);
  writer.RawValue(json.data(), json.size(), rapidjson::kObjectType);
}

void history(Writer& writer, std::string_view name, const History& entries) {
  key(writer, name);
  writer.StartArray();
  for (const auto& [node_id, result] : entries) {
    writer.StartArray();
    writer.String(node_id.data(), static_cast<rapidjson::SizeType>(node_id.size()));
    writer.RawValue(result.data(), result.size(), rapidjson::kObjectType);
    writer.EndArray();
  }
  writer.EndArray();
}

void compensable(Writer& writer, const InstanceState& state, const std::vector<CompensableActivity>& list) {
  writer.StartArray();
  for (const auto& activity : list) {
    writer.StartObject();
    text(writer, "node", state.model->nodes[activity.node].id);
    key(writer, "scope");
    writer.Int64(static_cast<std::int64_t>(activity.scope));
    text(writer, "fni", activity.flow_node_instance_id);
    raw(writer, "payload", activity.payload);
    history(writer, "history", activity.history);
    writer.EndObject();
  }
  writer.EndArray();
}

}  // namespace

void write_compensation_and_data(Writer& writer, const InstanceState& state) {
  if (!state.data.empty()) history(writer, "data", state.data);
  if (!state.compensable.empty()) {
    key(writer, "compensable");
    compensable(writer, state, state.compensable);
  }
  if (state.compensations.empty()) return;
  key(writer, "compensations");
  writer.StartArray();
  for (const auto& run : state.compensations) {
    writer.StartObject();
    key(writer, "id");
    writer.Int64(static_cast<std::int64_t>(run.id));
    text(writer, "thrower", run.thrower_flow_node_instance_id);
    key(writer, "pending");
    compensable(writer, state, run.pending);
    writer.EndObject();
  }
  writer.EndArray();
}

}  // namespace processhost::engine
