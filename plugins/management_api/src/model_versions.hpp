#pragma once
// GET /process_models/:process_model_id/versions: the deployed versions of a model, which
// the store keeps (its instances may run any of them), numbered in deployment order.

#include <string>
#include <vector>

#include "plugin_common/http_api/route_descriptor.hpp"
#include "processhost/services/store.hpp"

namespace processhost::plugins::management_api {

struct ModelVersion {
  int number = 0;  // 1 for the first deployment still stored
  std::string hash;
  std::int64_t deployed_at_ms = 0;  // 0: not known (no store)
  bool latest = false;              // the version new instances start on
  bool deleted = false;             // the model was deleted; kept for the instances that run it
};

// The versions of one model among the stored definitions, oldest first; latest_hash is the
// engine's current version of it.
std::vector<ModelVersion> model_versions(const std::string& process_model_id,
                                         const std::vector<ProcessDefinitionRecord>& definitions,
                                         const std::string& latest_hash);

// {"versions": [{"version", "hash", "deployedAt", "latest", "deleted"}], "totalCount"}.
std::string model_version_list_json(const std::vector<ModelVersion>& versions);

http_api::RouteHandler model_versions_handler();

// The route, with its schemas for the OpenAPI document (kModelVersionSchemas).
http_api::RouteDescriptor model_versions_route();
extern const char* const kModelVersionSchemas;

}  // namespace processhost::plugins::management_api
