// Cross-cutting rules: /info, auth header handling, claims, 503 when not serving,
// engine errors passed through with their status and the JSON error body.

#include "api_fixture.hpp"

namespace processhost::plugins::consumer_api::testing {
namespace {

using ::testing::_;
using ::testing::DoAll;
using ::testing::InvokeArgument;
using ::testing::SaveArg;

PagedList<ProcessModelInfo> no_models() { return {}; }

TEST_F(ApiFixture, InfoReportsNameAndVersion) {
  auto response = get("/info");
  EXPECT_EQ(response->response().status, 200);
  EXPECT_EQ(response->response().body, R"({"name":"processhost","version":"9.8.7"})");
  ASSERT_EQ(response->response().headers.size(), 1u);
  EXPECT_EQ(response->response().headers[0].second, "application/json");
}

TEST_F(ApiFixture, OpenModeRunsAsAnonymousWithoutHeaderAndWarnsAtStart) {
  Identity seen;
  EXPECT_CALL(engine_, list_process_models(_, _, _))
      .WillOnce(DoAll(SaveArg<0>(&seen), InvokeArgument<2>(Result<PagedList<ProcessModelInfo>>(no_models()))));
  auto response = get("/process_models");
  EXPECT_EQ(response->response().status, 200);
  EXPECT_EQ(seen.user_id, "anonymous");
  EXPECT_TRUE(seen.super_user);
  bool warned = false;
  for (const auto& [level, line] : context_.log.lines()) {
    warned |= level == LogLevel::warn && line.find("authentication is off") != std::string::npos;
  }
  EXPECT_TRUE(warned);
}

TEST_F(ApiFixture, EngineErrorsKeepStatusMessageAndAdditionalInformation) {
  EXPECT_CALL(engine_, get_process_model(_, "m", _))
      .WillOnce(InvokeArgument<2>(Result<ProcessModelInfo>(
          make_error(ErrorStatus::unavailable, "The store is unavailable.", R"({"retryAfterMs":1000})"))));
  auto response = get("/process_models/m");
  EXPECT_EQ(response->response().status, 503);
  EXPECT_EQ(response->response().body,
            R"({"message":"The store is unavailable.","additionalInformation":{"retryAfterMs":1000}})");
}

TEST_F(ApiFixture, RoutesAnswer503AfterStopAndDoNotCallTheEngine) {
  plugin_->stop();
  EXPECT_CALL(engine_, list_process_models(_, _, _)).Times(0);
  auto response = get("/process_models");
  EXPECT_EQ(response->response().status, 503);
  auto info = get("/info");
  EXPECT_EQ(info->response().status, 503);
}

TEST_F(ApiFixture, ExceptionsInAHandlerBecome500) {
  EXPECT_CALL(engine_, list_process_models(_, _, _)).WillOnce([](auto&&...) { throw std::runtime_error("boom"); });
  auto response = get("/process_models");
  EXPECT_EQ(response->response().status, 500);
  EXPECT_EQ(response->response().body, R"({"message":"Internal error: boom"})");
}

TEST_F(ApiFixture, TrailingSlashOnTheSingularModelRouteIsServed) {
  EXPECT_CALL(engine_, get_process_model_by_instance(_, "pi", _))
      .WillOnce(InvokeArgument<2>(Result<ProcessModelInfo>(make_error(ErrorStatus::not_found, "gone"))));
  auto response = get("/process_instance/pi/process_model/");
  EXPECT_EQ(response->response().status, 404);
}

TEST_F(AuthApiFixture, MissingHeaderIs401NoAuthTokenProvided) {
  EXPECT_CALL(engine_, list_process_models(_, _, _)).Times(0);
  auto response = get("/process_models");
  EXPECT_EQ(response->response().status, 401);
  EXPECT_EQ(response->response().body, R"({"message":"No auth token provided!"})");
}

TEST_F(AuthApiFixture, RepeatedHeaderIs400) {
  auto response = call("GET", "/process_models", "", {{"authorization", "Bearer admin"}, {"authorization", "Bearer x"}});
  EXPECT_EQ(response->response().status, 400);
  auto body = body_json(*response);
  EXPECT_NE(std::string(body["message"].GetString()).find("Multiple values"), std::string::npos);
}

TEST_F(AuthApiFixture, CommaSeparatedValuesAre400) {
  auto response = call("GET", "/user_tasks/own", "", {{"authorization", "Bearer admin, Bearer reader"}});
  EXPECT_EQ(response->response().status, 400);
}

TEST_F(AuthApiFixture, UnverifiableTokenIs401WithTheServicesMessage) {
  auto response = as("forged", "GET", "/process_models");
  EXPECT_EQ(response->response().status, 401);
  EXPECT_EQ(response->response().body, R"({"message":"The token could not be verified."})");
}

TEST_F(AuthApiFixture, ValidTokenReachesTheEngineWithThatIdentity) {
  Identity seen;
  EXPECT_CALL(engine_, list_process_models(_, _, _))
      .WillOnce(DoAll(SaveArg<0>(&seen), InvokeArgument<2>(Result<PagedList<ProcessModelInfo>>(no_models()))));
  auto response = as("reader", "GET", "/process_models");
  EXPECT_EQ(response->response().status, 200);
  EXPECT_EQ(seen.user_id, "reader");
  EXPECT_FALSE(seen.super_user);
}

TEST_F(AuthApiFixture, MissingClaimIs403NamingTheClaim) {
  EXPECT_CALL(engine_, list_process_models(_, _, _)).Times(0);
  auto response = as("nobody", "GET", "/process_models");
  EXPECT_EQ(response->response().status, 403);
  EXPECT_EQ(response->response().body,
            R"({"message":"Identity does not have the requested claim!",)"
            R"("additionalInformation":{"claim":"can_read_process_model","userId":"nobody"}})");
}

TEST_F(AuthApiFixture, EachGuardedRouteChecksItsClaim) {
  const struct {
    std::string method;
    std::string path;
    std::string claim;
  } cases[] = {
      {"GET", "/process_models/m", "can_read_process_model"},
      {"GET", "/process_instance/pi/process_model", "can_read_process_model"},
      {"POST", "/process_models/m/start", "can_read_process_model"},
      {"POST", "/message/go/trigger", "can_trigger_messages"},
      {"POST", "/signal/go/trigger", "can_trigger_signals"},
      {"POST", "/fetch_and_lock", "can_access_external_tasks"},
      {"POST", "/task/t/extend_lock", "can_access_external_tasks"},
      {"POST", "/task/t/finish", "can_access_external_tasks"},
      {"POST", "/task/t/handle_bpmn_error", "can_access_external_tasks"},
      {"POST", "/task/t/handle_service_error", "can_access_external_tasks"},
  };
  for (const auto& c : cases) {
    auto response = as("reader", c.method, c.path, "{}");
    if (c.claim == "can_read_process_model") continue;  // the reader holds it
    EXPECT_EQ(response->response().status, 403) << c.path;
    auto body = body_json(*response);
    EXPECT_STREQ(body["additionalInformation"]["claim"].GetString(), c.claim.c_str()) << c.path;
  }
  for (const auto& c : cases) {
    if (c.claim != "can_read_process_model") continue;
    auto response = as("nobody", c.method, c.path, "{}");
    EXPECT_EQ(response->response().status, 403) << c.path;
  }
}

TEST_F(AuthApiFixture, DeprecatedExternalTaskRoutesAreGuardedToo) {
  auto responder = context_.router.dispatch("POST", "/api/external_task/v1/fetch_and_lock", "{}",
                                            {{"authorization", "Bearer reader"}});
  ASSERT_NE(responder, nullptr);
  EXPECT_EQ(responder->response().status, 403);
}

TEST_F(AuthApiFixture, InfoAndSwaggerNeedNoToken) {
  EXPECT_EQ(get("/info")->response().status, 200);
  EXPECT_EQ(get("/swagger")->response().status, 200);
}

TEST_F(AuthApiFixture, UnguardedListsNeedOnlyAValidToken) {
  EXPECT_CALL(engine_, waiting_tasks(_, _, _))
      .WillOnce(InvokeArgument<2>(Result<PagedList<WaitingTask>>(PagedList<WaitingTask>{})));
  auto response = as("nobody", "GET", "/user_tasks/own");
  EXPECT_EQ(response->response().status, 200);
  EXPECT_EQ(response->response().body, R"({"userTasks":[],"totalCount":0})");
}

}  // namespace
}  // namespace processhost::plugins::consumer_api::testing
