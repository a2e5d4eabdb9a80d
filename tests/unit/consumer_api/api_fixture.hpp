#pragma once
// A configured and started consumer_api plugin on fake host parts, with a mock engine.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include <rapidjson/document.h>

#include "consumer_api_plugin.hpp"
#include "fakes.hpp"
#include "mock_engine_service.hpp"

namespace processhost::plugins::consumer_api::testing {

using namespace http_api;  // NOLINT(google-build-using-namespace): the shared API code under test

inline constexpr const char* kVersion = "9.8.7";
inline const std::string kBase = "/api/consumer/v1";

class ApiFixture : public ::testing::Test {
 protected:
  // with_identity: load the fake identity service (tokens: admin, reader, nobody).
  void start_api(bool with_identity) {
    context_.registry.provide(EngineService::kServiceId, static_cast<EngineService*>(&engine_));
    if (with_identity) {
      Identity admin;
      admin.user_id = "admin";
      admin.token = "admin";
      admin.claims = {"can_read_process_model", "can_trigger_messages", "can_trigger_signals",
                      "can_access_external_tasks", "can_manage_process_instances", "Lane_A"};
      identity_.tokens["admin"] = admin;
      Identity reader;
      reader.user_id = "reader";
      reader.token = "reader";
      reader.claims = {"can_read_process_model"};
      identity_.tokens["reader"] = reader;
      Identity nobody;
      nobody.user_id = "nobody";
      nobody.token = "nobody";
      identity_.tokens["nobody"] = nobody;
      context_.registry.provide(IdentityService::kServiceId, static_cast<IdentityService*>(&identity_));
    }
    plugin_ = std::make_unique<ConsumerApiPlugin>(kVersion);
    plugin_->configure(context_);
    plugin_->start(context_);
  }

  void SetUp() override { start_api(false); }
  void TearDown() override {
    if (plugin_) plugin_->stop();
  }

  std::shared_ptr<WaitingResponder> call(const std::string& method, const std::string& path,
                                      const std::string& body = {},
                                      std::vector<std::pair<std::string, std::string>> headers = {}) {
    auto responder = context_.router.dispatch(method, kBase + path, body, std::move(headers));
    EXPECT_NE(responder, nullptr) << "no route for " << method << " " << path;
    return responder;
  }
  std::shared_ptr<WaitingResponder> get(const std::string& path) { return call("GET", path); }
  std::shared_ptr<WaitingResponder> post(const std::string& path, const std::string& body = {}) {
    return call("POST", path, body);
  }

  static rapidjson::Document body_json(const WaitingResponder& responder) {
    rapidjson::Document document;
    document.Parse(responder.response().body.c_str());
    EXPECT_FALSE(document.HasParseError()) << responder.response().body;
    return document;
  }

  ::testing::NiceMock<MockEngineService> engine_;
  FakeIdentityService identity_;
  FakeHostContext context_{"{}", ".", "consumer_api"};
  std::unique_ptr<ConsumerApiPlugin> plugin_;
};

// Restarts the fixture's plugin with the identity service loaded.
class AuthApiFixture : public ApiFixture {
 protected:
  void SetUp() override { start_api(true); }
  std::shared_ptr<WaitingResponder> as(const std::string& token, const std::string& method, const std::string& path,
                                    const std::string& body = {}) {
    return call(method, path, body, {{"authorization", "Bearer " + token}});
  }
};

}  // namespace processhost::plugins::consumer_api::testing
