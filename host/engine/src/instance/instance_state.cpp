#include "instance/instance_state.hpp"

#include <charconv>

namespace processhost::engine {
namespace {

// Appends text as a JSON string. Ids and node ids rarely need escaping: those are copied
// as they are; anything else goes through json_quote.
void append_quoted(std::string& text, std::string_view value) {
  bool plain = true;
  for (const char c : value) {  // no early exit: the compiler vectorises this loop
    plain &= c != '"' && c != '\\' && static_cast<unsigned char>(c) >= 0x20;
  }
  if (!plain) {
    text += json_quote(value);
    return;
  }
  text += '"';
  text += value;
  text += '"';
}

void append_number(std::string& text, std::int64_t value) {
  char digits[24];
  const auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
  text.append(digits, end);
}

void append_history(std::string& text, const History& history) {
  text += '[';
  bool first = true;
  for (const auto& [node_id, result] : history) {
    if (!first) text += ',';
    first = false;
    text += '[';
    append_quoted(text, node_id);
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
  // Appended in place: this runs on every commit of a waiting instance.
  std::string text;
  text.reserve(256);
  text += "{\"v\":1,\"nextScope\":";
  append_number(text, static_cast<std::int64_t>(state.next_scope_id));
  text += ",\"tokens\":[";
  bool first = true;
  for (const auto& token : state.waiting) {
    if (!first) text += ',';
    first = false;
    text += "{\"node\":";
    append_quoted(text, node_id(state, token.node));
    text += ",\"fni\":";
    append_quoted(text, token.flow_node_instance_id);
    text += ",\"prev\":";
    append_quoted(text, token.previous_flow_node_instance_id);
    text += ",\"scope\":";
    append_number(text, static_cast<std::int64_t>(token.scope));
    text += ",\"at\":";
    append_number(text, token.entered_at_ms);
    text += ",\"payload\":";
    text += token.payload;
    if (!token.attached_to.empty()) {
      text += ",\"attachedTo\":";
      append_quoted(text, token.attached_to);
    }
    if (!token.timer_id.empty()) {
      text += ",\"timer\":";
      append_quoted(text, token.timer_id);
    }
    if (!token.child_instance_id.empty()) {
      text += ",\"child\":";
      append_quoted(text, token.child_instance_id);
    }
    text += ",\"history\":";
    append_history(text, token.history);
    text += '}';
  }
  text += "],\"joins\":[";
  first = true;
  for (const auto& join : state.joins) {
    if (!first) text += ',';
    first = false;
    text += "{\"node\":";
    append_quoted(text, node_id(state, join.gateway));
    text += ",\"scope\":";
    append_number(text, static_cast<std::int64_t>(join.scope));
    text += ",\"prev\":";
    append_quoted(text, join.previous_flow_node_instance_id);
    text += ",\"arrived\":";
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
    text += "{\"id\":";
    append_number(text, static_cast<std::int64_t>(scope.id));
    text += ",\"parent\":";
    append_number(text, static_cast<std::int64_t>(scope.parent_scope));
    text += ",\"node\":";
    append_quoted(text, node_id(state, scope.node));
    text += ",\"fni\":";
    append_quoted(text, scope.flow_node_instance_id);
    text += ",\"prev\":";
    append_quoted(text, scope.previous_flow_node_instance_id);
    text += ",\"at\":";
    append_number(text, scope.entered_at_ms);
    text += ",\"payload\":";
    text += scope.payload_on_enter;
    text += ",\"result\":";
    text += scope.result;
    text += ",\"history\":";
    append_history(text, scope.parent_history);
    text += '}';
  }
  text += "]}";
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
