#include <gtest/gtest.h>

#include <functional>

#include "fake_transport.hpp"
#include "processhost/client/consumer_api_client.hpp"

namespace processhost::client {
namespace {

using testing::FakeTransport;

const Identity kUser{"tok-en", "sampleUser"};

struct RouteCase {
  const char* name;
  std::function<bool(ConsumerApiClient&)> call;  // true when the call succeeded
  const char* method;
  const char* target;
  const char* reply_body;
  int reply_status;
  const char* request_body;
};

void PrintTo(const RouteCase& route, std::ostream* out) {
  *out << route.name;
}

class ConsumerApiRoutes : public ::testing::TestWithParam<RouteCase> {};

TEST_P(ConsumerApiRoutes, SendsTheReferenceRequest) {
  const RouteCase& route = GetParam();
  FakeTransport transport;
  transport.reply(route.reply_status, route.reply_body);
  ConsumerApiClient client(transport);
  EXPECT_TRUE(route.call(client));
  ASSERT_EQ(transport.calls.size(), 1u);
  EXPECT_EQ(transport.calls[0].method, route.method);
  EXPECT_EQ(transport.calls[0].target, route.target);
  EXPECT_EQ(transport.calls[0].body, route.request_body);
}

constexpr const char* kUserTasks = R"({"userTasks":[],"totalCount":0})";
constexpr const char* kManualTasks = R"({"manualTasks":[],"totalCount":0})";
constexpr const char* kEmptyActivities = R"({"emptyActivities":[],"totalCount":0})";
constexpr const char* kTasks = R"({"tasks":[],"totalCount":0})";
constexpr const char* kEvents = R"({"events":[],"totalCount":0})";
constexpr const char* kModel = R"({"id":"m","startEvents":[],"endEvents":[]})";

#define PH_ROUTE(expr) [](ConsumerApiClient& c) { return static_cast<bool>(c.expr); }

const RouteCase kRoutes[] = {
    {"info", PH_ROUTE(application_info()), "GET", "/api/consumer/v1/info", R"({"name":"n","version":"v"})", 200, ""},
    {"swagger", PH_ROUTE(swagger()), "GET", "/api/consumer/v1/swagger", R"({"openapi":"3.0.0"})", 200, ""},
    {"models", PH_ROUTE(process_models(kUser, {2, 5})), "GET", "/api/consumer/v1/process_models?offset=2&limit=5",
     R"({"processModels":[],"totalCount":0})", 200, ""},
    {"model", PH_ROUTE(process_model(kUser, "my model")), "GET", "/api/consumer/v1/process_models/my%20model", kModel,
     200, ""},
    {"model_by_instance", PH_ROUTE(process_model_by_process_instance(kUser, "pi")), "GET",
     "/api/consumer/v1/process_instance/pi/process_model", kModel, 200, ""},
    {"start", PH_ROUTE(start_process_instance(kUser, "m", {"cid", std::nullopt, "{}"})), "POST",
     "/api/consumer/v1/process_models/m/start?start_callback_type=1", R"({"correlationId":"cid"})", 200,
     R"({"correlationId":"cid","inputValues":{}})"},
    {"start_wait_end_event",
     PH_ROUTE(start_process_instance(kUser, "m", {}, {StartCallbackType::on_end_event_reached, "S 1", "E/1"})), "POST",
     "/api/consumer/v1/process_models/m/start?start_callback_type=3&start_event_id=S%201&end_event_id=E%2F1",
     R"({"correlationId":"c","processInstanceId":"p","endEventId":"E/1","tokenPayload":{}})", 200, "{}"},
    {"own_instances", PH_ROUTE(own_process_instances(kUser)), "GET", "/api/consumer/v1/process_instances/own",
     R"({"processInstances":[],"totalCount":0})", 200, ""},
    {"results", PH_ROUTE(correlation_results(kUser, "c", "m")), "GET",
     "/api/consumer/v1/correlations/c/process_models/m/results", R"({"correlationResults":[],"totalCount":0})", 200, ""},
    {"events_model", PH_ROUTE(events_for_process_model(kUser, "m")), "GET", "/api/consumer/v1/process_models/m/events",
     kEvents, 200, ""},
    {"events_correlation", PH_ROUTE(events_for_correlation(kUser, "c")), "GET", "/api/consumer/v1/correlations/c/events",
     kEvents, 200, ""},
    {"events_model_correlation", PH_ROUTE(events_for_process_model_in_correlation(kUser, "m", "c")), "GET",
     "/api/consumer/v1/process_models/m/correlations/c/events", kEvents, 200, ""},
    {"trigger_message", PH_ROUTE(trigger_message(kUser, "msg", R"({"currentToken":1})")), "POST",
     "/api/consumer/v1/message/msg/trigger", "", 204, R"({"currentToken":1})"},
    {"trigger_signal", PH_ROUTE(trigger_signal(kUser, "sig")), "POST", "/api/consumer/v1/signal/sig/trigger", "", 204,
     "{}"},
    {"user_tasks_model", PH_ROUTE(user_tasks_for_process_model(kUser, "m")), "GET",
     "/api/consumer/v1/process_models/m/user_tasks", kUserTasks, 200, ""},
    {"user_tasks_instance", PH_ROUTE(user_tasks_for_process_instance(kUser, "p", {0, 10})), "GET",
     "/api/consumer/v1/process_instances/p/user_tasks?limit=10", kUserTasks, 200, ""},
    {"user_tasks_correlation", PH_ROUTE(user_tasks_for_correlation(kUser, "c")), "GET",
     "/api/consumer/v1/correlations/c/user_tasks", kUserTasks, 200, ""},
    {"user_tasks_model_correlation", PH_ROUTE(user_tasks_for_process_model_in_correlation(kUser, "m", "c")), "GET",
     "/api/consumer/v1/process_models/m/correlations/c/user_tasks", kUserTasks, 200, ""},
    {"own_user_tasks", PH_ROUTE(own_user_tasks(kUser)), "GET", "/api/consumer/v1/user_tasks/own", kUserTasks, 200, ""},
    {"finish_user_task", PH_ROUTE(finish_user_task(kUser, "p", "c", "f", {R"({"TaskWasSuccessful":true})"})), "POST",
     "/api/consumer/v1/processes/p/correlations/c/usertasks/f/finish", "", 204,
     R"({"formFields":{"TaskWasSuccessful":true}})"},
    {"manual_model", PH_ROUTE(manual_tasks_for_process_model(kUser, "m")), "GET",
     "/api/consumer/v1/process_models/m/manual_tasks", kManualTasks, 200, ""},
    {"manual_instance", PH_ROUTE(manual_tasks_for_process_instance(kUser, "p")), "GET",
     "/api/consumer/v1/process_instances/p/manual_tasks", kManualTasks, 200, ""},
    {"manual_correlation", PH_ROUTE(manual_tasks_for_correlation(kUser, "c")), "GET",
     "/api/consumer/v1/correlations/c/manual_tasks", kManualTasks, 200, ""},
    {"manual_model_correlation", PH_ROUTE(manual_tasks_for_process_model_in_correlation(kUser, "m", "c")), "GET",
     "/api/consumer/v1/process_models/m/correlations/c/manual_tasks", kManualTasks, 200, ""},
    {"own_manual", PH_ROUTE(own_manual_tasks(kUser)), "GET", "/api/consumer/v1/manual_tasks/own", kManualTasks, 200, ""},
    {"finish_manual", PH_ROUTE(finish_manual_task(kUser, "p", "c", "f")), "POST",
     "/api/consumer/v1/processes/p/correlations/c/manual_tasks/f/finish", "", 204, "{}"},
    {"empty_model", PH_ROUTE(empty_activities_for_process_model(kUser, "m")), "GET",
     "/api/consumer/v1/process_models/m/empty_activities", kEmptyActivities, 200, ""},
    {"empty_instance", PH_ROUTE(empty_activities_for_process_instance(kUser, "p")), "GET",
     "/api/consumer/v1/process_instances/p/empty_activities", kEmptyActivities, 200, ""},
    {"empty_correlation", PH_ROUTE(empty_activities_for_correlation(kUser, "c")), "GET",
     "/api/consumer/v1/correlations/c/empty_activities", kEmptyActivities, 200, ""},
    {"empty_model_correlation", PH_ROUTE(empty_activities_for_process_model_in_correlation(kUser, "m", "c")), "GET",
     "/api/consumer/v1/process_models/m/correlations/c/empty_activities", kEmptyActivities, 200, ""},
    {"own_empty", PH_ROUTE(own_empty_activities(kUser)), "GET", "/api/consumer/v1/empty_activities/own",
     kEmptyActivities, 200, ""},
    {"finish_empty", PH_ROUTE(finish_empty_activity(kUser, "p", "c", "f")), "POST",
     "/api/consumer/v1/processes/p/correlations/c/empty_activities/f/finish", "", 204, "{}"},
    {"suspended", PH_ROUTE(suspended_tasks(kUser)), "GET", "/api/consumer/v1/suspended_tasks", kTasks, 200, ""},
    {"tasks_model", PH_ROUTE(tasks_for_process_model(kUser, "m")), "GET", "/api/consumer/v1/process_models/m/tasks",
     kTasks, 200, ""},
    {"tasks_instance", PH_ROUTE(tasks_for_process_instance(kUser, "p")), "GET",
     "/api/consumer/v1/process_instances/p/tasks", kTasks, 200, ""},
    {"tasks_correlation", PH_ROUTE(tasks_for_correlation(kUser, "c")), "GET", "/api/consumer/v1/correlations/c/tasks",
     kTasks, 200, ""},
    {"tasks_model_correlation", PH_ROUTE(tasks_for_process_model_in_correlation(kUser, "m", "c")), "GET",
     "/api/consumer/v1/process_models/m/correlations/c/tasks", kTasks, 200, ""},
    {"fetch_and_lock", PH_ROUTE(fetch_and_lock(kUser, {"w", "t", 1, 0, 1000})), "POST",
     "/api/consumer/v1/fetch_and_lock", "[]", 200,
     R"({"workerId":"w","topicName":"t","maxTasks":1,"longPollingTimeout":0,"lockDuration":1000})"},
    {"extend_lock", PH_ROUTE(extend_lock(kUser, "x", {"w", 10})), "POST", "/api/consumer/v1/task/x/extend_lock", "",
     204, R"({"workerId":"w","additionalDuration":10})"},
    {"bpmn_error", PH_ROUTE(handle_bpmn_error(kUser, "x", {"w", "c", "m"})), "POST",
     "/api/consumer/v1/task/x/handle_bpmn_error", "", 204, R"({"workerId":"w","errorCode":"c","errorMessage":"m"})"},
    {"service_error", PH_ROUTE(handle_service_error(kUser, "x", {"w", "m", "null", "E"})), "POST",
     "/api/consumer/v1/task/x/handle_service_error", "", 204,
     R"({"workerId":"w","errorMessage":"m","errorDetails":null,"errorCode":"E"})"},
    {"finish_external", PH_ROUTE(finish_external_task(kUser, "x", {"w", "{}"})), "POST",
     "/api/consumer/v1/task/x/finish", "", 204, R"({"workerId":"w","result":{}})"},
};

INSTANTIATE_TEST_SUITE_P(EveryRoute, ConsumerApiRoutes, ::testing::ValuesIn(kRoutes),
                         [](const ::testing::TestParamInfo<RouteCase>& info) { return std::string(info.param.name); });

TEST(ConsumerApiClient, SendsTheBearerTokenOnlyForIdentitiesWithAToken) {
  FakeTransport transport;
  transport.default_reply = FakeTransport::make(200, R"({"userTasks":[],"totalCount":0})");
  ConsumerApiClient client(transport);
  ASSERT_TRUE(client.own_user_tasks(kUser));
  ASSERT_TRUE(client.own_user_tasks(Identity{}));
  (void)client.application_info();
  EXPECT_EQ(transport.header(0, "Authorization"), "Bearer tok-en");
  EXPECT_EQ(transport.header(1, "Authorization"), "<absent>");
  EXPECT_EQ(transport.header(2, "Authorization"), "<absent>");
}

TEST(ConsumerApiClient, TurnsErrorStatusesIntoTypedErrors) {
  FakeTransport transport;
  transport.reply(403, R"({"message":"Access denied.","additionalInformation":{"claim":"sample_lane"}})");
  ConsumerApiClient client(transport);
  auto result = client.finish_user_task(kUser, "p", "c", "f", {R"({"a":1})"});
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().kind, ErrorKind::http);
  EXPECT_EQ(result.error().status, 403);
  EXPECT_EQ(result.error().message, "Access denied.");
  EXPECT_EQ(result.error().additional_information, R"({"claim":"sample_lane"})");
}

TEST(ConsumerApiClient, PassesTransportErrorsThrough) {
  FakeTransport transport;
  transport.replies.push_back(make_client_error(ErrorKind::timeout, "no answer"));
  ConsumerApiClient client(transport);
  auto result = client.process_models(kUser);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().kind, ErrorKind::timeout);
  EXPECT_EQ(result.error().message, "no answer");
}

TEST(ConsumerApiClient, RejectsAnUnexpectedSuccessShape) {
  FakeTransport transport;
  transport.reply(200, R"({"tasks":"nope"})");
  ConsumerApiClient client(transport);
  auto result = client.suspended_tasks(kUser);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().kind, ErrorKind::protocol);
  EXPECT_EQ(result.error().message, "TaskList: field 'tasks' is not an array");
}

TEST(ConsumerApiClient, RefusesToSendFormFieldsThatAreNotAnObject) {
  FakeTransport transport;
  ConsumerApiClient client(transport);
  auto result = client.finish_user_task(kUser, "p", "c", "f", {"\"text\""});
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().kind, ErrorKind::protocol);
  EXPECT_TRUE(transport.calls.empty());
}

}  // namespace
}  // namespace processhost::client
