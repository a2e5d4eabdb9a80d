#include "instance/instance_state.hpp"
#include "instance/runtime_state_extras.hpp"

#include <cstdint>
#include <string_view>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace processhost::engine {
namespace {


void write_key(Writer& writer, std::string_view name) {
  writer.Key(name.data(), static_cast<rapidjson::SizeType>(name.size()));
}

void write_text(Writer& writer, std::string_view name, std::string_view value) {
  write_key(writer, name);
  writer.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
}

void write_number(Writer& writer, std::string_view name, std::int64_t value) {
  write_key(writer, name);
  writer.Int64(value);
}

// Payloads and results are JSON text already: written as they are, not parsed again.
void write_json(Writer& writer, std::string_view name, const JsonText& json) {
  write_key(writer, name);
  writer.RawValue(json.data(), json.size(), rapidjson::kObjectType);
}

void write_history(Writer& writer, std::string_view name, const History& history) {
  write_key(writer, name);
  writer.StartArray();
  for (const auto& [node_id, result] : history) {
    writer.StartArray();
    writer.String(node_id.data(), static_cast<rapidjson::SizeType>(node_id.size()));
    writer.RawValue(result.data(), result.size(), rapidjson::kObjectType);
    writer.EndArray();
  }
  writer.EndArray();
}

const std::string& node_id(const InstanceState& state, std::size_t index) { return state.model->nodes[index].id; }

std::string member_text(const rapidjson::Value& object, const char* name) {
  auto found = object.FindMember(name);
  if (found == object.MemberEnd() || !found->value.IsString()) return {};
  return std::string(found->value.GetString(), found->value.GetStringLength());
}

std::int64_t member_int(const rapidjson::Value& object, const char* name) {
  auto found = object.FindMember(name);
  return found != object.MemberEnd() && found->value.IsInt64() ? found->value.GetInt64() : 0;
}

JsonText member_json(const rapidjson::Value& object, const char* name) {
  auto found = object.FindMember(name);
  return found == object.MemberEnd() ? JsonText("{}") : json_to_string(found->value);
}

History read_history(const rapidjson::Value& object, const char* name) {
  History history;
  auto found = object.FindMember(name);
  if (found == object.MemberEnd() || !found->value.IsArray()) return history;
  for (const auto& entry : found->value.GetArray()) {
    if (entry.IsArray() && entry.Size() == 2 && entry[0].IsString()) {
      history.emplace_back(entry[0].GetString(), json_to_string(entry[1]));
    }
  }
  return history;
}

const rapidjson::Value& array_member(const rapidjson::Value& object, const char* name) {
  static const rapidjson::Value kEmpty(rapidjson::kArrayType);
  auto found = object.FindMember(name);
  return found != object.MemberEnd() && found->value.IsArray() ? found->value : kEmpty;
}

}  // namespace

const Token* InstanceState::find_waiting(std::string_view flow_node_instance_id) const {
  for (const auto& token : waiting) {
    if (token.flow_node_instance_id == flow_node_instance_id) return &token;
  }
  return nullptr;
}

JsonText serialize_runtime_state(const InstanceState& state) {
  rapidjson::StringBuffer buffer;
  Writer writer(buffer);
  writer.StartObject();
  write_number(writer, "v", 1);
  write_number(writer, "nextScope", static_cast<std::int64_t>(state.next_scope_id));
  write_key(writer, "tokens");
  writer.StartArray();
  for (const auto& token : state.waiting) {
    writer.StartObject();
    write_text(writer, "node", node_id(state, token.node));
    write_text(writer, "fni", token.flow_node_instance_id);
    write_text(writer, "prev", token.previous_flow_node_instance_id);
    write_number(writer, "scope", static_cast<std::int64_t>(token.scope));
    write_number(writer, "at", token.entered_at_ms);
    write_json(writer, "payload", token.payload);
    if (!token.attached_to.empty()) write_text(writer, "attachedTo", token.attached_to);
    if (!token.timer_id.empty()) write_text(writer, "timer", token.timer_id);
    if (token.cycle_fired != 0) write_number(writer, "cycleFired", token.cycle_fired);
    if (token.cycle_anchor_ms != 0) write_number(writer, "cycleAnchor", token.cycle_anchor_ms);
    if (!token.child_instance_id.empty()) write_text(writer, "child", token.child_instance_id);
    if (token.loop != 0) write_number(writer, "loop", static_cast<std::int64_t>(token.loop));
    if (!token.loop_variables.empty()) write_json(writer, "loopVars", token.loop_variables);
    if (token.compensation != 0) write_number(writer, "compensation", static_cast<std::int64_t>(token.compensation));
    write_history(writer, "history", token.history);
    writer.EndObject();
  }
  writer.EndArray();
  write_key(writer, "joins");
  writer.StartArray();
  for (const auto& join : state.joins) {
    writer.StartObject();
    write_text(writer, "node", node_id(state, join.gateway));
    write_number(writer, "scope", static_cast<std::int64_t>(join.scope));
    write_text(writer, "prev", join.previous_flow_node_instance_id);
    write_history(writer, "arrived", join.arrived);
    write_history(writer, "history", join.history);
    writer.EndObject();
  }
  writer.EndArray();
  write_key(writer, "scopes");
  writer.StartArray();
  for (const auto& scope : state.scopes) {
    writer.StartObject();
    write_number(writer, "id", static_cast<std::int64_t>(scope.id));
    write_number(writer, "parent", static_cast<std::int64_t>(scope.parent_scope));
    write_text(writer, "node", node_id(state, scope.node));
    write_text(writer, "fni", scope.flow_node_instance_id);
    write_text(writer, "prev", scope.previous_flow_node_instance_id);
    write_number(writer, "at", scope.entered_at_ms);
    write_json(writer, "payload", scope.payload_on_enter);
    write_json(writer, "result", scope.result);
    if (scope.loop != 0) write_number(writer, "loop", static_cast<std::int64_t>(scope.loop));
    if (!scope.loop_variables.empty()) write_json(writer, "loopVars", scope.loop_variables);
    if (scope.compensation != 0) write_number(writer, "compensation", static_cast<std::int64_t>(scope.compensation));
    write_history(writer, "history", scope.parent_history);
    writer.EndObject();
  }
  writer.EndArray();
  if (!state.loops.empty()) {
    write_key(writer, "loops");
    writer.StartArray();
    for (const auto& loop : state.loops) {
      writer.StartObject();
      write_number(writer, "id", static_cast<std::int64_t>(loop.id));
      write_text(writer, "node", node_id(state, loop.node));
      write_number(writer, "scope", static_cast<std::int64_t>(loop.scope));
      write_text(writer, "fni", loop.flow_node_instance_id);
      write_text(writer, "prev", loop.previous_flow_node_instance_id);
      write_number(writer, "at", loop.entered_at_ms);
      write_json(writer, "payload", loop.payload);
      write_history(writer, "history", loop.history);
      write_key(writer, "items");
      writer.StartArray();
      for (const auto& item : loop.items) writer.RawValue(item.data(), item.size(), rapidjson::kObjectType);
      writer.EndArray();
      write_number(writer, "total", static_cast<std::int64_t>(loop.total));
      write_number(writer, "started", static_cast<std::int64_t>(loop.started));
      write_number(writer, "completed", static_cast<std::int64_t>(loop.completed));
      write_key(writer, "results");
      writer.StartArray();
      for (const auto& result : loop.results) writer.RawValue(result.data(), result.size(), rapidjson::kObjectType);
      writer.EndArray();
      writer.EndObject();
    }
    writer.EndArray();
  }
  if (!state.data.empty() || !state.compensable.empty() || !state.compensations.empty()) {
    write_compensation_and_data(writer, state);
  }
  writer.EndObject();
  return JsonText(buffer.GetString(), buffer.GetSize());
}

Status restore_runtime_state(InstanceState& state) {
  rapidjson::Document document;
  if (auto error = json_parse(state.record.runtime_state, document, JsonLimits::for_stored_data())) {
    return make_error(ErrorStatus::internal,
                      "runtime state of instance " + state.record.id + " is not JSON: " + error->message);
  }
  if (document.IsNull()) return Ok{};
  if (!document.IsObject()) {
    return make_error(ErrorStatus::internal, "runtime state of instance " + state.record.id + " is not an object");
  }
  auto node_index = [&](const rapidjson::Value& object) -> Result<std::size_t> {
    const auto id = member_text(object, "node");
    const auto index = state.model->index_of(id);
    if (index == kNoIndex) {
      return make_error(ErrorStatus::internal, "instance " + state.record.id + " refers to unknown node '" + id + "'");
    }
    return index;
  };
  state.next_scope_id = static_cast<std::uint64_t>(member_int(document, "nextScope"));
  for (const auto& item : array_member(document, "tokens").GetArray()) {
    Token token;
    auto index = node_index(item);
    if (!index) return std::move(index).take_error();
    token.node = *index;
    token.flow_node_instance_id = member_text(item, "fni");
    token.previous_flow_node_instance_id = member_text(item, "prev");
    token.scope = static_cast<std::uint64_t>(member_int(item, "scope"));
    token.entered_at_ms = member_int(item, "at");
    token.payload = member_json(item, "payload");
    token.history = read_history(item, "history");
    token.attached_to = member_text(item, "attachedTo");
    token.timer_id = member_text(item, "timer");
    token.cycle_fired = member_int(item, "cycleFired");
    token.cycle_anchor_ms = member_int(item, "cycleAnchor");
    token.child_instance_id = member_text(item, "child");
    token.loop = static_cast<std::uint64_t>(member_int(item, "loop"));
    if (item.HasMember("loopVars")) token.loop_variables = member_json(item, "loopVars");
    token.compensation = static_cast<std::uint64_t>(member_int(item, "compensation"));
    state.waiting.push_back(std::move(token));
  }
  for (const auto& item : array_member(document, "joins").GetArray()) {
    JoinState join;
    auto index = node_index(item);
    if (!index) return std::move(index).take_error();
    join.gateway = *index;
    join.scope = static_cast<std::uint64_t>(member_int(item, "scope"));
    join.previous_flow_node_instance_id = member_text(item, "prev");
    join.arrived = read_history(item, "arrived");
    join.history = read_history(item, "history");
    state.joins.push_back(std::move(join));
  }
  for (const auto& item : array_member(document, "scopes").GetArray()) {
    ScopeState scope;
    auto index = node_index(item);
    if (!index) return std::move(index).take_error();
    scope.node = *index;
    scope.id = static_cast<std::uint64_t>(member_int(item, "id"));
    scope.parent_scope = static_cast<std::uint64_t>(member_int(item, "parent"));
    scope.flow_node_instance_id = member_text(item, "fni");
    scope.previous_flow_node_instance_id = member_text(item, "prev");
    scope.entered_at_ms = member_int(item, "at");
    scope.payload_on_enter = member_json(item, "payload");
    scope.result = member_json(item, "result");
    scope.parent_history = read_history(item, "history");
    scope.loop = static_cast<std::uint64_t>(member_int(item, "loop"));
    if (item.HasMember("loopVars")) scope.loop_variables = member_json(item, "loopVars");
    scope.compensation = static_cast<std::uint64_t>(member_int(item, "compensation"));
    state.scopes.push_back(std::move(scope));
  }
  for (const auto& item : array_member(document, "loops").GetArray()) {
    LoopState loop;
    auto index = node_index(item);
    if (!index) return std::move(index).take_error();
    loop.node = *index;
    loop.id = static_cast<std::uint64_t>(member_int(item, "id"));
    loop.scope = static_cast<std::uint64_t>(member_int(item, "scope"));
    loop.flow_node_instance_id = member_text(item, "fni");
    loop.previous_flow_node_instance_id = member_text(item, "prev");
    loop.entered_at_ms = member_int(item, "at");
    loop.payload = member_json(item, "payload");
    loop.history = read_history(item, "history");
    for (const auto& value : array_member(item, "items").GetArray()) loop.items.push_back(json_to_string(value));
    loop.total = static_cast<std::size_t>(member_int(item, "total"));
    loop.started = static_cast<std::size_t>(member_int(item, "started"));
    loop.completed = static_cast<std::size_t>(member_int(item, "completed"));
    for (const auto& value : array_member(item, "results").GetArray()) loop.results.push_back(json_to_string(value));
    state.loops.push_back(std::move(loop));
  }
  auto read_compensable = [&](const rapidjson::Value& list, std::vector<CompensableActivity>& into) -> Status {
    for (const auto& item : list.GetArray()) {
      CompensableActivity activity;
      auto index = node_index(item);
      if (!index) return std::move(index).take_error();
      activity.node = *index;
      activity.scope = static_cast<std::uint64_t>(member_int(item, "scope"));
      activity.flow_node_instance_id = member_text(item, "fni");
      activity.payload = member_json(item, "payload");
      activity.history = read_history(item, "history");
      into.push_back(std::move(activity));
    }
    return Ok{};
  };
  state.data = read_history(document, "data");
  if (auto read = read_compensable(array_member(document, "compensable"), state.compensable); !read) return read;
  for (const auto& item : array_member(document, "compensations").GetArray()) {
    CompensationRun run;
    run.id = static_cast<std::uint64_t>(member_int(item, "id"));
    run.thrower_flow_node_instance_id = member_text(item, "thrower");
    if (auto read = read_compensable(array_member(item, "pending"), run.pending); !read) return read;
    state.compensations.push_back(std::move(run));
  }
  return Ok{};
}

}  // namespace processhost::engine
