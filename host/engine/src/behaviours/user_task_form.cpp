#include "behaviours/user_task_form.hpp"

#include <rapidjson/document.h>

#include <cctype>

namespace processhost::engine {
namespace {

// "a, b,c" -> ["a","b","c"]: candidate users and groups are comma-separated lists.
JsonText comma_list(std::string_view text) {
  JsonText out = "[";
  while (!text.empty()) {
    const auto comma = text.find(',');
    std::string_view item = text.substr(0, comma);
    while (!item.empty() && std::isspace(static_cast<unsigned char>(item.front()))) item.remove_prefix(1);
    while (!item.empty() && std::isspace(static_cast<unsigned char>(item.back()))) item.remove_suffix(1);
    if (!item.empty()) out += (out.size() > 1 ? "," : "") + json_quote(item);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return out + "]";
}

bool is_whole_number(std::string_view text) {
  if (!text.empty() && text.front() == '-') text.remove_prefix(1);
  if (text.empty() || text.size() > 15) return false;
  for (char c : text) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

// An assignment attribute's value: candidates as an array, a numeric priority as a number.
JsonText assignment_value(const std::string& name, const std::string& text) {
  if (name == "candidateUsers" || name == "candidateGroups") return comma_list(text);
  if (name == "priority" && is_whole_number(text)) return text;
  return json_quote(text);
}

}  // namespace

Result<UserTaskConfig> evaluate_user_task(const std::string& process_model_id, const FlowNode& node,
                                          const ExpressionEvaluator& evaluate, const std::string& extra_members) {
  UserTaskConfig config;
  for (const auto& definition : node.form_fields) {
    FormField field;
    field.id = definition.id;
    field.type = definition.type;
    field.enum_values.reserve(definition.enum_values.size());
    for (const auto& [id, name] : definition.enum_values) field.enum_values.push_back({id, name});
    for (const auto& [name, config] : definition.validation) field.validation.push_back({name, config});
    std::optional<Error> failure;
    auto value_of = [&](const std::optional<ExpressionValue>& value) -> std::optional<JsonText> {
      if (!value) return std::nullopt;
      if (!value->script) return json_quote(value->text);
      auto result = evaluate(*value->script, node.id);
      if (result) return std::move(result.value());
      Error error = make_error(ErrorStatus::internal, "The configuration for FormField " + definition.id +
                                                          " is invalid!");
      const std::string validation = "Cannot evaluate expression '" + value->text +
                                     "' because the ProcessToken is missing some required properties: " +
                                     result.error().message;
      error.additional_information = "{\"processModelId\":" + json_quote(process_model_id) + ",\"userTaskId\":" +
                                     json_quote(node.id) + ",\"invalidFormFieldId\":" + json_quote(definition.id) +
                                     ",\"validationError\":" + json_quote(validation) +
                                     (extra_members.empty() ? "" : "," + extra_members) + "}";
      if (!failure) failure = std::move(error);
      return std::nullopt;
    };
    field.label = value_of(definition.label);
    field.default_value = value_of(definition.default_value);
    field.preferred_control = value_of(definition.preferred_control);
    if (failure) return std::move(*failure);
    config.form_fields.push_back(std::move(field));
  }
  for (const auto& [name, value] : node.assignment) {
    if (!value.script) {
      config.assignment.emplace_back(name, assignment_value(name, value.text));
      continue;
    }
    auto result = evaluate(*value.script, node.id);
    if (!result) {
      return make_error(ErrorStatus::internal, "The camunda:" + name + " '" + value.text + "' of UserTask " + node.id +
                                                   " is invalid: " + result.error().message);
    }
    JsonText evaluated = std::move(result.value());
    // An expression giving "a,b" for candidates is such a list too.
    if (evaluated.starts_with('"') && (name == "candidateUsers" || name == "candidateGroups")) {
      rapidjson::Document text;
      if (!text.Parse(evaluated.data(), evaluated.size()).HasParseError() && text.IsString()) {
        evaluated = comma_list(std::string_view(text.GetString(), text.GetStringLength()));
      }
    }
    config.assignment.emplace_back(name, evaluated.empty() ? JsonText("null") : std::move(evaluated));
  }
  if (const auto* value = node.property("preferredControl")) config.preferred_control = *value;
  if (const auto* value = node.property("description")) config.description = *value;
  if (const auto* value = node.property("finishedMessage")) config.finished_message = *value;
  return config;
}

}  // namespace processhost::engine
