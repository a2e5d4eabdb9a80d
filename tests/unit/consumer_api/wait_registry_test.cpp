// The registry of waiting requests: finish, cancel and close in every order.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "fakes.hpp"
#include "mock_engine_service.hpp"
#include "plugin_common/http_api/wait_registry.hpp"

namespace processhost::plugins::consumer_api::testing {

using http_api::WaitRegistry;
namespace {

TEST(WaitRegistry, FinishBeforeCancelWinsOnce) {
  WaitRegistry registry;
  auto responder = std::make_shared<WaitingResponder>();
  auto id = registry.add(responder);
  ASSERT_TRUE(id);
  auto handle = std::make_shared<MockCancellation>();
  EXPECT_CALL(*handle, cancel()).Times(0);
  registry.attach(*id, handle);
  EXPECT_TRUE(registry.finish(*id));
  EXPECT_FALSE(registry.finish(*id));
  registry.cancel(*id);
  EXPECT_EQ(registry.size(), 0u);
}

TEST(WaitRegistry, CancelBeforeAttachCancelsTheHandleOnAttach) {
  WaitRegistry registry;
  auto id = registry.add(std::make_shared<WaitingResponder>());
  registry.cancel(*id);
  auto handle = std::make_shared<MockCancellation>();
  EXPECT_CALL(*handle, cancel()).Times(1);
  registry.attach(*id, handle);
  EXPECT_FALSE(registry.finish(*id));
}

TEST(WaitRegistry, CloseAnswers503AndRefusesNewWaits) {
  WaitRegistry registry;
  auto responder = std::make_shared<WaitingResponder>();
  auto id = registry.add(responder);
  auto handle = std::make_shared<MockCancellation>();
  EXPECT_CALL(*handle, cancel()).Times(1);
  registry.attach(*id, handle);
  registry.close();
  EXPECT_EQ(responder->response().status, 503);
  EXPECT_FALSE(registry.finish(*id));
  EXPECT_FALSE(registry.add(std::make_shared<WaitingResponder>()));
  registry.close();
  EXPECT_EQ(responder->respond_calls(), 1);
}

}  // namespace
}  // namespace processhost::plugins::consumer_api::testing
