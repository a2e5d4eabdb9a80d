// The Management API's history-side routes: cronjobs and their execution history, run-time
// KPIs of flow nodes, and logs (handlers_cronjobs.cpp, handlers_runtime_information.cpp,
// handlers_logs.cpp).
#include <utility>

#include "management_api_routes.hpp"
#include "plugin_common/http_api/route_groups.hpp"

namespace processhost::plugins::management_api {

using namespace http_api;  // NOLINT(google-build-using-namespace): the shared API code

void add_history_routes(std::vector<RouteDescriptor>& routes) {
  const auto route = [](const Row& row, RouteHandler handler, std::string schema) {
    return paged(make_route(kManagementApiBase, row, std::move(handler), std::move(schema)));
  };
  routes.push_back(route({"GET", "/cronjobs/active", "getActiveCronjobs", "Cronjob",
                          "The cron start events of the deployed models that fire, with their next execution"},
                         active_cronjobs_handler(), "CronjobList"));
  auto by_model = route({"GET", "/cronjobs/history/process_model/:process_model_id",
                         "getCronjobExecutionHistoryForProcessModel", "Cronjob",
                         "The instances a model's cron start events started, oldest first"},
                        cronjob_history_handler(CronjobHistoryScope::process_model), "CronjobHistoryList");
  by_model.query.push_back({"start_event_id", "string", false, "Only the executions of this start event"});
  routes.push_back(std::move(by_model));
  routes.push_back(route({"GET", "/cronjobs/history/crontab/:crontab", "getCronjobExecutionHistoryForCrontab", "Cronjob",
                          "The instances cron start events with this crontab (URL-encoded) started, oldest first"},
                         cronjob_history_handler(CronjobHistoryScope::crontab), "CronjobHistoryList"));

  routes.push_back(route({"GET", "/process_model/:process_model_id/runtime_information",
                          "getRuntimeInformationForProcessModel", "Kpi",
                          "Run times of the finished instances of each flow node of a model, by flow node id"},
                         runtime_information_handler(RuntimeInformationScope::process_model),
                         "FlowNodeRuntimeInformationList"));
  auto one_node = make_route(kManagementApiBase,
                             {"GET", "/process_model/:process_model_id/flow_node/:flow_node_id/runtime_information",
                              "getRuntimeInformationForFlowNode", "Kpi",
                              "Run times of the finished instances of one flow node (zeros when there are none)"},
                             runtime_information_handler(RuntimeInformationScope::flow_node),
                             "FlowNodeRuntimeInformation");
  routes.push_back(std::move(one_node));

  auto model_logs = route({"GET", "/process_model/:process_model_id/logs", "getProcessModelLog", "Logging",
                           "One entry per flow node instance of the model's instances, in the order they began"},
                          logs_handler(LogScope::process_model), "LogEntryList");
  model_logs.query.push_back({"correlation_id", "string", false, "Only the entries of this correlation"});
  routes.push_back(std::move(model_logs));
  routes.push_back(route({"GET", "/process_model/:process_model_id/process_instance/:process_instance_id/logs",
                          "getProcessInstanceLog", "Logging",
                          "One entry per flow node instance of a process instance, in the order they began"},
                         logs_handler(LogScope::process_instance), "LogEntryList"));
}

}  // namespace processhost::plugins::management_api
