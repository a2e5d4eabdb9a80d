#pragma once
// The Management API's route table (contracts 13, base /api/management/v1: the routes the
// engine service can serve) and the handlers only it has.

#include <cstddef>
#include <string_view>
#include <vector>

#include "plugin_common/http_api/route_descriptor.hpp"

namespace processhost::plugins::management_api {

using http_api::RouteDescriptor;
using http_api::RouteHandler;

inline constexpr const char* kManagementApiBase = "/api/management/v1";
// Largest deploy request (the update route): BPMN documents with their diagrams outgrow the
// host's default body limit; one JSON string of the body may be as long.
inline constexpr std::size_t kMaxDeployBodyBytes = 16 * 1024 * 1024;

// Claims of the original Management API. The super-admin claim passes every check; reading
// covers every route that does not deploy, trigger or need its own claim.
inline constexpr std::string_view kSuperAdminClaim = claims::kManageProcessInstances;
inline constexpr std::string_view kWriteProcessModelClaim = "can_write_process_model";
inline constexpr std::string_view kTerminateProcessClaim = "can_terminate_process";
inline constexpr std::string_view kDeleteProcessModelClaim = "can_delete_process_model";

// The complete table. Every route but /swagger requires a claim.
std::vector<RouteDescriptor> management_api_routes();

// ProcessModel / ProcessModelList with each model's BPMN document ("xml").
RouteHandler list_process_models_with_xml_handler();
RouteHandler get_process_model_with_xml_handler();
// POST .../:process_definitions_name/update with UpdateProcessDefinitionsRequestPayload.
RouteHandler update_process_definitions_handler();
// GET /process_models/:process_model_id/delete (a GET in the original's router and client).
RouteHandler delete_process_model_handler();
// GET /process_instance/:process_instance_id/process_model/ (ProcessModel with its xml).
RouteHandler process_model_by_instance_with_xml_handler();
// GET /process_models/:process_model_id/start_events (EventList).
RouteHandler start_events_handler();

// handlers_process_instances.cpp: queries of the stored instances.
enum class InstanceFilter { correlation, process_model, state };
enum class TokenHistoryScope { instance, instance_flow_node, correlation, correlation_flow_node };
enum class ActiveTokenScope { process_model, correlation, process_instance, flow_node };
RouteHandler get_process_instance_handler();
RouteHandler list_process_instances_handler(InstanceFilter filter);
RouteHandler list_flow_node_instances_handler();
RouteHandler token_history_handler(TokenHistoryScope scope);
RouteHandler active_tokens_handler(ActiveTokenScope scope);

// handlers_correlations.cpp: /correlations/all, /active, /process_model/:process_model_id
// (CorrelationList) and /correlations/:correlation_id (Correlation).
enum class CorrelationFilter { all, active, process_model };
RouteHandler list_correlations_handler(CorrelationFilter filter);
RouteHandler get_correlation_handler();
std::vector<RouteDescriptor> correlation_routes();

// handlers_terminate.cpp: POST /process_instance/:process_instance_id/terminate.
RouteHandler terminate_process_instance_handler();

// history_routes.cpp: cronjobs, run-time KPIs and logs (read claim).
void add_history_routes(std::vector<RouteDescriptor>& routes);
enum class CronjobHistoryScope { process_model, crontab };
enum class RuntimeInformationScope { process_model, flow_node };
enum class LogScope { process_model, process_instance };
RouteHandler active_cronjobs_handler();                             // handlers_cronjobs.cpp
RouteHandler cronjob_history_handler(CronjobHistoryScope scope);    // handlers_cronjobs.cpp
RouteHandler runtime_information_handler(RuntimeInformationScope scope);  // handlers_runtime_information.cpp
RouteHandler logs_handler(LogScope scope);                          // handlers_logs.cpp

}  // namespace processhost::plugins::management_api
