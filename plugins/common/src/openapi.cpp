#include "plugin_common/http_api/openapi.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <stdexcept>

#include "processhost/json.hpp"

namespace processhost::plugins::http_api {
namespace {

using rapidjson::Value;
using Allocator = rapidjson::Document::AllocatorType;

Value text(std::string_view value, Allocator& allocator) {
  return Value(value.data(), static_cast<rapidjson::SizeType>(value.size()), allocator);
}

void add(Value& object, std::string_view name, Value value, Allocator& allocator) {
  object.AddMember(text(name, allocator), value, allocator);
}

Value schema_ref(std::string_view schema, Allocator& allocator) {
  Value ref(rapidjson::kObjectType);
  add(ref, "$ref", text("#/components/schemas/" + std::string(schema), allocator), allocator);
  return ref;
}

Value content_of(std::string_view media_type, std::string_view schema, Allocator& allocator) {
  Value media(rapidjson::kObjectType);
  add(media, "schema", schema_ref(schema, allocator), allocator);
  Value content(rapidjson::kObjectType);
  add(content, media_type, std::move(media), allocator);
  return content;
}

Value json_content(std::string_view schema, Allocator& allocator) {
  return content_of("application/json", schema, allocator);
}

Value parameter(std::string_view name, std::string_view in, std::string_view type, bool required,
                std::string_view description, Allocator& allocator) {
  Value param(rapidjson::kObjectType);
  add(param, "name", text(name, allocator), allocator);
  add(param, "in", text(in, allocator), allocator);
  add(param, "required", Value(required), allocator);
  if (!description.empty()) add(param, "description", text(description, allocator), allocator);
  Value schema(rapidjson::kObjectType);
  add(schema, "type", text(type, allocator), allocator);
  if (type == "integer") add(schema, "minimum", Value(0), allocator);
  add(param, "schema", std::move(schema), allocator);
  return param;
}

std::string_view status_description(int status) {
  static const std::map<int, std::string_view> kDescriptions{
      {200, "OK"},
      {204, "Done; no body"},
      {400, "Bad request: invalid parameter, body or Authorization header (several values)"},
      {401, "No auth token provided, or the token could not be verified"},
      {403, "The identity lacks a claim (named in additionalInformation) or the lane claim"},
      {404, "Not found"},
      {409, "Conflict: the process model exists and overwriting was not asked for"},
      {410, "The external task is already finished"},
      {422, "The BPMN document is invalid; additionalInformation lists every problem"},
      {423, "The external task is locked by another worker"},
      {500, "The process failed while the call waited, or an unexpected error"},
      {503, "The store or the API is unavailable; retry later"},
  };
  auto found = kDescriptions.find(status);
  return found == kDescriptions.end() ? std::string_view("Error") : found->second;
}

Value operation(const RouteDoc& route, std::string_view claim_note, Allocator& allocator) {
  Value op(rapidjson::kObjectType);
  add(op, "operationId", text(route.operation_id, allocator), allocator);
  Value tags(rapidjson::kArrayType);
  tags.PushBack(text(route.tag, allocator), allocator);
  add(op, "tags", std::move(tags), allocator);
  add(op, "summary", text(route.summary, allocator), allocator);
  if (!route.required_claim.empty()) {
    add(op, "description",
        text("Requires the claim '" + route.required_claim + "'." + std::string(claim_note), allocator), allocator);
    add(op, "x-required-claim", text(route.required_claim, allocator), allocator);
  }
  if (route.deprecated) add(op, "deprecated", Value(true), allocator);
  Value security(rapidjson::kArrayType);
  if (route.authenticated) {
    Value requirement(rapidjson::kObjectType);
    add(requirement, "bearerAuth", Value(rapidjson::kArrayType), allocator);
    security.PushBack(requirement, allocator);
  }
  add(op, "security", std::move(security), allocator);

  Value parameters(rapidjson::kArrayType);
  for (const auto& name : path_parameters(route.pattern)) {
    parameters.PushBack(parameter(name, "path", "string", true, "", allocator), allocator);
  }
  for (const auto& query : route.query) {
    parameters.PushBack(parameter(query.name, "query", query.type, query.required, query.description, allocator),
                        allocator);
  }
  if (route.paged) {
    parameters.PushBack(parameter("offset", "query", "integer", false, "Items to skip (default 0)", allocator),
                        allocator);
    parameters.PushBack(
        parameter("limit", "query", "integer", false, "Most items to return; 0 = all (default 0)", allocator),
        allocator);
  }
  if (route.authenticated) {
    parameters.PushBack(parameter("Authorization", "header", "string", false,
                                  "Bearer <token>; required when an identity service is loaded", allocator),
                        allocator);
  }
  add(op, "parameters", std::move(parameters), allocator);

  if (!route.request_schema.empty()) {
    Value body(rapidjson::kObjectType);
    add(body, "required", Value(route.request_required), allocator);
    add(body, "content", content_of(route.request_media_type, route.request_schema, allocator), allocator);
    add(op, "requestBody", std::move(body), allocator);
  }

  Value responses(rapidjson::kObjectType);
  for (int status : route_statuses(route)) {
    Value response(rapidjson::kObjectType);
    add(response, "description", text(status_description(status), allocator), allocator);
    if (status == route.success_status) {
      if (!route.response_schema.empty()) add(response, "content", json_content(route.response_schema, allocator), allocator);
    } else {
      add(response, "content", json_content("Error", allocator), allocator);
    }
    add(responses, std::to_string(status), std::move(response), allocator);
  }
  add(op, "responses", std::move(responses), allocator);
  return op;
}

std::string lower(std::string_view method) {
  std::string result(method);
  std::transform(result.begin(), result.end(), result.begin(), [](unsigned char c) { return std::tolower(c); });
  return result;
}

}  // namespace

std::string openapi_path(std::string_view pattern) {
  std::string path;
  std::size_t position = 0;
  while (position < pattern.size()) {
    std::size_t end = pattern.find('/', position + 1);
    if (end == std::string_view::npos) end = pattern.size();
    std::string_view segment = pattern.substr(position, end - position);  // includes the leading '/'
    if (segment.size() > 1 && segment[1] == ':') {
      path += "/{" + std::string(segment.substr(2)) + "}";
    } else {
      path += segment;
    }
    position = end;
  }
  return path;
}

std::vector<std::string> path_parameters(std::string_view pattern) {
  std::vector<std::string> names;
  std::size_t position = 0;
  while ((position = pattern.find("/:", position)) != std::string_view::npos) {
    std::size_t end = pattern.find('/', position + 1);
    if (end == std::string_view::npos) end = pattern.size();
    names.emplace_back(pattern.substr(position + 2, end - position - 2));
    position = end;
  }
  return names;
}

std::vector<int> route_statuses(const RouteDoc& route) {
  std::vector<int> statuses{route.success_status};
  statuses.insert(statuses.end(), route.error_statuses.begin(), route.error_statuses.end());
  if (route.paged) statuses.push_back(400);
  if (route.authenticated) {
    statuses.insert(statuses.end(), {400, 401});
    if (!route.required_claim.empty()) statuses.push_back(403);
  }
  statuses.insert(statuses.end(), {500, 503});
  std::sort(statuses.begin(), statuses.end());
  statuses.erase(std::unique(statuses.begin(), statuses.end()), statuses.end());
  return statuses;
}

std::string build_openapi_document(const std::vector<const RouteDoc*>& routes, const OpenApiInfo& api) {
  rapidjson::Document document(rapidjson::kObjectType);
  auto& allocator = document.GetAllocator();
  rapidjson::Document components;
  if (auto error = json_parse(api.components, components)) {
    throw std::logic_error("OpenAPI components are not valid JSON: " + error->message);
  }
  if (!api.extra_schemas.empty()) {
    rapidjson::Document extra;
    if (auto error = json_parse(api.extra_schemas, extra)) {
      throw std::logic_error("extra OpenAPI schemas are not valid JSON: " + error->message);
    }
    Value& target = components["schemas"];
    for (auto& member : extra.GetObject()) {
      target.RemoveMember(member.name.GetString());
      target.AddMember(Value(member.name, components.GetAllocator()), Value(member.value, components.GetAllocator()),
                       components.GetAllocator());
    }
  }
  const Value& schemas = components["schemas"];
  for (const RouteDoc* route_doc : routes) {
    const RouteDoc& route = *route_doc;
    for (const std::string* schema : {&route.request_schema, &route.response_schema}) {
      if (!schema->empty() && !schemas.HasMember(schema->c_str())) {
        throw std::logic_error("route " + route.operation_id + " names the unknown schema " + *schema);
      }
    }
  }

  add(document, "openapi", text("3.0.3", allocator), allocator);
  Value info(rapidjson::kObjectType);
  add(info, "title", text(api.title, allocator), allocator);
  add(info, "version", text(api.version, allocator), allocator);
  add(info, "description", text(api.description, allocator), allocator);
  add(document, "info", std::move(info), allocator);

  Value paths(rapidjson::kObjectType);
  for (const RouteDoc* route : routes) {
    const std::string path = openapi_path(route->pattern);
    auto item = paths.FindMember(path.c_str());
    if (item == paths.MemberEnd()) {
      add(paths, path, Value(rapidjson::kObjectType), allocator);
      item = paths.FindMember(path.c_str());
    }
    add(item->value, lower(route->method), operation(*route, api.claim_note, allocator), allocator);
  }
  add(document, "paths", std::move(paths), allocator);
  Value copied(components, allocator);
  add(document, "components", std::move(copied), allocator);
  return json_to_string(document);
}

}  // namespace processhost::plugins::http_api
