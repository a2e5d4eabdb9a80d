// The Management API's logs (contracts 13, ILoggingManagementApi), derived from the stored
// flow node history: one LogEntry per flow node instance, telling its latest state
// (docs/api.md, "Logs"). Paged in the store, in the order the flow nodes began.
#include <string>
#include <utility>

#include "instance_json.hpp"
#include "instance_visibility.hpp"
#include "management_api_routes.hpp"
#include "plugin_common/http_api/json_mapping.hpp"
#include "plugin_common/http_api/json_writer.hpp"
#include "plugin_common/http_api/respond.hpp"
#include "processhost/services/store.hpp"

namespace processhost::plugins::management_api {

using namespace http_api;  // NOLINT(google-build-using-namespace): the shared API code

namespace {

using namespace json_writer;  // NOLINT(google-build-using-namespace): the writer helpers

struct LogWording {
  std::string_view level;        // LogLevel
  std::string_view measured_at;  // MetricMeasurementPoint
  std::string_view verb;
};

LogWording wording(FlowNodeState state) {
  switch (state) {
    case FlowNodeState::running:
      return {"info", "onFlowNodeEnter", "entered"};
    case FlowNodeState::suspended:
      return {"info", "onFlowNodeSuspend", "suspended"};
    case FlowNodeState::finished:
      return {"info", "onFlowNodeExit", "finished"};
    case FlowNodeState::terminated:
      return {"warn", "onFlowNodeExit", "terminated"};
    case FlowNodeState::error:
      return {"error", "onFlowNodeError", "failed"};
  }
  return {"info", "onFlowNodeEnter", "entered"};
}

void write_log_entry(Writer& writer, const FlowNodeInstanceRecord& node) {
  const auto words = wording(node.state);
  const bool ended = node.finished_at_ms != 0;
  writer.StartObject();
  field(writer, "timeStamp", iso8601_utc(ended ? node.finished_at_ms : node.created_at_ms));
  field(writer, "correlationId", node.correlation_id);
  field(writer, "processModelId", node.process_model_id);
  field(writer, "processInstanceId", node.process_instance_id);
  field(writer, "flowNodeInstanceId", node.id);
  field(writer, "flowNodeId", node.flow_node_id);
  field(writer, "logLevel", words.level);
  field(writer, "message", std::string(node.flow_node_type) + " '" + node.flow_node_id + "' " + std::string(words.verb));
  field(writer, "measuredAt", words.measured_at);
  const bool has_exit_token = ended && node.token_on_exit != "null" && !node.token_on_exit.empty();
  raw(writer, "tokenPayload", has_exit_token ? node.token_on_exit : node.token_on_enter);
  if (node.state == FlowNodeState::error && node.error != "null" && !node.error.empty()) raw(writer, "error", node.error);
  writer.EndObject();
}

std::string log_entry_list_json(const PagedList<FlowNodeInstanceRecord>& list) {
  return render([&](Writer& writer) { json_writer::list(writer, "logEntries", list.items, list.total_count, write_log_entry); });
}

}  // namespace

RouteHandler logs_handler(LogScope scope) {
  return [scope](RouteCall& call) {
    FlowNodeQuery query;
    query.page = call.page;
    query.process_model_id = std::string(call.request.param("process_model_id"));
    query.owner_user_id = visible_owner(call.identity);
    if (scope == LogScope::process_instance) {
      query.process_instance_id = std::string(call.request.param("process_instance_id"));
    } else if (auto correlation = call.request.query_param("correlation_id"); correlation && !correlation->empty()) {
      query.correlation_id = std::string(*correlation);
    }
    // The store orders by start time then id; within one millisecond (a transition often
    // starts several) the page is put in the order the flow nodes followed each other.
    call.state->store->query_flow_nodes(std::move(query), respond_json<PagedList<FlowNodeInstanceRecord>>(
                                                              call.responder, [](PagedList<FlowNodeInstanceRecord>& list) {
                                                                order_as_begun(list.items);
                                                                return log_entry_list_json(list);
                                                              }));
  };
}

}  // namespace processhost::plugins::management_api
