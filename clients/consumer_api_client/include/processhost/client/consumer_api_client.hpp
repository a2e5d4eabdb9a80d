#pragma once
// The whole Consumer API (reference section 2.3), one method per route, synchronous.
// Every call but application_info takes the Identity it is made as; its token goes out as
// "Authorization: Bearer <token>" (no header for an anonymous identity). Paths are
// /api/consumer/v1/... below the transport's base URL; ids are percent-encoded.
//
// Errors: a status >= 400 becomes ErrorKind::http with the host's message and
// additionalInformation; a 2xx body that does not match the contract, ErrorKind::protocol.
// Thread-safety: as the transport's (BeastHttpTransport serialises calls). The client
// does not own the transport; the transport must outlive it.

#include <optional>
#include <string>
#include <vector>

#include "processhost/client/client_error.hpp"
#include "processhost/client/http_transport.hpp"
#include "processhost/client/types.hpp"

namespace processhost::client {

inline constexpr std::string_view kConsumerApiBasePath = "/api/consumer/v1";

class ConsumerApiClient {
 public:
  explicit ConsumerApiClient(HttpTransport& transport) : transport_(transport) {}

  // Application info and OpenAPI document (no Authorization needed).
  ClientResult<ApplicationInfo> application_info();
  ClientResult<JsonText> swagger();

  // Process models and instances.
  ClientResult<ProcessModelList> process_models(const Identity& identity, Page page = {});
  ClientResult<ProcessModel> process_model(const Identity& identity, const std::string& process_model_id);
  ClientResult<ProcessModel> process_model_by_process_instance(const Identity& identity,
                                                               const std::string& process_instance_id);
  ClientResult<ProcessStartResponse> start_process_instance(const Identity& identity,
                                                            const std::string& process_model_id,
                                                            const ProcessStartRequest& request,
                                                            const StartOptions& options = {});
  ClientResult<ProcessInstanceList> own_process_instances(const Identity& identity, Page page = {});
  ClientResult<CorrelationResultList> correlation_results(const Identity& identity, const std::string& correlation_id,
                                                          const std::string& process_model_id);

  // Events.
  ClientResult<EventList> events_for_process_model(const Identity& identity, const std::string& process_model_id,
                                                   Page page = {});
  ClientResult<EventList> events_for_correlation(const Identity& identity, const std::string& correlation_id,
                                                 Page page = {});
  ClientResult<EventList> events_for_process_model_in_correlation(const Identity& identity,
                                                                  const std::string& process_model_id,
                                                                  const std::string& correlation_id, Page page = {});
  // payload is the trigger's body as the API takes it, {"currentToken": <token>}: the waiting
  // events receive its currentToken.
  ClientStatus trigger_message(const Identity& identity, const std::string& message_name,
                               const std::optional<JsonText>& payload = std::nullopt);
  ClientStatus trigger_signal(const Identity& identity, const std::string& signal_name,
                              const std::optional<JsonText>& payload = std::nullopt);

  // User tasks.
  ClientResult<UserTaskList> user_tasks_for_process_model(const Identity& identity,
                                                          const std::string& process_model_id, Page page = {});
  ClientResult<UserTaskList> user_tasks_for_process_instance(const Identity& identity,
                                                             const std::string& process_instance_id, Page page = {});
  ClientResult<UserTaskList> user_tasks_for_correlation(const Identity& identity, const std::string& correlation_id,
                                                        Page page = {});
  ClientResult<UserTaskList> user_tasks_for_process_model_in_correlation(const Identity& identity,
                                                                         const std::string& process_model_id,
                                                                         const std::string& correlation_id,
                                                                         Page page = {});
  ClientResult<UserTaskList> own_user_tasks(const Identity& identity, Page page = {});
  ClientStatus finish_user_task(const Identity& identity, const std::string& process_instance_id,
                                const std::string& correlation_id, const std::string& flow_node_instance_id,
                                const UserTaskResult& result = {});

  // Manual tasks.
  ClientResult<ManualTaskList> manual_tasks_for_process_model(const Identity& identity,
                                                              const std::string& process_model_id, Page page = {});
  ClientResult<ManualTaskList> manual_tasks_for_process_instance(const Identity& identity,
                                                                 const std::string& process_instance_id,
                                                                 Page page = {});
  ClientResult<ManualTaskList> manual_tasks_for_correlation(const Identity& identity,
                                                            const std::string& correlation_id, Page page = {});
  ClientResult<ManualTaskList> manual_tasks_for_process_model_in_correlation(const Identity& identity,
                                                                             const std::string& process_model_id,
                                                                             const std::string& correlation_id,
                                                                             Page page = {});
  ClientResult<ManualTaskList> own_manual_tasks(const Identity& identity, Page page = {});
  ClientStatus finish_manual_task(const Identity& identity, const std::string& process_instance_id,
                                  const std::string& correlation_id, const std::string& flow_node_instance_id);

  // Empty activities (bpmn:Task).
  ClientResult<EmptyActivityList> empty_activities_for_process_model(const Identity& identity,
                                                                     const std::string& process_model_id,
                                                                     Page page = {});
  ClientResult<EmptyActivityList> empty_activities_for_process_instance(const Identity& identity,
                                                                        const std::string& process_instance_id,
                                                                        Page page = {});
  ClientResult<EmptyActivityList> empty_activities_for_correlation(const Identity& identity,
                                                                   const std::string& correlation_id, Page page = {});
  ClientResult<EmptyActivityList> empty_activities_for_process_model_in_correlation(
      const Identity& identity, const std::string& process_model_id, const std::string& correlation_id,
      Page page = {});
  ClientResult<EmptyActivityList> own_empty_activities(const Identity& identity, Page page = {});
  ClientStatus finish_empty_activity(const Identity& identity, const std::string& process_instance_id,
                                     const std::string& correlation_id, const std::string& flow_node_instance_id);

  // Mixed task lists.
  ClientResult<TaskList> suspended_tasks(const Identity& identity, Page page = {});
  ClientResult<TaskList> tasks_for_process_model(const Identity& identity, const std::string& process_model_id,
                                                 Page page = {});
  ClientResult<TaskList> tasks_for_process_instance(const Identity& identity, const std::string& process_instance_id,
                                                    Page page = {});
  ClientResult<TaskList> tasks_for_correlation(const Identity& identity, const std::string& correlation_id,
                                               Page page = {});
  ClientResult<TaskList> tasks_for_process_model_in_correlation(const Identity& identity,
                                                                const std::string& process_model_id,
                                                                const std::string& correlation_id, Page page = {});

  // External tasks.
  ClientResult<std::vector<ExternalTask>> fetch_and_lock(const Identity& identity, const FetchAndLockRequest& request);
  ClientStatus extend_lock(const Identity& identity, const std::string& external_task_id,
                           const ExtendLockRequest& request);
  ClientStatus handle_bpmn_error(const Identity& identity, const std::string& external_task_id,
                                 const BpmnErrorRequest& request);
  ClientStatus handle_service_error(const Identity& identity, const std::string& external_task_id,
                                    const ServiceErrorRequest& request);
  ClientStatus finish_external_task(const Identity& identity, const std::string& external_task_id,
                                    const FinishExternalTaskRequest& request);

 private:
  ClientResult<std::string> get(const Identity* identity, const std::string& path, Page page = {});
  ClientResult<std::string> post(const Identity& identity, const std::string& path, std::string body,
                                 const std::string& query = {});
  ClientStatus post_no_content(const Identity& identity, const std::string& path, std::string body);

  HttpTransport& transport_;
};

}  // namespace processhost::client
