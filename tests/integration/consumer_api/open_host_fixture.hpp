#pragma once
// One host in open mode (no identity service) shared by the tests of a suite.

#include <memory>

#include "api_client.hpp"

namespace processhost::consumer_api_integration {

class OpenHost : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { host_ = std::make_unique<RunningHost>(false); }
  static void TearDownTestSuite() { host_.reset(); }
  static std::uint16_t port() { return host_->port(); }

  static std::unique_ptr<RunningHost> host_;
};

}  // namespace processhost::consumer_api_integration
