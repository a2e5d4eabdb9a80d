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
  static void SetUpTestSuite() { host_ = start_suite_host(start_error_, false, Models::files()); }
  static void TearDownTestSuite() { host_.reset(); }
  void SetUp() override { ASSERT_TRUE(host_) << "the suite's host did not start: " << start_error_; }
  void TearDown() override {
    if (HasFailure()) std::cerr << "host output:\n" << host_->output() << "\n";
  }
  static std::uint16_t port() { return host_->port(); }

  static inline std::unique_ptr<RunningHost> host_;
  static inline std::string start_error_;
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
