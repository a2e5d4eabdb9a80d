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
    pool_.start();
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
  std::chrono::steady_clock::time_point now_{std::chrono::hours(1)};
  // 3 free failures per account, then 10 s, 20 s, 40 s; 5 failures per address, one back per 10 s.
  LoginThrottle throttle_{
      LoginThrottleConfig{
          AccountThrottleConfig{3, std::chrono::seconds(10), std::chrono::seconds(40), std::chrono::seconds(300)},
          AddressBudgetConfig{5, std::chrono::seconds(50)}, 1000},
      [this] { return now_; }};
  WorkerPool<> pool_{WorkerPool<>::Options{.threads = 1, .max_queued = 4}};
  FakeLogger logger_;
  LoginRoute route_{logins_, throttle_, pool_, logger_};
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

TEST_F(LoginRouteTest, AnAttackedAccountGets429WithRetryAfterThenTheRightPasswordPasses) {
  for (int i = 0; i < 3; ++i) ASSERT_EQ(post(R"({"username":"sampleUser","password":"nope"})").status, 401);
  auto limited = post(R"({"username":"sampleUser","password":"pass"})", "10.0.0.2");
  EXPECT_EQ(limited.status, 429) << "the delay holds for every address, or guesses would just move";
  EXPECT_EQ(header_of(limited, "Retry-After"), "10");
  EXPECT_EQ(limited.body, R"({"message":"Too many failed logins for this account; try again in 10 seconds."})");
  now_ += std::chrono::seconds(10);
  EXPECT_EQ(post(R"({"username":"sampleUser","password":"pass"})", "10.0.0.2").status, 200);
}

TEST_F(LoginRouteTest, SprayingGets429ForTheAddressOnly) {
  for (int i = 0; i < 5; ++i) {
    ASSERT_EQ(post(R"({"username":"ghost)" + std::to_string(i) + R"(","password":"pass"})").status, 401) << i;
  }
  auto limited = post(R"({"username":"sampleUser","password":"pass"})");
  EXPECT_EQ(limited.status, 429);
  EXPECT_EQ(header_of(limited, "Retry-After"), "10");
  EXPECT_NE(limited.body.find("from this address"), std::string::npos) << limited.body;
  EXPECT_EQ(post(R"({"username":"sampleUser","password":"pass"})", "10.0.0.2").status, 200);
}

TEST_F(LoginRouteTest, UnknownUsersAreThrottledLikeKnownOnes) {
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(post(R"({"username":"sampleUser","password":"nope"})", "10.0.0.1").status, 401);
    ASSERT_EQ(post(R"({"username":"ghost","password":"nope"})", "10.0.0.2").status, 401);
  }
  auto known = post(R"({"username":"sampleUser","password":"nope"})", "10.0.0.3");
  auto unknown = post(R"({"username":"ghost","password":"nope"})", "10.0.0.3");
  EXPECT_EQ(known.status, 429);
  EXPECT_EQ(unknown.status, known.status);
  EXPECT_EQ(unknown.body, known.body);
  EXPECT_EQ(header_of(unknown, "Retry-After"), header_of(known, "Retry-After"));
}

TEST_F(LoginRouteTest, SuccessClearsTheAccountsCount) {
  for (int round = 0; round < 3; ++round) {
    const std::string address = "10.0.1." + std::to_string(round);
    ASSERT_EQ(post(R"({"username":"sampleUser","password":"nope"})", address).status, 401);
    ASSERT_EQ(post(R"({"username":"sampleUser","password":"nope"})", address).status, 401);
    ASSERT_EQ(post(R"({"username":"sampleUser","password":"pass"})", address).status, 200) << round;
  }
}

TEST_F(LoginRouteTest, StoppedPoolGives503) {
  pool_.stop();
  auto response = post(R"({"username":"sampleUser","password":"pass"})");
  EXPECT_EQ(response.status, 503);
  EXPECT_EQ(header_of(response, "Retry-After"), "1");
  for (int i = 0; i < 10; ++i) ASSERT_EQ(post(R"({"username":"sampleUser","password":"nope"})").status, 503);
  pool_.start();
  EXPECT_EQ(post(R"({"username":"sampleUser","password":"pass"})").status, 200)
      << "logins that were never verified are no failures";
}

}  // namespace
}  // namespace processhost::plugins::iam
