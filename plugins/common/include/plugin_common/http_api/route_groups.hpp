#pragma once
// Building blocks of the API plugins' route tables: one row -> one descriptor, and the
// groups of routes both the Consumer and the Management API serve with the same handlers
// (waiting events and triggers, the task lists and finishes).

#include <string>
#include <string_view>
#include <vector>

#include "plugin_common/http_api/route_descriptor.hpp"

namespace processhost::plugins::http_api {

struct Row {
  const char* method;
  const char* path;  // after the base path
  const char* operation_id;
  const char* tag;
  const char* summary;
};

// A GET or POST answering 200 with response_schema (none: no body).
RouteDescriptor make_route(std::string_view base, const Row& row, RouteHandler handler,
                           std::string response_schema = {});
RouteDescriptor paged(RouteDescriptor descriptor);
RouteDescriptor no_content(RouteDescriptor descriptor, std::string request_schema, bool request_required,
                           std::vector<int> errors);
RouteDescriptor claim(RouteDescriptor descriptor, std::string_view claim_name);

// GET <base>/swagger, unauthenticated: the API's OpenAPI document.
RouteDescriptor openapi_route(std::string_view base);
// POST <base>/process_models/:process_model_id/start with its query and body (no claim).
RouteDescriptor start_route(std::string_view base);

// The three waiting-event lists under ".../<events_segment>" ("events" in the Consumer API,
// "events/waiting" in the Management API) and the message and signal triggers.
void add_event_routes(std::vector<RouteDescriptor>& routes, std::string_view base, std::string_view events_segment);

// User tasks, manual tasks and empty activities: four lists and a finish route each, plus a
// ".../own" list for the kinds in own_lists (TaskKind bits); then the five mixed task lists.
void add_task_areas(std::vector<RouteDescriptor>& routes, std::string_view base, unsigned own_lists);

}  // namespace processhost::plugins::http_api
