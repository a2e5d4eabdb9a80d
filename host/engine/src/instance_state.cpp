#include "instance_state.hpp"

namespace processhost::engine {
namespace {

void append_history(std::string& text, const History& history) {
  text += '[';
  bool first = true;
  for (const auto& [node_id, result] : history) {
    if (!first) text += ',';
    first = false;
    text += '[';
    text += json_quote(node_id);
    text += ',';
    text += result;
    text += ']';
  }
  text += ']';
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
  std::string text = "{\"v\":1,\"nextScope\":" + std::to_string(state.next_scope_id) + ",\"tokens\":[";
  bool first = true;
  for (const auto& token : state.waiting) {
    if (!first) text += ',';
    first = false;
    text += "{\"node\":" + json_quote(node_id(state, token.node)) + ",\"fni\":" +
            json_quote(token.flow_node_instance_id) + ",\"prev\":" + json_quote(token.previous_flow_node_instance_id) +
            ",\"scope\":" + std::to_string(token.scope) + ",\"at\":" + std::to_string(token.entered_at_ms) +
            ",\"payload\":" + token.payload;
    if (!token.attached_to.empty()) text += ",\"attachedTo\":" + json_quote(token.attached_to);
    if (!token.timer_id.empty()) text += ",\"timer\":" + json_quote(token.timer_id);
    if (!token.child_instance_id.empty()) text += ",\"child\":" + json_quote(token.child_instance_id);
    text += ",\"history\":";
    append_history(text, token.history);
    text += '}';
  }
  text += "],\"joins\":[";
  first = true;
  for (const auto& join : state.joins) {
    if (!first) text += ',';
    first = false;
    text += "{\"node\":" + json_quote(node_id(state, join.gateway)) + ",\"scope\":" + std::to_string(join.scope) +
            ",\"prev\":" + json_quote(join.previous_flow_node_instance_id) + ",\"arrived\":";
    append_history(text, join.arrived);
    text += ",\"history\":";
    append_history(text, join.history);
    text += '}';
  }
  text += "],\"scopes\":[";
  first = true;
  for (const auto& scope : state.scopes) {
    if (!first) text += ',';
    first = false;
    text += "{\"id\":" + std::to_string(scope.id) + ",\"parent\":" + std::to_string(scope.parent_scope) +
            ",\"node\":" + json_quote(node_id(state, scope.node)) + ",\"fni\":" +
            json_quote(scope.flow_node_instance_id) + ",\"prev\":" + json_quote(scope.previous_flow_node_instance_id) +
            ",\"at\":" + std::to_string(scope.entered_at_ms) + ",\"payload\":" + scope.payload_on_enter +
            ",\"result\":" + scope.result + ",\"history\":";
    append_history(text, scope.parent_history);
    text += '}';
  }
  text += "]}";
  return text;
}

Status restore_runtime_state(InstanceState& state) {
  rapidjson::Document document;
  if (auto error = json_parse(state.record.runtime_state, document)) {
    return make_error(ErrorStatus::internal, "runtime state of instance " + state.record.id + " is not JSON: " + *error);
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
    token.child_instance_id = member_text(item, "child");
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
    state.scopes.push_back(std::move(scope));
  }
  return Ok{};
}

}  // namespace processhost::engine
