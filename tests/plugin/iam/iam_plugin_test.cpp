// The real iam.so, loaded as the host loads it, configured and driven through a fake
// HostContext: descriptor, config errors, POST /iam/login and the identity service.

#include <sodium.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>

#include <boost/dll/shared_library.hpp>
#include <gtest/gtest.h>

#include "processhost/plugin.hpp"
#include "processhost/services/identity.hpp"
#include "processhost/test/fake_host.hpp"

namespace processhost {
namespace {

using testing::FakeHostContext;
using testing::header_of;
using testing::WaitingResponder;

const std::string kSecret = "plugin-test-secret-0123456789abcdefghijklmnop";

std::string fast_hash(const std::string& password) {
  EXPECT_GE(sodium_init(), 0);
  char hash[crypto_pwhash_STRBYTES] = {};
  EXPECT_EQ(crypto_pwhash_str_alg(hash, password.data(), password.size(), crypto_pwhash_OPSLIMIT_MIN,
                                  crypto_pwhash_MEMLIMIT_MIN, crypto_pwhash_ALG_ARGON2ID13),
            0);
  return hash;
}

class IamPluginTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ::unsetenv("PROCESSHOST_IAM_SECRET");
    library_.load(PROCESSHOST_IAM_PLUGIN_PATH);
    auto entry = library_.get<const PluginDescriptor*() noexcept>(kDescriptorEntryName);
    descriptor_ = entry();
    directory_ = std::filesystem::temp_directory_path() / ("processhost-iam-plugin-" + std::to_string(::getpid()));
    std::filesystem::create_directories(directory_);
    std::ofstream(directory_ / "users.json")
        << R"({"users":[{"username":"sampleUser","passwordHash":")" << fast_hash("pass")
        << R"(","claims":["sample_lane","can_read_process_model"]},
                       {"username":"laneless","passwordHash":")"
        << fast_hash("secret") << R"("}]})";
  }
  void TearDown() override {
    if (plugin_) {
      plugin_->stop();
      descriptor_->destroy(plugin_);
      plugin_ = nullptr;
    }
    context_.reset();  // routes (code of the library) go before the library
    std::filesystem::remove_all(directory_);
  }

  std::string config(const std::string& extra = "", const std::string& users_file = "users.json") const {
    return R"({"issuer":"plugin-test","secret":")" + kSecret + R"(","usersFile":")" + users_file + R"(",
               "passwordHashing":{"opsLimit":1,"memLimitBytes":8192},
               "loginThrottle":{"account":{"freeFailures":3,"baseDelaySeconds":60,"maxDelaySeconds":60},
                                "address":{"maxFailures":4,"windowSeconds":60}})" +
           extra + "}";
  }

  void create(const std::string& config_json) {
    context_ = std::make_unique<FakeHostContext>(config_json, directory_, "iam");
    plugin_ = descriptor_->create(*context_);
    ASSERT_NE(plugin_, nullptr);
  }
  void start(const std::string& config_json) {
    create(config_json);
    plugin_->configure(*context_);
    plugin_->start(*context_);
  }

  HttpResponse login(const std::string& body, const std::string& address = "127.0.0.1") {
    auto* handler = context_->router.find("POST", "/iam/login");
    EXPECT_NE(handler, nullptr);
    if (handler == nullptr) return {};
    HttpRequest request;
    request.method = "POST";
    request.target = request.path = "/iam/login";
    request.headers = {{"content-type", "application/json"}};
    request.body = body;
    request.remote_address = address;
    auto responder = std::make_shared<WaitingResponder>();
    (*handler)(std::move(request), responder);
    auto response = responder->wait();
    EXPECT_TRUE(response.has_value()) << "no response";
    return response.value_or(HttpResponse{});
  }
  std::string token_of(const HttpResponse& response) {
    rapidjson::Document body;
    EXPECT_FALSE(json_parse(response.body, body).has_value()) << response.body;
    if (!body.IsObject() || !body.HasMember("token")) return {};
    return body["token"].GetString();
  }
  IdentityService& identity() { return context_->registry.require<IdentityService>(); }

  // First member: the plugin's code outlives everything it made.
  boost::dll::shared_library library_;
  const PluginDescriptor* descriptor_ = nullptr;
  std::filesystem::path directory_;
  std::unique_ptr<FakeHostContext> context_;
  Plugin* plugin_ = nullptr;
};

TEST_F(IamPluginTest, DescriptorDeclaresTheIdentityService) {
  EXPECT_EQ(descriptor_->api_version, kPluginApiVersion);
  EXPECT_STREQ(descriptor_->abi_tag, PROCESSHOST_ABI_TAG);
  EXPECT_STREQ(descriptor_->name, "iam");
  ASSERT_NE(descriptor_->provides, nullptr);
  EXPECT_STREQ(descriptor_->provides[0], "processhost.identity/1");
  EXPECT_EQ(descriptor_->provides[1], nullptr);
  ASSERT_NE(descriptor_->requirements, nullptr);
  EXPECT_EQ(descriptor_->requirements[0], nullptr);
  ASSERT_NE(descriptor_->config_schema, nullptr);
  rapidjson::Document schema;
  EXPECT_FALSE(json_parse(descriptor_->config_schema, schema).has_value());
  EXPECT_NE(descriptor_->create, nullptr);
  EXPECT_NE(descriptor_->destroy, nullptr);
}

TEST_F(IamPluginTest, ExportsOnlyTheEntrySymbol) {
  EXPECT_TRUE(library_.has(kDescriptorEntryName));
  EXPECT_FALSE(library_.has("_ZN11processhost7plugins3iam9IamPlugin9configureERNS_11HostContextE"));
}

TEST_F(IamPluginTest, ConfigureRegistersRouteAndService) {
  create(config());
  plugin_->configure(*context_);
  EXPECT_EQ(context_->router.keys(), std::vector<std::string>{"POST /iam/login"});
  EXPECT_NE(context_->registry.find("processhost.identity/1"), nullptr);
  EXPECT_TRUE(context_->log.has_line(LogLevel::info, "2 user(s)"));
}

TEST_F(IamPluginTest, LoginIssuesATokenTheIdentityServiceAccepts) {
  start(config());
  auto response = login(R"({"username":"sampleUser","password":"pass"})");
  ASSERT_EQ(response.status, 200) << response.body;
  rapidjson::Document body;
  ASSERT_FALSE(json_parse(response.body, body).has_value());
  EXPECT_STREQ(body["userId"].GetString(), "sampleUser");
  EXPECT_TRUE(body["expiresAt"].IsString());

  auto verified = identity().authenticate("Bearer " + token_of(response));
  ASSERT_TRUE(verified.ok()) << verified.error().message;
  EXPECT_EQ(verified->user_id, "sampleUser");
  EXPECT_FALSE(verified->super_user);
  EXPECT_TRUE(verified->has_claim("sample_lane"));
  EXPECT_TRUE(verified->has_claim("can_read_process_model"));
  EXPECT_FALSE(verified->has_claim("can_manage_process_instances"));
}

TEST_F(IamPluginTest, UserWithoutClaimsGetsATokenWithoutClaims) {
  start(config());
  auto response = login(R"({"username":"laneless","password":"secret"})");
  ASSERT_EQ(response.status, 200) << response.body;
  auto verified = identity().authenticate("Bearer " + token_of(response));
  ASSERT_TRUE(verified.ok());
  EXPECT_TRUE(verified->claims.empty());
  EXPECT_FALSE(verified->has_claim("sample_lane"));
}

TEST_F(IamPluginTest, FailedLoginsAreRefusedThenThrottled) {
  start(config());
  auto wrong = login(R"({"username":"sampleUser","password":"wrong"})");
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(wrong.body, R"({"message":"Invalid username or password."})");
  EXPECT_EQ(login(R"({"username":"nobody","password":"pass"})").body, wrong.body);
  EXPECT_EQ(login(R"({"username":"sampleUser"})").status, 400);
  EXPECT_EQ(login(R"({"username":"sampleUser","password":"wrong"})").status, 401);
  EXPECT_EQ(login(R"({"username":"sampleUser","password":"wrong"})").status, 401);
  auto address_limited = login(R"({"username":"somebody","password":"pass"})");
  EXPECT_EQ(address_limited.status, 429) << "four failures from one address, whatever the usernames";
  EXPECT_EQ(header_of(address_limited, "Retry-After"), "15");
  auto account_limited = login(R"({"username":"sampleUser","password":"pass"})", "127.0.0.2");
  EXPECT_EQ(account_limited.status, 429) << "three failures of one account, from any address";
  EXPECT_EQ(header_of(account_limited, "Retry-After"), "60");
  EXPECT_NE(account_limited.body.find("for this account"), std::string::npos) << account_limited.body;
}

TEST_F(IamPluginTest, IdentityServiceRefusesBadHeaders) {
  start(config());
  auto token = token_of(login(R"({"username":"sampleUser","password":"pass"})"));
  ASSERT_FALSE(token.empty());
  auto tampered = token;
  tampered[tampered.size() - 5] = tampered[tampered.size() - 5] == 'x' ? 'y' : 'x';
  for (const std::string& header : {std::string(), token, "Basic " + token, "Bearer " + tampered,
                                    std::string("Bearer garbage"), std::string("Bearer ZHVtbXlfdG9rZW4=")}) {
    auto result = identity().authenticate(header);
    ASSERT_FALSE(result.ok()) << header;
    EXPECT_EQ(result.error().http_status(), 401) << header;
  }
}

TEST_F(IamPluginTest, GodTokenWorksOnlyWhenEnabledAndIsLoggedAtStart) {
  start(config(R"(,"allowGodToken":true)"));
  EXPECT_TRUE(context_->log.has_line(LogLevel::warn, "ZHVtbXlfdG9rZW4="));
  auto identity_result = identity().authenticate("Bearer ZHVtbXlfdG9rZW4=");
  ASSERT_TRUE(identity_result.ok());
  EXPECT_EQ(identity_result->user_id, "dummy_token");
  EXPECT_TRUE(identity_result->super_user);
}

TEST_F(IamPluginTest, SecretFromTheEnvironmentSignsTheTokens) {
  ::setenv("PROCESSHOST_IAM_SECRET", "environment-secret-0123456789abcdefghijklmn", 1);
  start(R"({"usersFile":"users.json","passwordHashing":{"opsLimit":1,"memLimitBytes":8192}})");
  ::unsetenv("PROCESSHOST_IAM_SECRET");
  EXPECT_TRUE(context_->log.has_line(LogLevel::info, "environment variable PROCESSHOST_IAM_SECRET"));
  auto response = login(R"({"username":"sampleUser","password":"pass"})");
  ASSERT_EQ(response.status, 200);
  EXPECT_TRUE(identity().authenticate("Bearer " + token_of(response)).ok());
}

TEST_F(IamPluginTest, ConfigureRefusesMissingSecretAndBadUsersFile) {
  create(R"({"usersFile":"users.json"})");
  try {
    plugin_->configure(*context_);
    FAIL() << "configured without a secret";
  } catch (const std::exception& error) {
    EXPECT_NE(std::string(error.what()).find("PROCESSHOST_IAM_SECRET"), std::string::npos) << error.what();
  }
  descriptor_->destroy(plugin_);
  plugin_ = nullptr;

  std::ofstream(directory_ / "broken.json") << R"({"users":[{"username":"a","password":"plain"}]})";
  create(config("", "broken.json"));
  try {
    plugin_->configure(*context_);
    FAIL() << "configured with a plain password";
  } catch (const std::exception& error) {
    EXPECT_NE(std::string(error.what()).find("broken.json"), std::string::npos) << error.what();
    EXPECT_NE(std::string(error.what()).find("passwordHash"), std::string::npos) << error.what();
  }
}

TEST_F(IamPluginTest, AfterStopLoginsAnswer503) {
  start(config());
  plugin_->stop();
  auto response = login(R"({"username":"sampleUser","password":"pass"})");
  EXPECT_EQ(response.status, 503);
}

}  // namespace
}  // namespace processhost
