#include "behaviours/user_task_form.hpp"

namespace processhost::engine {

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
  if (const auto* value = node.property("preferredControl")) config.preferred_control = *value;
  if (const auto* value = node.property("description")) config.description = *value;
  if (const auto* value = node.property("finishedMessage")) config.finished_message = *value;
  return config;
}

}  // namespace processhost::engine
