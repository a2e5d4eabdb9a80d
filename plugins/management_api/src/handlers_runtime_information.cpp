// The Management API's run-time KPIs (contracts 13, IKpiManagementApi): per flow node of a
// model, the mean, quartiles, minimum and maximum run time of its finished instances. The
// store aggregates (pg_store in SQL), so only one row per flow node reaches the plugin.
#include <string>
#include <utility>

#include "management_api_routes.hpp"
#include "plugin_common/http_api/json_writer.hpp"
#include "plugin_common/http_api/respond.hpp"
#include "processhost/services/store.hpp"

namespace processhost::plugins::management_api {

using namespace http_api;  // NOLINT(google-build-using-namespace): the shared API code

namespace {

using namespace json_writer;  // NOLINT(google-build-using-namespace): the writer helpers

// FlowNodeRuntimeInformation; a flow node without finished instances has zeros.
void write_runtime(Writer& writer, const FlowNodeRuntimeRecord& record) {
  writer.StartObject();
  field(writer, "processModelId", record.process_model_id);
  field(writer, "flowNodeId", record.flow_node_id);
  key(writer, "arithmeticMeanRuntimeInMs");
  writer.Double(record.mean_ms);
  key(writer, "firstQuartileRuntimeInMs");
  writer.Double(record.first_quartile_ms);
  key(writer, "medianRuntimeInMs");
  writer.Double(record.median_ms);
  key(writer, "thirdQuartileRuntimeInMs");
  writer.Double(record.third_quartile_ms);
  key(writer, "minRuntimeInMs");
  writer.Int64(record.min_ms);
  key(writer, "maxRuntimeInMs");
  writer.Int64(record.max_ms);
  writer.EndObject();
}

}  // namespace

RouteHandler runtime_information_handler(RuntimeInformationScope scope) {
  return [scope](RouteCall& call) {
    FlowNodeRuntimeQuery query;
    query.process_model_id = std::string(call.request.param("process_model_id"));
    if (scope == RuntimeInformationScope::process_model) {
      query.page = call.page;
      return call.state->store->flow_node_runtimes(
          std::move(query), respond_json<PagedList<FlowNodeRuntimeRecord>>(call.responder, [](const auto& list) {
            return render([&](Writer& writer) {
              json_writer::list(writer, "flowNodeRuntimeInformation", list.items, list.total_count, write_runtime);
            });
          }));
    }
    query.flow_node_id = std::string(call.request.param("flow_node_id"));
    call.state->store->flow_node_runtimes(
        query, respond_json<PagedList<FlowNodeRuntimeRecord>>(call.responder, [query](const auto& list) {
          FlowNodeRuntimeRecord record;
          if (!list.items.empty()) {
            record = list.items.front();
          } else {
            record.process_model_id = query.process_model_id;
            record.flow_node_id = *query.flow_node_id;
          }
          return render([&](Writer& writer) { write_runtime(writer, record); });
        }));
  };
}

}  // namespace processhost::plugins::management_api
