#include "sample_script.hpp"

#include <boost/uuid/random_generator.hpp>
#include <boost/uuid/uuid_io.hpp>

#include "processhost/client/json_mapping.hpp"

namespace processhost::client::examples {

void StepPrinter::step(const std::string& text) {
  out_ << "[" << program_ << "] " << text << std::endl;
}

void StepPrinter::failure(const ClientError& error) {
  out_ << "[" << program_ << "] failed: " << error.describe() << std::endl;
}

ClientResult<Identity> establish_identity(HttpTransport& transport, IamClient& iam,
                                          const std::optional<Credentials>& credentials, StepPrinter& printer,
                                          HostCapabilities* discovered) {
  printer.step("asking " + transport.base_url().to_string() + " what it offers (GET /host/plugins)");
  auto capabilities = discover_host(transport);
  if (!capabilities) return std::move(capabilities).take_error();
  printer.step("host: " + capabilities->summary());
  if (discovered != nullptr) *discovered = *capabilities;
  if (auto supported = require_consumer_api(*capabilities, transport.base_url()); !supported) {
    return std::move(supported).take_error();
  }
  if (!capabilities->login_required) {
    printer.step("the host has no IAM: calling the Consumer API without login");
    return Identity{};
  }
  if (!credentials || credentials->username.empty()) {
    return make_client_error(ErrorKind::unsupported,
                             "the host requires login (IAM is loaded) but no credentials were given: use --user and "
                             "--password or the \"credentials\" of the client config");
  }
  printer.step("logging in as " + credentials->username + " (POST /iam/login)");
  auto login = iam.login(*credentials);
  if (!login) return std::move(login).take_error();
  printer.step("logged in as user " + login->identity.user_id);
  return login->identity;
}

std::unique_ptr<NotificationSource> choose_notifications(const HostCapabilities& capabilities, const BaseUrl& url,
                                                         WaitPreference preference, StepPrinter& printer) {
  if (preference == WaitPreference::polling) {
    printer.step("waiting by polling, as configured");
    return nullptr;
  }
  auto source = notification_source_for(capabilities, url);
  printer.step(source ? "waiting by notification (GET " + std::string(kNotificationsPath) + "), polling as a fallback"
                      : "the host has no notification channel: waiting by polling");
  return source;
}

ClientResult<CorrelationResult> run_sample(ConsumerApiClient& client, NotificationSource* notifications,
                                           const Identity& identity, const WaitOptions& wait, StepPrinter& printer) {
  const std::string model(kSampleProcessModelId);
  ProcessStartRequest request;
  request.correlation_id = new_correlation_id();
  request.input_values = "{}";
  printer.step("starting " + model + " with correlation id " + *request.correlation_id);
  auto started = client.start_process_instance(identity, model, request);
  if (!started) return std::move(started).take_error();
  const std::string correlation_id = started->correlation_id;
  printer.step("started: processInstanceId " + started->process_instance_id.value_or("(not given)"));

  printer.step("waiting for user task " + std::string(kSampleUserTaskId));
  auto awaited =
      await_user_task(client, notifications, identity, model, correlation_id, std::string(kSampleUserTaskId), wait);
  if (!awaited) return std::move(awaited).take_error();
  const UserTask* task = &awaited->task;
  printer.step("user task waiting: " + task->id + " \"" + task->name + "\" (flowNodeInstanceId " +
               task->flow_node_instance_id + ")");
  if (awaited->mode == WaitMode::notification) {
    printer.step(awaited->by_event ? "wait mode: notification (its user_task_waiting event arrived)"
                                   : "wait mode: notification (it was already waiting when the subscription began)");
  } else {
    // Without a source the line before said why; with one, the stream failed.
    printer.step("wait mode: polling" +
                 (notifications != nullptr ? " (fallback: " + awaited->fallback_reason + ")" : std::string()));
  }

  printer.step("finishing it with " + std::string(kSampleFormFields));
  auto finished = client.finish_user_task(identity, task->process_instance_id, correlation_id,
                                          task->flow_node_instance_id, UserTaskResult{std::string(kSampleFormFields)});
  if (!finished) return std::move(finished).take_error();
  printer.step("user task finished");

  auto results = wait_for_correlation_results(client, identity, correlation_id, model, wait);
  if (!results) return std::move(results).take_error();
  const CorrelationResult& result = results->correlation_results.front();
  printer.step("correlation result: correlationId " + result.correlation_id + ", endEventId " + result.end_event_id +
               " (" + std::to_string(results->total_count) + " in total)");
  printer.step("result: " + json::compact(result.token_payload));
  return result;
}

std::string new_correlation_id() {
  boost::uuids::random_generator generator;
  return boost::uuids::to_string(generator());
}

}  // namespace processhost::client::examples
