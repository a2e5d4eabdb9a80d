#include "iam_config.hpp"

#include <sodium.h>

#include <filesystem>
#include <fstream>
#include <map>

#include <gtest/gtest.h>

#include "processhost/json.hpp"

namespace processhost::plugins::iam {
namespace {

const std::string kGoodSecret(40, 's');

class IamConfigTest : public ::testing::Test {
 protected:
  IamConfig parse(const std::string& json) {
    rapidjson::Document document;
    EXPECT_FALSE(json_parse(json, document).has_value()) << json;
    return parse_iam_config(document, "/etc/processhost",
                            [this](const std::string& name) -> std::optional<std::string> {
                              auto found = environment_.find(name);
                              if (found == environment_.end()) return std::nullopt;
                              return found->second;
                            });
  }
  void expect_error(const std::string& json, std::string_view message_part) {
    try {
      parse(json);
      FAIL() << "accepted: " << json;
    } catch (const std::invalid_argument& error) {
      EXPECT_NE(std::string(error.what()).find(message_part), std::string::npos) << error.what();
    }
  }

  std::map<std::string, std::string> environment_;
};

TEST_F(IamConfigTest, DefaultsMatchTheDocumentation) {
  auto config = parse(R"({"usersFile":"iam/users.json","secret":")" + kGoodSecret + "\"}");
  EXPECT_EQ(config.issuer, "processhost");
  EXPECT_EQ(config.secret, kGoodSecret);
  EXPECT_EQ(config.token_lifetime, std::chrono::hours(8));
  EXPECT_EQ(config.clock_leeway, std::chrono::seconds(30));
  EXPECT_EQ(config.users_file, std::filesystem::path("/etc/processhost/iam/users.json"));
  EXPECT_FALSE(config.allow_god_token);
  EXPECT_EQ(config.login_throttle.account.free_failures, 5u);
  EXPECT_EQ(config.login_throttle.account.base_delay, std::chrono::seconds(1));
  EXPECT_EQ(config.login_throttle.account.max_delay, std::chrono::seconds(30));
  EXPECT_EQ(config.login_throttle.account.forget_after, std::chrono::seconds(900));
  EXPECT_EQ(config.login_throttle.address.max_failures, 20u);
  EXPECT_EQ(config.login_throttle.address.window, std::chrono::seconds(300));
  EXPECT_EQ(config.login_throttle.max_tracked_keys, 100'000u);
  EXPECT_EQ(config.password_limits.ops_limit, crypto_pwhash_OPSLIMIT_INTERACTIVE);
  EXPECT_EQ(config.password_limits.mem_limit_bytes, crypto_pwhash_MEMLIMIT_INTERACTIVE);
  EXPECT_EQ(config.secret_source, "'secret'");
}

TEST_F(IamConfigTest, ReadsEveryField) {
  auto config =
      parse(R"({"issuer":"me","secret":")" + kGoodSecret + R"(","previousSecrets":[")" + std::string(32, 'p') +
            R"("],"tokenLifetimeSeconds":60,"clockLeewaySeconds":0,"usersFile":"/abs/users.json",
      "allowGodToken":true,
      "loginThrottle":{"account":{"freeFailures":0,"baseDelaySeconds":2,"maxDelaySeconds":8,"forgetAfterSeconds":60},
                       "address":{"maxFailures":4,"windowSeconds":10},"maxTrackedKeys":500},
      "passwordHashing":{"opsLimit":1,"memLimitBytes":8192},"workerThreads":3,"maxPendingLogins":7})");
  EXPECT_EQ(config.issuer, "me");
  EXPECT_EQ(config.previous_secrets, std::vector<std::string>{std::string(32, 'p')});
  EXPECT_EQ(config.token_lifetime, std::chrono::seconds(60));
  EXPECT_EQ(config.clock_leeway, std::chrono::seconds(0));
  EXPECT_EQ(config.users_file, std::filesystem::path("/abs/users.json"));
  EXPECT_TRUE(config.allow_god_token);
  EXPECT_EQ(config.login_throttle.account.free_failures, 0u);
  EXPECT_EQ(config.login_throttle.account.base_delay, std::chrono::seconds(2));
  EXPECT_EQ(config.login_throttle.account.max_delay, std::chrono::seconds(8));
  EXPECT_EQ(config.login_throttle.account.forget_after, std::chrono::seconds(60));
  EXPECT_EQ(config.login_throttle.address.max_failures, 4u);
  EXPECT_EQ(config.login_throttle.address.window, std::chrono::seconds(10));
  EXPECT_EQ(config.login_throttle.max_tracked_keys, 500u);
  EXPECT_EQ(config.password_limits.ops_limit, 1u);
  EXPECT_EQ(config.password_limits.mem_limit_bytes, 8192u);
  EXPECT_EQ(config.worker_threads, 3u);
  EXPECT_EQ(config.max_pending_logins, 7u);
}

TEST_F(IamConfigTest, RefusesMissingOrShortSecret) {
  expect_error(R"({"usersFile":"u.json"})", "PROCESSHOST_IAM_SECRET");
  expect_error(R"({"usersFile":"u.json","secret":"short"})", "at least 32");
  expect_error(R"({"usersFile":"u.json","secret":")" + kGoodSecret + R"(","previousSecrets":["short"]})",
               "at least 32");
  expect_error(R"({"usersFile":"u.json","secret":")" + kGoodSecret + R"(","secretFile":"x"})", "not both");
  expect_error(R"({"secret":")" + kGoodSecret + R"("})", "'usersFile' is required");
}

TEST_F(IamConfigTest, EnvironmentOverridesTheConfiguredSecret) {
  environment_["PROCESSHOST_IAM_SECRET"] = std::string(33, 'e');
  auto config = parse(R"({"usersFile":"u.json","secret":")" + kGoodSecret + "\"}");
  EXPECT_EQ(config.secret, std::string(33, 'e'));
  EXPECT_EQ(config.secret_source, "environment variable PROCESSHOST_IAM_SECRET");
  EXPECT_EQ(parse(R"({"usersFile":"u.json"})").secret, std::string(33, 'e')) << "no secret in the file is fine then";
}

TEST_F(IamConfigTest, SecretFileIsReadAndItsTrailingNewlineDropped) {
  auto path = std::filesystem::temp_directory_path() / ("processhost-iam-secret-" + std::to_string(::getpid()));
  std::ofstream(path) << kGoodSecret << "\n";
  auto config = parse(R"({"usersFile":"u.json","secretFile":")" + path.string() + "\"}");
  std::filesystem::remove(path);
  EXPECT_EQ(config.secret, kGoodSecret);
  expect_error(R"({"usersFile":"u.json","secretFile":"no-such-file"})", "/etc/processhost/no-such-file");
}

TEST_F(IamConfigTest, RefusesWrongTypesAndRanges) {
  const auto secret = R"("usersFile":"u.json","secret":")" + kGoodSecret + "\"";
  expect_error("{" + secret + R"(,"issuer":""})", "'issuer'");
  expect_error("{" + secret + R"(,"tokenLifetimeSeconds":"8h"})", "'tokenLifetimeSeconds'");
  expect_error("{" + secret + R"(,"tokenLifetimeSeconds":0})", "'tokenLifetimeSeconds' must be between");
  expect_error("{" + secret + R"(,"allowGodToken":"yes"})", "'allowGodToken'");
  expect_error("{" + secret + R"(,"loginThrottle":5})", "'loginThrottle' must be an object");
  expect_error("{" + secret + R"(,"loginThrottle":{"account":[]}})", "'account' must be an object");
  expect_error("{" + secret + R"(,"loginThrottle":{"address":{"maxFailures":0}}})", "'maxFailures' must be between");
  expect_error("{" + secret + R"(,"loginThrottle":{"address":{"windowSeconds":-1}}})", "'windowSeconds'");
  expect_error("{" + secret + R"(,"loginThrottle":{"account":{"baseDelaySeconds":0}}})", "'baseDelaySeconds'");
  expect_error("{" + secret + R"(,"loginThrottle":{"maxTrackedKeys":10}})", "'maxTrackedKeys' must be between");
  expect_error("{" + secret + R"(,"passwordHashing":{"memLimitBytes":10}})", "'memLimitBytes'");
  rapidjson::Document array;
  array.SetArray();
  EXPECT_THROW(parse_iam_config(array, "/", process_environment()), std::invalid_argument);
}

TEST_F(IamConfigTest, RefusesThrottleDelaysThatContradictEachOther) {
  const std::string secret = R"("usersFile":"u.json","secret":")" + kGoodSecret + "\"";
  expect_error("{" + secret + R"(,"loginThrottle":{"account":{"baseDelaySeconds":60}}})",
               "'loginThrottle.account.maxDelaySeconds' must not be below baseDelaySeconds");
  expect_error("{" + secret + R"(,"loginThrottle":{"account":{"maxDelaySeconds":60,"forgetAfterSeconds":30}}})",
               "'loginThrottle.account.forgetAfterSeconds' must not be below maxDelaySeconds");
  auto config = parse("{" + secret + R"(,"loginThrottle":{"account":{"baseDelaySeconds":60,"maxDelaySeconds":60}}})");
  EXPECT_EQ(config.login_throttle.account.max_delay, std::chrono::seconds(60));
}

TEST_F(IamConfigTest, TheReplacedRateLimitIsRefusedNamingItsSuccessor) {
  expect_error(
      R"({"usersFile":"u.json","secret":")" + kGoodSecret + R"(","rateLimit":{"maxAttempts":5,"windowSeconds":300}})",
      "was replaced by 'loginThrottle'");
}

TEST_F(IamConfigTest, SchemaIsValidJson) {
  rapidjson::Document schema;
  EXPECT_FALSE(json_parse(kIamConfigSchema, schema).has_value());
  EXPECT_TRUE(schema.IsObject());
}

}  // namespace
}  // namespace processhost::plugins::iam
