#include <algorithm>
#include <memory>
#include <tuple>
#include <utility>

#include "management_api_routes.hpp"
#include "model_versions.hpp"
#include "plugin_common/http_api/json_mapping.hpp"
#include "plugin_common/http_api/json_writer.hpp"
#include "plugin_common/http_api/respond.hpp"
#include "plugin_common/http_api/route_dispatch.hpp"
#include "plugin_common/http_api/route_groups.hpp"

namespace processhost::plugins::management_api {

using namespace http_api;  // NOLINT(google-build-using-namespace): the shared API code

const char* const kModelVersionSchemas = R"json(
  "ProcessModelVersion": {"type": "object", "required": ["version", "hash", "latest", "deleted"], "properties": {
    "version": {"type": "integer", "description": "1 for the oldest stored deployment, then in deployment order"},
    "hash": {"type": "string", "description": "Content hash of the version; instances name the version they run by it"},
    "deployedAt": {"type": "string", "format": "date-time"},
    "latest": {"type": "boolean", "description": "The version new instances start on"},
    "deleted": {"type": "boolean", "description": "The model was deleted; the version stays for its running instances"}}},
  "ProcessModelVersionList": {"type": "object", "required": ["versions", "totalCount"], "properties": {
    "versions": {"type": "array", "items": {"$ref": "#/components/schemas/ProcessModelVersion"}},
    "totalCount": {"type": "integer"}}},)json";

std::vector<ModelVersion> model_versions(const std::string& process_model_id,
                                         const std::vector<ProcessDefinitionRecord>& definitions,
                                         const std::string& latest_hash) {
  std::vector<const ProcessDefinitionRecord*> of_model;
  for (const auto& definition : definitions) {
    if (definition.process_model_id == process_model_id) of_model.push_back(&definition);
  }
  // Deployment times strictly increase, so the order is the deployment order.
  std::sort(of_model.begin(), of_model.end(), [](const auto* a, const auto* b) {
    return std::tie(a->deployed_at_ms, a->hash) < std::tie(b->deployed_at_ms, b->hash);
  });
  std::vector<ModelVersion> versions;
  for (const auto* definition : of_model) {
    versions.push_back({static_cast<int>(versions.size()) + 1, definition->hash, definition->deployed_at_ms,
                        definition->hash == latest_hash && definition->deleted_at_ms == 0,
                        definition->deleted_at_ms != 0});
  }
  return versions;
}

std::string model_version_list_json(const std::vector<ModelVersion>& versions) {
  return json_writer::render([&](json_writer::Writer& writer) {
    json_writer::list(writer, "versions", versions, versions.size(), [](json_writer::Writer& out, const ModelVersion& v) {
      out.StartObject();
      json_writer::key(out, "version");
      out.Int(v.number);
      json_writer::field(out, "hash", v.hash);
      if (v.deployed_at_ms != 0) json_writer::field(out, "deployedAt", iso8601_utc(v.deployed_at_ms));
      json_writer::key(out, "latest");
      out.Bool(v.latest);
      json_writer::key(out, "deleted");
      out.Bool(v.deleted);
      out.EndObject();
    });
  });
}

RouteHandler model_versions_handler() {
  return [](RouteCall& call) {
    const std::string id(call.request.param("process_model_id"));
    // Asked as the caller first: an unknown model is 404, one whose lanes the caller may not
    // see 403, as for the model itself.
    call.state->engine->get_process_model(
        call.identity, id, [state = call.state, responder = call.responder, id](Result<ProcessModelInfo> model) {
          if (!model.ok()) return responder->respond(error_response(model.error()));
          const std::string latest = model.value().hash;
          if (state->store == nullptr) {
            return respond_guarded(*responder, [&] {
              responder->respond(HttpResponse::json(200, model_version_list_json({{1, latest, 0, true, false}})));
            });
          }
          state->store->load_definitions(
              [responder, id, latest](Result<std::vector<ProcessDefinitionRecord>> definitions) {
                respond_guarded(*responder, [&] {
                  if (!definitions.ok()) return responder->respond(error_response(definitions.error()));
                  responder->respond(
                      HttpResponse::json(200, model_version_list_json(model_versions(id, definitions.value(), latest))));
                });
              });
        });
  };
}

RouteDescriptor model_versions_route() {
  auto route = make_route(kManagementApiBase,
                          {"GET", "/process_models/:process_model_id/versions", "getProcessModelVersions",
                           "ProcessModel", "The deployed versions of a process model, oldest first"},
                          model_versions_handler(), "ProcessModelVersionList");
  route.error_statuses = {403, 404};
  return route;
}

}  // namespace processhost::plugins::management_api
