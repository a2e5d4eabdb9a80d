// camunda:inputOutput of an activity (docs/bpmn-support.md, "Input and output parameters"):
// input parameters extend the payload the activity runs with, output parameters its result.
#include <rapidjson/document.h>

#include "runtime/executor.hpp"

namespace processhost::engine {
namespace {

// object with member name set to value; an object that is not one becomes {} first.
JsonText with_member(const JsonText& object, const std::string& name, const JsonText& value) {
  rapidjson::Document document;
  if (document.Parse(object.data(), object.size()).HasParseError() || !document.IsObject()) document.SetObject();
  auto& allocator = document.GetAllocator();
  rapidjson::Document parsed;
  rapidjson::Value member_value;  // null when the value is undefined (empty)
  if (!value.empty() && !parsed.Parse(value.data(), value.size()).HasParseError()) {
    member_value.CopyFrom(parsed, allocator);
  }
  if (auto found = document.FindMember(name.c_str()); found != document.MemberEnd()) {
    found->value = std::move(member_value);
  } else {
    document.AddMember(rapidjson::Value(name.c_str(), allocator), std::move(member_value), allocator);
  }
  return json_to_string(document);
}

Error parameter_error(const FlowNode& node, const IoParameter& parameter, bool input, const Error& cause) {
  return make_error(ErrorStatus::internal, std::string(input ? "camunda:inputParameter" : "camunda:outputParameter") +
                                               " '" + parameter.name + "' of '" + node.id +
                                               "' could not be evaluated: " + cause.message);
}

}  // namespace

Result<JsonText> Executor::parameter_value(const Token& token, const FlowNode& node, const IoParameter& parameter) {
  if (!parameter.script) return parameter.constant;
  return run_expression(token, *parameter.script, node.id);
}

bool Executor::apply_input_parameters(Token& token, const FlowNode& node) {
  // One after the other, so a parameter sees the ones before it as variables.
  for (const auto& parameter : node.input_parameters) {
    auto value = parameter_value(token, node, parameter);
    if (!value) {
      fail(token, node, parameter_error(node, parameter, true, value.error()));
      return false;
    }
    token.payload = with_member(token.payload, parameter.name, value.value());
  }
  return true;
}

bool Executor::apply_output_parameters(const Token& token, const FlowNode& node, JsonText& history_entry,
                                       JsonText& payload) {
  // Evaluated over the activity's scope: the variables before it, what it ran with (its
  // input parameters among them) and its result, later ones winning. The view is not kept.
  Token view = token;
  std::erase_if(view.history, [&](const auto& entry) { return entry.first == node.id; });
  view.record(node.id + "#input", token.payload);
  view.record(node.id, history_entry);
  view.payload = payload;
  JsonText outputs = "{}";
  for (const auto& parameter : node.output_parameters) {
    auto value = parameter_value(view, node, parameter);
    if (!value) {
      fail(token, node, parameter_error(node, parameter, false, value.error()));
      return false;
    }
    outputs = with_member(outputs, parameter.name, value.value());
    view.payload = with_member(view.payload, parameter.name, value.value());
  }
  for (JsonText* target : {&history_entry, &payload}) {
    rapidjson::Document document;
    document.Parse(outputs.data(), outputs.size());
    JsonText merged = *target;
    for (const auto& member : document.GetObject()) {
      merged = with_member(merged, member.name.GetString(), json_to_string(member.value));
    }
    *target = std::move(merged);
  }
  return true;
}

}  // namespace processhost::engine
