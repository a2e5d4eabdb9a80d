#include "processhost/client/consumer_api_client.hpp"

#include <utility>

#include "checked_call.hpp"
#include "processhost/client/json_mapping.hpp"

namespace processhost::client {

namespace {

std::string seg(const std::string& id) {
  return "/" + encode_component(id);
}

std::string page_query(Page page) {
  std::string query;
  if (page.offset != 0) query += "offset=" + std::to_string(page.offset);
  if (page.limit != 0) query += std::string(query.empty() ? "" : "&") + "limit=" + std::to_string(page.limit);
  return query;
}

// Applies a reader to a body, passing errors through.
template <class Read>
auto then_read(ClientResult<std::string> body, Read read) -> decltype(read(std::string_view())) {
  if (!body) return std::move(body).take_error();
  return read(body.value());
}

template <class T>
ClientResult<std::string> body_or_error(ClientResult<T> written) {
  if (!written) return std::move(written).take_error();
  return std::move(written).value();
}

}  // namespace

ClientResult<std::string> ConsumerApiClient::get(const Identity* identity, const std::string& path, Page page) {
  std::string target = std::string(kConsumerApiBasePath) + path;
  if (auto query = page_query(page); !query.empty()) target += "?" + query;
  auto reply = detail::send_checked(transport_, detail::make_call("GET", std::move(target), identity));
  if (!reply) return std::move(reply).take_error();
  return std::move(reply->body);
}

ClientResult<std::string> ConsumerApiClient::post(const Identity& identity, const std::string& path, std::string body,
                                                  const std::string& query) {
  std::string target = std::string(kConsumerApiBasePath) + path + (query.empty() ? "" : "?" + query);
  auto reply = detail::send_checked(transport_, detail::make_call("POST", std::move(target), &identity, std::move(body)));
  if (!reply) return std::move(reply).take_error();
  return std::move(reply->body);
}

ClientStatus ConsumerApiClient::post_no_content(const Identity& identity, const std::string& path, std::string body) {
  auto reply = post(identity, path, std::move(body));
  if (!reply) return std::move(reply).take_error();
  return Done{};
}

ClientResult<ApplicationInfo> ConsumerApiClient::application_info() {
  return then_read(get(nullptr, "/info"), json::read_application_info);
}

ClientResult<JsonText> ConsumerApiClient::swagger() {
  return then_read(get(nullptr, "/swagger"), json::read_any);
}

ClientResult<ProcessModelList> ConsumerApiClient::process_models(const Identity& identity, Page page) {
  return then_read(get(&identity, "/process_models", page), json::read_process_model_list);
}

ClientResult<ProcessModel> ConsumerApiClient::process_model(const Identity& identity,
                                                           const std::string& process_model_id) {
  return then_read(get(&identity, "/process_models" + seg(process_model_id)), json::read_process_model);
}

ClientResult<ProcessModel> ConsumerApiClient::process_model_by_process_instance(
    const Identity& identity, const std::string& process_instance_id) {
  return then_read(get(&identity, "/process_instance" + seg(process_instance_id) + "/process_model"),
                   json::read_process_model);
}

ClientResult<ProcessStartResponse> ConsumerApiClient::start_process_instance(const Identity& identity,
                                                                             const std::string& process_model_id,
                                                                             const ProcessStartRequest& request,
                                                                             const StartOptions& options) {
  auto body = json::write_process_start_request(request);
  if (!body) return std::move(body).take_error();
  std::string query = "start_callback_type=" + std::to_string(static_cast<int>(options.callback_type));
  if (options.start_event_id) query += "&start_event_id=" + encode_component(*options.start_event_id);
  if (options.end_event_id) query += "&end_event_id=" + encode_component(*options.end_event_id);
  return then_read(post(identity, "/process_models" + seg(process_model_id) + "/start", std::move(body).value(), query),
                   json::read_process_start_response);
}

ClientResult<ProcessInstanceList> ConsumerApiClient::own_process_instances(const Identity& identity, Page page) {
  return then_read(get(&identity, "/process_instances/own", page), json::read_process_instance_list);
}

ClientResult<CorrelationResultList> ConsumerApiClient::correlation_results(const Identity& identity,
                                                                           const std::string& correlation_id,
                                                                           const std::string& process_model_id) {
  return then_read(
      get(&identity, "/correlations" + seg(correlation_id) + "/process_models" + seg(process_model_id) + "/results"),
      json::read_correlation_result_list);
}

ClientResult<EventList> ConsumerApiClient::events_for_process_model(const Identity& identity,
                                                                    const std::string& process_model_id, Page page) {
  return then_read(get(&identity, "/process_models" + seg(process_model_id) + "/events", page), json::read_event_list);
}

ClientResult<EventList> ConsumerApiClient::events_for_correlation(const Identity& identity,
                                                                  const std::string& correlation_id, Page page) {
  return then_read(get(&identity, "/correlations" + seg(correlation_id) + "/events", page), json::read_event_list);
}

ClientResult<EventList> ConsumerApiClient::events_for_process_model_in_correlation(const Identity& identity,
                                                                                   const std::string& process_model_id,
                                                                                   const std::string& correlation_id,
                                                                                   Page page) {
  return then_read(
      get(&identity, "/process_models" + seg(process_model_id) + "/correlations" + seg(correlation_id) + "/events", page),
      json::read_event_list);
}

ClientStatus ConsumerApiClient::trigger_message(const Identity& identity, const std::string& message_name,
                                                const std::optional<JsonText>& payload) {
  auto body = json::write_trigger_payload(payload);
  if (!body) return std::move(body).take_error();
  return post_no_content(identity, "/message" + seg(message_name) + "/trigger", std::move(body).value());
}

ClientStatus ConsumerApiClient::trigger_signal(const Identity& identity, const std::string& signal_name,
                                               const std::optional<JsonText>& payload) {
  auto body = json::write_trigger_payload(payload);
  if (!body) return std::move(body).take_error();
  return post_no_content(identity, "/signal" + seg(signal_name) + "/trigger", std::move(body).value());
}

ClientResult<UserTaskList> ConsumerApiClient::user_tasks_for_process_model(const Identity& identity,
                                                                           const std::string& process_model_id,
                                                                           Page page) {
  return then_read(get(&identity, "/process_models" + seg(process_model_id) + "/user_tasks", page),
                   json::read_user_task_list);
}

ClientResult<UserTaskList> ConsumerApiClient::user_tasks_for_process_instance(const Identity& identity,
                                                                              const std::string& process_instance_id,
                                                                              Page page) {
  return then_read(get(&identity, "/process_instances" + seg(process_instance_id) + "/user_tasks", page),
                   json::read_user_task_list);
}

ClientResult<UserTaskList> ConsumerApiClient::user_tasks_for_correlation(const Identity& identity,
                                                                         const std::string& correlation_id, Page page) {
  return then_read(get(&identity, "/correlations" + seg(correlation_id) + "/user_tasks", page),
                   json::read_user_task_list);
}

ClientResult<UserTaskList> ConsumerApiClient::user_tasks_for_process_model_in_correlation(
    const Identity& identity, const std::string& process_model_id, const std::string& correlation_id, Page page) {
  return then_read(get(&identity,
                       "/process_models" + seg(process_model_id) + "/correlations" + seg(correlation_id) + "/user_tasks",
                       page),
                   json::read_user_task_list);
}

ClientResult<UserTaskList> ConsumerApiClient::own_user_tasks(const Identity& identity, Page page) {
  return then_read(get(&identity, "/user_tasks/own", page), json::read_user_task_list);
}

ClientStatus ConsumerApiClient::finish_user_task(const Identity& identity, const std::string& process_instance_id,
                                                 const std::string& correlation_id,
                                                 const std::string& flow_node_instance_id,
                                                 const UserTaskResult& result) {
  auto body = json::write_user_task_result(result);
  if (!body) return std::move(body).take_error();
  return post_no_content(identity,
                         "/processes" + seg(process_instance_id) + "/correlations" + seg(correlation_id) +
                             "/usertasks" + seg(flow_node_instance_id) + "/finish",
                         std::move(body).value());
}

ClientResult<ManualTaskList> ConsumerApiClient::manual_tasks_for_process_model(const Identity& identity,
                                                                               const std::string& process_model_id,
                                                                               Page page) {
  return then_read(get(&identity, "/process_models" + seg(process_model_id) + "/manual_tasks", page),
                   json::read_manual_task_list);
}

ClientResult<ManualTaskList> ConsumerApiClient::manual_tasks_for_process_instance(
    const Identity& identity, const std::string& process_instance_id, Page page) {
  return then_read(get(&identity, "/process_instances" + seg(process_instance_id) + "/manual_tasks", page),
                   json::read_manual_task_list);
}

ClientResult<ManualTaskList> ConsumerApiClient::manual_tasks_for_correlation(const Identity& identity,
                                                                             const std::string& correlation_id,
                                                                             Page page) {
  return then_read(get(&identity, "/correlations" + seg(correlation_id) + "/manual_tasks", page),
                   json::read_manual_task_list);
}

ClientResult<ManualTaskList> ConsumerApiClient::manual_tasks_for_process_model_in_correlation(
    const Identity& identity, const std::string& process_model_id, const std::string& correlation_id, Page page) {
  return then_read(
      get(&identity,
          "/process_models" + seg(process_model_id) + "/correlations" + seg(correlation_id) + "/manual_tasks", page),
      json::read_manual_task_list);
}

ClientResult<ManualTaskList> ConsumerApiClient::own_manual_tasks(const Identity& identity, Page page) {
  return then_read(get(&identity, "/manual_tasks/own", page), json::read_manual_task_list);
}

ClientStatus ConsumerApiClient::finish_manual_task(const Identity& identity, const std::string& process_instance_id,
                                                   const std::string& correlation_id,
                                                   const std::string& flow_node_instance_id) {
  return post_no_content(identity,
                         "/processes" + seg(process_instance_id) + "/correlations" + seg(correlation_id) +
                             "/manual_tasks" + seg(flow_node_instance_id) + "/finish",
                         "{}");
}

ClientResult<EmptyActivityList> ConsumerApiClient::empty_activities_for_process_model(
    const Identity& identity, const std::string& process_model_id, Page page) {
  return then_read(get(&identity, "/process_models" + seg(process_model_id) + "/empty_activities", page),
                   json::read_empty_activity_list);
}

ClientResult<EmptyActivityList> ConsumerApiClient::empty_activities_for_process_instance(
    const Identity& identity, const std::string& process_instance_id, Page page) {
  return then_read(get(&identity, "/process_instances" + seg(process_instance_id) + "/empty_activities", page),
                   json::read_empty_activity_list);
}

ClientResult<EmptyActivityList> ConsumerApiClient::empty_activities_for_correlation(const Identity& identity,
                                                                                    const std::string& correlation_id,
                                                                                    Page page) {
  return then_read(get(&identity, "/correlations" + seg(correlation_id) + "/empty_activities", page),
                   json::read_empty_activity_list);
}

ClientResult<EmptyActivityList> ConsumerApiClient::empty_activities_for_process_model_in_correlation(
    const Identity& identity, const std::string& process_model_id, const std::string& correlation_id, Page page) {
  return then_read(
      get(&identity,
          "/process_models" + seg(process_model_id) + "/correlations" + seg(correlation_id) + "/empty_activities",
          page),
      json::read_empty_activity_list);
}

ClientResult<EmptyActivityList> ConsumerApiClient::own_empty_activities(const Identity& identity, Page page) {
  return then_read(get(&identity, "/empty_activities/own", page), json::read_empty_activity_list);
}

ClientStatus ConsumerApiClient::finish_empty_activity(const Identity& identity, const std::string& process_instance_id,
                                                      const std::string& correlation_id,
                                                      const std::string& flow_node_instance_id) {
  return post_no_content(identity,
                         "/processes" + seg(process_instance_id) + "/correlations" + seg(correlation_id) +
                             "/empty_activities" + seg(flow_node_instance_id) + "/finish",
                         "{}");
}

ClientResult<TaskList> ConsumerApiClient::suspended_tasks(const Identity& identity, Page page) {
  return then_read(get(&identity, "/suspended_tasks", page), json::read_task_list);
}

ClientResult<TaskList> ConsumerApiClient::tasks_for_process_model(const Identity& identity,
                                                                  const std::string& process_model_id, Page page) {
  return then_read(get(&identity, "/process_models" + seg(process_model_id) + "/tasks", page), json::read_task_list);
}

ClientResult<TaskList> ConsumerApiClient::tasks_for_process_instance(const Identity& identity,
                                                                     const std::string& process_instance_id,
                                                                     Page page) {
  return then_read(get(&identity, "/process_instances" + seg(process_instance_id) + "/tasks", page),
                   json::read_task_list);
}

ClientResult<TaskList> ConsumerApiClient::tasks_for_correlation(const Identity& identity,
                                                                const std::string& correlation_id, Page page) {
  return then_read(get(&identity, "/correlations" + seg(correlation_id) + "/tasks", page), json::read_task_list);
}

ClientResult<TaskList> ConsumerApiClient::tasks_for_process_model_in_correlation(const Identity& identity,
                                                                                 const std::string& process_model_id,
                                                                                 const std::string& correlation_id,
                                                                                 Page page) {
  return then_read(
      get(&identity, "/process_models" + seg(process_model_id) + "/correlations" + seg(correlation_id) + "/tasks", page),
      json::read_task_list);
}

ClientResult<std::vector<ExternalTask>> ConsumerApiClient::fetch_and_lock(const Identity& identity,
                                                                          const FetchAndLockRequest& request) {
  return then_read(post(identity, "/fetch_and_lock", json::write_fetch_and_lock(request)), json::read_external_tasks);
}

ClientStatus ConsumerApiClient::extend_lock(const Identity& identity, const std::string& external_task_id,
                                            const ExtendLockRequest& request) {
  return post_no_content(identity, "/task" + seg(external_task_id) + "/extend_lock", json::write_extend_lock(request));
}

ClientStatus ConsumerApiClient::handle_bpmn_error(const Identity& identity, const std::string& external_task_id,
                                                  const BpmnErrorRequest& request) {
  return post_no_content(identity, "/task" + seg(external_task_id) + "/handle_bpmn_error",
                         json::write_bpmn_error(request));
}

ClientStatus ConsumerApiClient::handle_service_error(const Identity& identity, const std::string& external_task_id,
                                                     const ServiceErrorRequest& request) {
  auto body = body_or_error(json::write_service_error(request));
  if (!body) return std::move(body).take_error();
  return post_no_content(identity, "/task" + seg(external_task_id) + "/handle_service_error", std::move(body).value());
}

ClientStatus ConsumerApiClient::finish_external_task(const Identity& identity, const std::string& external_task_id,
                                                     const FinishExternalTaskRequest& request) {
  auto body = body_or_error(json::write_finish_external_task(request));
  if (!body) return std::move(body).take_error();
  return post_no_content(identity, "/task" + seg(external_task_id) + "/finish", std::move(body).value());
}

}  // namespace processhost::client
