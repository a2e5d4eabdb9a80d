#include "camunda_requests.hpp"

#include <algorithm>
#include <charconv>
#include <utility>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace processhost::plugins::camunda_rest {
namespace {

Error bad_request(std::string message) { return make_error(ErrorStatus::bad_request, std::move(message)); }

std::string to_text(const rapidjson::Value& value) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  value.Accept(writer);
  return {buffer.GetString(), buffer.GetSize()};
}

Result<std::size_t> non_negative(std::string_view name, std::string_view text) {
  std::size_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || text.empty()) {
    return bad_request("Query parameter '" + std::string(name) + "' must be a non-negative integer.");
  }
  return value;
}

// The form fields Camunda Modeler and the REST reference send besides the resources.
constexpr std::string_view kDeploymentFields[] = {"deployment-name", "deployment-source", "deploy-changed-only",
                                                   "enable-duplicate-filtering", "tenant-id",
                                                   "deployment-activation-time"};

bool is_deployment_field(const FormPart& part) {
  return !part.filename && std::find(std::begin(kDeploymentFields), std::end(kDeploymentFields), part.name) !=
                               std::end(kDeploymentFields);
}

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

}  // namespace

Result<StartInstanceBody> parse_start_instance(std::string_view body, const JsonLimits& limits) {
  StartInstanceBody result;
  if (body.empty()) return result;
  rapidjson::Document document;
  if (auto error = json_parse(body, document, limits)) {
    return make_error(ErrorStatus::bad_request, "The request body is not valid JSON: " + error->message,
                      error->additional_information());
  }
  if (!document.IsObject()) return bad_request("The request body must be a JSON object.");
  for (const auto& field : document.GetObject()) {
    const std::string_view name(field.name.GetString(), field.name.GetStringLength());
    if (name == "variables" || name == "businessKey" || name == "withVariablesInReturn") continue;
    if (!field.value.IsNull() && !(field.value.IsBool() && !field.value.GetBool())) {
      return bad_request("'" + std::string(name) + "' is not supported by ProcessHost's /engine-rest.");
    }
  }
  if (auto key = document.FindMember("businessKey"); key != document.MemberEnd() && !key->value.IsNull()) {
    if (!key->value.IsString()) return bad_request("'businessKey' must be a string.");
    result.business_key = std::string(key->value.GetString(), key->value.GetStringLength());
  }
  bool echo = false;
  if (auto with = document.FindMember("withVariablesInReturn"); with != document.MemberEnd()) {
    if (!with->value.IsBool()) return bad_request("'withVariablesInReturn' must be a boolean.");
    echo = with->value.GetBool();
  }
  auto variables = document.FindMember("variables");
  if (variables == document.MemberEnd() || variables->value.IsNull()) {
    if (echo) result.variables = "{}";
    return result;
  }
  if (!variables->value.IsObject()) return bad_request("'variables' must be an object of variables.");
  rapidjson::Document token(rapidjson::kObjectType);
  auto& allocator = token.GetAllocator();
  for (auto& variable : variables->value.GetObject()) {
    const std::string name(variable.name.GetString(), variable.name.GetStringLength());
    if (!variable.value.IsObject()) return bad_request("Variable '" + name + "' must be an object with a 'value'.");
    rapidjson::Value value;  // null when absent, as Camunda treats it
    if (auto found = variable.value.FindMember("value"); found != variable.value.MemberEnd()) {
      value.CopyFrom(found->value, allocator);
    }
    auto type = variable.value.FindMember("type");
    const std::string type_name = type != variable.value.MemberEnd() && type->value.IsString()
                                      ? std::string(type->value.GetString(), type->value.GetStringLength())
                                      : std::string();
    if ((type_name == "Json" || type_name == "Object") && value.IsString()) {
      rapidjson::Document parsed(&allocator);
      if (json_parse(std::string_view(value.GetString(), value.GetStringLength()), parsed, limits)) {
        return bad_request("Variable '" + name + "' of type " + type_name + " does not hold valid JSON.");
      }
      value.CopyFrom(parsed, allocator);
    }
    token.AddMember(rapidjson::Value(name.c_str(), static_cast<rapidjson::SizeType>(name.size()), allocator),
                    value, allocator);
  }
  result.input_values = to_text(token);
  if (echo) result.variables = to_text(variables->value);
  return result;
}

Result<ListQuery> parse_list_query(const HttpRequest& request, const std::vector<std::string>& sortable) {
  ListQuery query;
  if (auto first = request.query_param("firstResult")) {
    auto value = non_negative("firstResult", *first);
    if (!value.ok()) return value.error();
    query.first_result = value.value();
  }
  if (auto max = request.query_param("maxResults")) {
    auto value = non_negative("maxResults", *max);
    if (!value.ok()) return value.error();
    query.max_results = value.value();
  }
  const auto sort_by = request.query_param("sortBy");
  const auto sort_order = request.query_param("sortOrder");
  if (sort_by.has_value() != sort_order.has_value()) {
    return bad_request("Only a single sorting parameter specified. sortBy and sortOrder required");
  }
  if (sort_by) {
    if (std::find(sortable.begin(), sortable.end(), *sort_by) == sortable.end()) {
      return bad_request("Cannot set query parameter 'sortBy' to value '" + std::string(*sort_by) + "'");
    }
    if (*sort_order != "asc" && *sort_order != "desc") {
      return bad_request("Cannot set query parameter 'sortOrder' to value '" + std::string(*sort_order) + "'");
    }
    query.sort_by = std::string(*sort_by);
    query.descending = *sort_order == "desc";
  }
  return query;
}

bool like(std::string_view text, std::string_view pattern) {
  // Greedy matching with one backtrack point (the last '%'): linear for patterns with a
  // single '%', and at most text x pattern steps otherwise, never exponential.
  std::size_t t = 0;
  std::size_t p = 0;
  std::size_t star = std::string_view::npos;
  std::size_t resume = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] != '%' && (pattern[p] == '_' || pattern[p] == text[t])) {
      ++t;
      ++p;
    } else if (p < pattern.size() && pattern[p] == '%') {
      star = p++;
      resume = t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '%') ++p;
  return p == pattern.size();
}

Result<std::optional<bool>> parse_bool_param(const HttpRequest& request, std::string_view name) {
  auto value = request.query_param(name);
  if (!value) return std::optional<bool>();
  if (*value == "true") return std::optional<bool>(true);
  if (*value == "false") return std::optional<bool>(false);
  return bad_request("Query parameter '" + std::string(name) + "' must be true or false.");
}

Result<DeploymentForm> read_deployment_form(std::vector<FormPart> parts) {
  std::vector<FormPart*> resources;
  for (auto& part : parts) {
    if (!is_deployment_field(part)) {
      resources.push_back(&part);
      continue;
    }
    if (part.name == "tenant-id" && !part.data.empty()) {
      return bad_request("ProcessHost has no tenants: send the deployment without 'tenant-id'.");
    }
    if (part.name == "deployment-activation-time" && !part.data.empty()) {
      return bad_request("ProcessHost activates a deployment at once: send it without 'deployment-activation-time'.");
    }
  }
  if (resources.empty()) return bad_request("The deployment contains no resource: add a BPMN file.");
  if (resources.size() > 1) {
    return bad_request("ProcessHost deploys one BPMN document per deployment; this one has " +
                       std::to_string(resources.size()) + " resources.");
  }
  auto& resource = *resources.front();
  DeploymentForm form{resource.filename.value_or(resource.name), std::move(resource.data)};
  if (!ends_with(form.resource_name, ".bpmn") && !ends_with(form.resource_name, ".bpmn20.xml") &&
      !ends_with(form.resource_name, ".xml")) {
    return bad_request("ProcessHost deploys BPMN documents only; '" + form.resource_name +
                       "' is not one (expected a .bpmn file).");
  }
  return form;
}

}  // namespace processhost::plugins::camunda_rest
