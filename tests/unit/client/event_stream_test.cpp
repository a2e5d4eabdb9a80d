// Server-Sent Events blocks into events, as subscriptions and processhost-ctl watch read them.

#include "processhost/client/event_stream.hpp"

#include <gtest/gtest.h>

namespace processhost::client {
namespace {

TEST(EventStream, ReadsTheFieldsOfABlock) {
  StreamEvent event;
  ASSERT_TRUE(parse_event_block("id: 3\nevent: user_task_waiting\ndata: {\"a\":1}", event));
  EXPECT_EQ(event.id, "3");
  EXPECT_EQ(event.event, "user_task_waiting");
  EXPECT_EQ(event.data, "{\"a\":1}");
}

TEST(EventStream, JoinsDataLinesAndDefaultsTheEventName) {
  StreamEvent event;
  ASSERT_TRUE(parse_event_block("data:first\ndata: second\n: a comment", event));
  EXPECT_EQ(event.event, "message");
  EXPECT_EQ(event.data, "first\nsecond");
}

TEST(EventStream, BlocksWithoutDataAreNoEvents) {
  StreamEvent event;
  EXPECT_FALSE(parse_event_block("retry: 3000", event));
  EXPECT_FALSE(parse_event_block(": heartbeat", event));
}

}  // namespace
}  // namespace processhost::client
