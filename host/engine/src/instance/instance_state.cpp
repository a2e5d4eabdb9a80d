#include "instance/instance_state.hpp"
#include "instance/runtime_state_extras.hpp"

#include <cstdint>
#include <string_view>

namespace processhost::engine {
namespace {

// Keys and separators are literals (the order of members is fixed); values go through the
// writer's escaping. Payloads and results are JSON text already: written as they are, not
// parsed again.
void write_history(Writer& writer, const History& history) {
  writer.literal("[");
  bool first = true;
  for (const auto& [node_id, result] : history) {
    if (!first) writer.literal(",");
    first = false;
    writer.literal("[");
    writer.quoted(node_id);
    writer.literal(",");
    writer.raw(result);
    writer.literal("]");
  }
  writer.literal("]");
}

void write_raw_list(Writer& writer, const std::vector<JsonText>& values) {
  writer.literal("[");
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i) writer.literal(",");
    writer.raw(values[i]);
  }
  writer.literal("]");
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

// What the state's text will take at least: its payloads and results, plus room for the ids
// and keys around them, so that the text is mostly written without growing its string.
std::size_t expected_size(const InstanceState& state) {
  std::size_t size = 64;
  auto add_history = [&](const History& history) {
    for (const auto& [node_id, result] : history) size += node_id.size() + result.size() + 8;
  };
  for (const auto& token : state.waiting) {
    size += 192 + token.payload.size() + token.loop_variables.size();
    add_history(token.history);
  }
  for (const auto& scope : state.scopes) {
    size += 192 + scope.payload_on_enter.size() + scope.result.size();
    add_history(scope.parent_history);
  }
  return size;
}

JsonText serialize_runtime_state(const InstanceState& state) {
  JsonText text;
  Writer writer(text, expected_size(state));
  writer.literal("{\"v\":1,\"nextScope\":");
  writer.number(static_cast<std::int64_t>(state.next_scope_id));
  writer.literal(",\"tokens\":[");
  for (std::size_t i = 0; i < state.waiting.size(); ++i) {
    const auto& token = state.waiting[i];
    if (i) writer.literal(",");
    writer.literal("{\"node\":");
    writer.quoted(node_id(state, token.node));
    writer.literal(",\"fni\":");
    writer.quoted(token.flow_node_instance_id);
    writer.literal(",\"prev\":");
    writer.quoted(token.previous_flow_node_instance_id);
    writer.literal(",\"scope\":");
    writer.number(static_cast<std::int64_t>(token.scope));
    writer.literal(",\"at\":");
    writer.number(token.entered_at_ms);
    writer.literal(",\"payload\":");
    writer.raw(token.payload);
    if (!token.attached_to.empty()) {
      writer.literal(",\"attachedTo\":");
      writer.quoted(token.attached_to);
    }
    if (!token.timer_id.empty()) {
      writer.literal(",\"timer\":");
      writer.quoted(token.timer_id);
    }
    if (token.cycle_fired != 0) {
      writer.literal(",\"cycleFired\":");
      writer.number(token.cycle_fired);
    }
    if (token.cycle_anchor_ms != 0) {
      writer.literal(",\"cycleAnchor\":");
      writer.number(token.cycle_anchor_ms);
    }
    if (!token.child_instance_id.empty()) {
      writer.literal(",\"child\":");
      writer.quoted(token.child_instance_id);
    }
    if (token.loop != 0) {
      writer.literal(",\"loop\":");
      writer.number(static_cast<std::int64_t>(token.loop));
    }
    if (!token.loop_variables.empty()) {
      writer.literal(",\"loopVars\":");
      writer.raw(token.loop_variables);
    }
    if (token.compensation != 0) {
      writer.literal(",\"compensation\":");
      writer.number(static_cast<std::int64_t>(token.compensation));
    }
    writer.literal(",\"history\":");
    write_history(writer, token.history);
    writer.literal("}");
  }
  writer.literal("],\"joins\":[");
  for (std::size_t i = 0; i < state.joins.size(); ++i) {
    const auto& join = state.joins[i];
    if (i) writer.literal(",");
    writer.literal("{\"node\":");
    writer.quoted(node_id(state, join.gateway));
    writer.literal(",\"scope\":");
    writer.number(static_cast<std::int64_t>(join.scope));
    writer.literal(",\"prev\":");
    writer.quoted(join.previous_flow_node_instance_id);
    writer.literal(",\"arrived\":");
    write_history(writer, join.arrived);
    writer.literal(",\"history\":");
    write_history(writer, join.history);
    writer.literal("}");
  }
  writer.literal("],\"scopes\":[");
  for (std::size_t i = 0; i < state.scopes.size(); ++i) {
    const auto& scope = state.scopes[i];
    if (i) writer.literal(",");
    writer.literal("{\"id\":");
    writer.number(static_cast<std::int64_t>(scope.id));
    writer.literal(",\"parent\":");
    writer.number(static_cast<std::int64_t>(scope.parent_scope));
    writer.literal(",\"node\":");
    writer.quoted(node_id(state, scope.node));
    writer.literal(",\"fni\":");
    writer.quoted(scope.flow_node_instance_id);
    writer.literal(",\"prev\":");
    writer.quoted(scope.previous_flow_node_instance_id);
    writer.literal(",\"at\":");
    writer.number(scope.entered_at_ms);
    writer.literal(",\"payload\":");
    writer.raw(scope.payload_on_enter);
    writer.literal(",\"result\":");
    writer.raw(scope.result);
    if (scope.loop != 0) {
      writer.literal(",\"loop\":");
      writer.number(static_cast<std::int64_t>(scope.loop));
    }
    if (!scope.loop_variables.empty()) {
      writer.literal(",\"loopVars\":");
      writer.raw(scope.loop_variables);
    }
    if (scope.compensation != 0) {
      writer.literal(",\"compensation\":");
      writer.number(static_cast<std::int64_t>(scope.compensation));
    }
    writer.literal(",\"history\":");
    write_history(writer, scope.parent_history);
    writer.literal("}");
  }
  writer.literal("]");
  if (!state.loops.empty()) {
    writer.literal(",\"loops\":[");
    for (std::size_t i = 0; i < state.loops.size(); ++i) {
      const auto& loop = state.loops[i];
      if (i) writer.literal(",");
      writer.literal("{\"id\":");
      writer.number(static_cast<std::int64_t>(loop.id));
      writer.literal(",\"node\":");
      writer.quoted(node_id(state, loop.node));
      writer.literal(",\"scope\":");
      writer.number(static_cast<std::int64_t>(loop.scope));
      writer.literal(",\"fni\":");
      writer.quoted(loop.flow_node_instance_id);
      writer.literal(",\"prev\":");
      writer.quoted(loop.previous_flow_node_instance_id);
      writer.literal(",\"at\":");
      writer.number(loop.entered_at_ms);
      writer.literal(",\"payload\":");
      writer.raw(loop.payload);
      writer.literal(",\"history\":");
      write_history(writer, loop.history);
      writer.literal(",\"items\":");
      write_raw_list(writer, loop.items);
      writer.literal(",\"total\":");
      writer.number(static_cast<std::int64_t>(loop.total));
      writer.literal(",\"started\":");
      writer.number(static_cast<std::int64_t>(loop.started));
      writer.literal(",\"completed\":");
      writer.number(static_cast<std::int64_t>(loop.completed));
      writer.literal(",\"results\":");
      write_raw_list(writer, loop.results);
      writer.literal("}");
    }
    writer.literal("]");
  }
  if (!state.data.empty() || !state.compensable.empty() || !state.compensations.empty()) {
    writer.continue_written_object();
    write_compensation_and_data(writer, state);
    writer.end_written_object();
  }
  writer.literal("}");
  writer.finish();
  return text;
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
