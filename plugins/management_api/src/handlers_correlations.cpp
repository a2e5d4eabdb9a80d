// The Management API's correlations (contracts 13: Correlation, CorrelationList), grouped by
// the store from the stored instances. As in the original, a caller without the super-admin
// claim sees only the instances it started (and correlations holding at least one of them).

#include <memory>
#include <string>
#include <utility>

#include "instance_json.hpp"
#include "instance_visibility.hpp"
#include "management_api_routes.hpp"
#include "plugin_common/http_api/json_mapping.hpp"
#include "plugin_common/http_api/json_writer.hpp"
#include "plugin_common/http_api/respond.hpp"
#include "plugin_common/http_api/route_groups.hpp"
#include "processhost/services/store.hpp"
#include "version_xml.hpp"

namespace processhost::plugins::management_api {

using namespace http_api;  // NOLINT(google-build-using-namespace): the shared API code

namespace {

using namespace http_api::json_writer;  // NOLINT(google-build-using-namespace): the writer helpers

// The contract's CorrelationState has no "terminated": a terminated instance ended by an
// error (the original stored it as one), so it makes its correlation "error".
const ProcessInstanceRecord* failed_instance(const CorrelationRecord& correlation) {
  for (const auto& instance : correlation.instances) {
    if (instance.state == ProcessInstanceState::error || instance.state == ProcessInstanceState::terminated) {
      return &instance;
    }
  }
  return nullptr;
}

std::string_view correlation_state(const CorrelationRecord& correlation) {
  if (failed_instance(correlation)) return "error";
  for (const auto& instance : correlation.instances) {
    if (instance.state == ProcessInstanceState::running) return "running";
  }
  return "finished";
}

void write_correlation(Writer& writer, const CorrelationRecord& correlation, const VersionXmlLookup& xml) {
  writer.StartObject();
  field(writer, "id", correlation.correlation_id);
  key(writer, "processInstances");
  writer.StartArray();
  for (const auto& instance : correlation.instances) {
    const auto text = process_instance_json(instance, xml);
    writer.RawValue(text.data(), text.size(), rapidjson::kObjectType);
  }
  writer.EndArray();
  field(writer, "state", correlation_state(correlation));
  const auto* failed = failed_instance(correlation);
  raw(writer, "error", failed ? failed->error : JsonText("null"));
  field(writer, "createdAt", iso8601_utc(correlation.created_at_ms));
  writer.EndObject();
}

// The query's filters plus the caller's own instances unless it may manage every instance.
CorrelationQuery visible_to(const RouteCall& call, CorrelationQuery query) {
  query.owner_user_id = visible_owner(call.identity);
  return query;
}

// Answers the page of correlations the query selects (each with its instances' xml).
template <class Respond>
void with_correlations(const ApiStatePtr& state, const std::shared_ptr<Responder>& responder, CorrelationQuery query,
                       Respond respond) {
  state->store->query_correlations(
      std::move(query),
      [state, responder, respond = std::move(respond)](Result<PagedList<CorrelationRecord>> list) {
        if (!list.ok()) return responder->respond(error_response(list.error()));
        auto correlations = std::make_shared<PagedList<CorrelationRecord>>(std::move(list.value()));
        with_version_xml(state, responder, [correlations, responder, respond](const VersionXmlLookup& xml) {
          respond(*responder, *correlations, xml);
        });
      });
}

}  // namespace

RouteHandler list_correlations_handler(CorrelationFilter filter) {
  return [filter](RouteCall& call) {
    CorrelationQuery query;
    query.page = call.page;
    if (filter == CorrelationFilter::active) query.state = ProcessInstanceState::running;
    if (filter == CorrelationFilter::process_model) {
      query.process_model_id = std::string(call.request.param("process_model_id"));
    }
    with_correlations(call.state, call.responder, visible_to(call, std::move(query)),
                      [](Responder& responder, const PagedList<CorrelationRecord>& page, const VersionXmlLookup& xml) {
                        responder.respond(HttpResponse::json(200, render([&](Writer& writer) {
                          http_api::json_writer::list(writer, "correlations", page.items, page.total_count,
                                                      [&](Writer& item_writer, const CorrelationRecord& correlation) {
                                                        write_correlation(item_writer, correlation, xml);
                                                      });
                        })));
                      });
  };
}

RouteHandler get_correlation_handler() {
  return [](RouteCall& call) {
    CorrelationQuery query;
    const std::string id(call.request.param("correlation_id"));
    query.correlation_id = id;
    with_correlations(call.state, call.responder, visible_to(call, std::move(query)),
                      [id](Responder& responder, const PagedList<CorrelationRecord>& page, const VersionXmlLookup& xml) {
                        if (page.items.empty()) {
                          return responder.respond(HttpResponse::error(
                              ErrorStatus::not_found, "No Correlation with id '" + id + "' found."));
                        }
                        responder.respond(HttpResponse::json(200, render([&](Writer& writer) {
                          write_correlation(writer, page.items.front(), xml);
                        })));
                      });
  };
}

}  // namespace processhost::plugins::management_api

namespace processhost::plugins::management_api {

std::vector<RouteDescriptor> correlation_routes() {
  using http_api::make_route;
  using http_api::paged;
  const auto route = [](const http_api::Row& row, RouteHandler handler, std::string schema) {
    return make_route(kManagementApiBase, row, std::move(handler), std::move(schema));
  };
  std::vector<RouteDescriptor> routes;
  routes.push_back(paged(route({"GET", "/correlations/all", "getAllCorrelations", "Correlation",
                                "Every correlation the caller may see, by its first instance"},
                               list_correlations_handler(CorrelationFilter::all), "CorrelationList")));
  routes.push_back(paged(route({"GET", "/correlations/active", "getActiveCorrelations", "Correlation",
                                "Correlations with running instances, with those instances"},
                               list_correlations_handler(CorrelationFilter::active), "CorrelationList")));
  routes.push_back(paged(route({"GET", "/correlations/process_model/:process_model_id",
                                "getCorrelationsByProcessModelId", "Correlation",
                                "Correlations in which a process model ran, with its instances"},
                               list_correlations_handler(CorrelationFilter::process_model), "CorrelationList")));
  auto by_id = route({"GET", "/correlations/:correlation_id", "getCorrelationById", "Correlation",
                      "One correlation with the instances the caller may see"},
                     get_correlation_handler(), "Correlation");
  by_id.error_statuses = {404};
  routes.push_back(std::move(by_id));
  return routes;
}

}  // namespace processhost::plugins::management_api
