#include "login_route.hpp"

#include <gtest/gtest.h>

#include "iam_test_support.hpp"
#include "processhost/json.hpp"
#include "processhost/test/fake_host.hpp"

namespace processhost::plugins::iam {
namespace {

using namespace testing;
using processhost::testing::FakeLogger;
using processhost::testing::header_of;
using processhost::testing::WaitingResponder;

class LoginRouteTest : public ::testing::Test {
 protected:
  LoginRouteTest() {
    users_ = UserDirectory::parse(R"({"users":[{"username":"sampleUser","passwordHash":")" + hasher_.hash("pass") +
                                      R"(","claims":["sample_lane"]}]})",
                                  "users.json");
    pool_.start(1);
  }
  ~LoginRouteTest() override { pool_.stop(); }

  HttpResponse post(const std::string& body, const std::string& address = "10.0.0.1") {
    HttpRequest request;
    request.method = "POST";
    request.path = request.target = "/iam/login";
    request.body = body;
    request.remote_address = address;
    auto responder = std::make_shared<WaitingResponder>();
    route_.handle(std::move(request), responder);
    auto response = responder->wait();
    EXPECT_TRUE(response.has_value());
    return response.value_or(HttpResponse{});
  }

  ManualClock clock_;
  PasswordHasher hasher_{fast_limits()};
  UserDirectory users_;
  TokenService tokens_{settings(), clock_.function()};
  LoginService logins_{users_, hasher_, tokens_};
  RateLimiter limiter_{RateLimitConfig{3, std::chrono::seconds(60)}};
  WorkerPool pool_{4};
  FakeLogger logger_;
  LoginRoute route_{logins_, limiter_, pool_, logger_};
};

TEST_F(LoginRouteTest, GoodCredentialsGive200WithAVerifiableToken) {
  auto response = post(R"({"username":"sampleUser","password":"pass"})");
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(header_of(response, "Content-Type"), "application/json");
  rapidjson::Document body;
  ASSERT_FALSE(json_parse(response.body, body).has_value());
  EXPECT_STREQ(body["userId"].GetString(), "sampleUser");
  EXPECT_TRUE(body["expiresAt"].IsString());
  EXPECT_TRUE(tokens_.verify(body["token"].GetString()).ok());
}

TEST_F(LoginRouteTest, BadCredentialsGive401AndBadBodies400) {
  auto wrong = post(R"({"username":"sampleUser","password":"nope"})");
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(wrong.body, R"({"message":"Invalid username or password."})");
  auto unknown = post(R"({"username":"ghost","password":"pass"})");
  EXPECT_EQ(unknown.status, 401);
  EXPECT_EQ(unknown.body, wrong.body);
  EXPECT_EQ(post("not json").status, 400);
  EXPECT_EQ(post(R"({"username":"sampleUser"})").status, 400);
}

TEST_F(LoginRouteTest, TooManyAttemptsGive429WithRetryAfterPerUserAndAddress) {
  for (int i = 0; i < 3; ++i) ASSERT_EQ(post(R"({"username":"sampleUser","password":"nope"})").status, 401);
  auto limited = post(R"({"username":"sampleUser","password":"pass"})");
  EXPECT_EQ(limited.status, 429);
  auto retry_after = header_of(limited, "Retry-After");
  ASSERT_TRUE(retry_after.has_value());
  EXPECT_GE(std::stoi(*retry_after), 59);
  EXPECT_LE(std::stoi(*retry_after), 60);
  EXPECT_EQ(post(R"({"username":"sampleUser","password":"pass"})", "10.0.0.2").status, 200);
}

TEST_F(LoginRouteTest, SuccessClearsTheCount) {
  for (int round = 0; round < 3; ++round) {
    ASSERT_EQ(post(R"({"username":"sampleUser","password":"nope"})").status, 401);
    ASSERT_EQ(post(R"({"username":"sampleUser","password":"nope"})").status, 401);
    ASSERT_EQ(post(R"({"username":"sampleUser","password":"pass"})").status, 200) << round;
  }
}

TEST_F(LoginRouteTest, StoppedPoolGives503) {
  pool_.stop();
  auto response = post(R"({"username":"sampleUser","password":"pass"})");
  EXPECT_EQ(response.status, 503);
  EXPECT_EQ(header_of(response, "Retry-After"), "1");
}

}  // namespace
}  // namespace processhost::plugins::iam
