#pragma once
// Hosts in open mode (no identity service), one per suite, deploying the suite's models.

#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "api_client.hpp"

namespace processhost::consumer_api_integration {

template <class Models>
class SuiteHost : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { host_ = std::make_unique<RunningHost>(false, Models::files()); }
  static void TearDownTestSuite() { host_.reset(); }
  void SetUp() override {
    if (!host_->unsupported().empty()) {
      GTEST_SKIP() << "the engine cannot run this suite's model yet: " << host_->unsupported();
    }
  }
  void TearDown() override {
    if (HasFailure()) std::cerr << "host output:\n" << host_->output() << "\n";
  }
  static std::uint16_t port() { return host_->port(); }

  static inline std::unique_ptr<RunningHost> host_;
};

struct CoreModels {
  static std::vector<std::string> files() { return model_files(); }
};
struct EventModels {
  static std::vector<std::string> files() { return {model_file("capi_events")}; }
};
struct ExternalTaskModels {
  static std::vector<std::string> files() { return {model_file("capi_external")}; }
};

using OpenHost = SuiteHost<CoreModels>;

}  // namespace processhost::consumer_api_integration
