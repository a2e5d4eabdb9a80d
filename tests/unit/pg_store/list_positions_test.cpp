// Where a deep page starts, from kept counts per range of seconds (list_positions.hpp).

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "list_positions.hpp"

namespace processhost::plugins::pg_store {
namespace {

TEST(FindPagePosition, SecondsOfTheirOwnAreSummedInOrder) {
  const std::vector<CountRange> ranges = {{10, 10, 3}, {11, 11, 5}, {15, 15, 2}};
  auto at = find_page_position(ranges, 0);
  ASSERT_TRUE(at);
  EXPECT_EQ(at->from_ms, 10000);
  EXPECT_EQ(at->skip, 0u);
  at = find_page_position(ranges, 2);
  ASSERT_TRUE(at);
  EXPECT_EQ(at->from_ms, 10000);
  EXPECT_EQ(at->skip, 2u);
  at = find_page_position(ranges, 3);
  ASSERT_TRUE(at);
  EXPECT_EQ(at->from_ms, 11000);
  EXPECT_EQ(at->skip, 0u);
  at = find_page_position(ranges, 9);
  ASSERT_TRUE(at);
  EXPECT_EQ(at->from_ms, 15000);
  EXPECT_EQ(at->skip, 1u);
  EXPECT_FALSE(find_page_position(ranges, 10));
  EXPECT_FALSE(find_page_position({}, 0));
}

TEST(FindPagePosition, OverlappingRangesJoinIntoOneIsland) {
  // A folded range 100-200 (1,000 entries), an entry of second 150 finished since (-1 in a
  // row of its own) and one of second 200 too; the next island starts at 201.
  const std::vector<CountRange> ranges = {{100, 200, 1000}, {150, 150, -1}, {200, 200, -1}, {201, 201, 4}};
  auto at = find_page_position(ranges, 997);
  ASSERT_TRUE(at);
  EXPECT_EQ(at->from_ms, 100000);
  EXPECT_EQ(at->skip, 997u);
  at = find_page_position(ranges, 998);
  ASSERT_TRUE(at);
  EXPECT_EQ(at->from_ms, 201000);
  EXPECT_EQ(at->skip, 0u);
  // A range reaching past the next one's start takes it in, however far it reaches.
  const std::vector<CountRange> nested = {{1, 50, 10}, {5, 5, 1}, {40, 60, 7}, {61, 61, 1}};
  at = find_page_position(nested, 17);
  ASSERT_TRUE(at);
  EXPECT_EQ(at->from_ms, 1000);
  EXPECT_EQ(at->skip, 17u);
  at = find_page_position(nested, 18);
  ASSERT_TRUE(at);
  EXPECT_EQ(at->from_ms, 61000);
}

TEST(FindPagePosition, IslandsThatCountNothingAreSkipped) {
  // Second 0 holds the correlation counters of rows counted before version 11 and no entry.
  const std::vector<CountRange> ranges = {{0, 0, 0}, {7, 7, 1}, {8, 8, -1}, {8, 8, 1}, {9, 9, 2}};
  auto at = find_page_position(ranges, 0);
  ASSERT_TRUE(at);
  EXPECT_EQ(at->from_ms, 7000);
  at = find_page_position(ranges, 1);
  ASSERT_TRUE(at);
  EXPECT_EQ(at->from_ms, 9000);
  EXPECT_EQ(at->skip, 0u);
}

}  // namespace
}  // namespace processhost::plugins::pg_store
