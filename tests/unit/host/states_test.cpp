// The SDK's one spelling of states and event kinds (processhost/states.hpp): every value
// has a word, every word reads back as its value, the words are the stored ones, and other
// words are refused.

#include "processhost/states.hpp"

#include <set>
#include <string>
#include <string_view>

#include <gtest/gtest.h>

namespace processhost {
namespace {

template <NamedEnum Enum>
void expect_round_trip_of_every_value() {
  std::set<std::string_view> words;
  for (std::size_t i = 0; i < kEnumCount<Enum>; ++i) {
    const auto value = static_cast<Enum>(i);
    const std::string_view word = name_of(value);
    EXPECT_FALSE(word.empty()) << i;
    EXPECT_TRUE(words.insert(word).second) << "twice: " << word;
    const auto parsed = parse_name<Enum>(word);
    ASSERT_TRUE(parsed) << word;
    EXPECT_EQ(*parsed, value) << word;
  }
}

template <NamedEnum Enum>
void expect_unknown_words_refused() {
  for (const char* word : {"", "Running", "running ", "odd'state", "process_ended", "unknown"}) {
    EXPECT_FALSE(parse_name<Enum>(word)) << word;
  }
}

TEST(States, EveryValueRoundTrips) {
  expect_round_trip_of_every_value<ProcessInstanceState>();
  expect_round_trip_of_every_value<FlowNodeState>();
  expect_round_trip_of_every_value<ExternalTaskState>();
  expect_round_trip_of_every_value<EngineEventKind>();
}

TEST(States, UnknownWordsAreRefused) {
  expect_unknown_words_refused<ProcessInstanceState>();
  expect_unknown_words_refused<FlowNodeState>();
  expect_unknown_words_refused<ExternalTaskState>();
  expect_unknown_words_refused<EngineEventKind>();
}

// Stores keep these words and clients read them: they must not change with the enums.
TEST(States, TheWordsAreTheStoredOnes) {
  EXPECT_EQ(name_of(ProcessInstanceState::running), "running");
  EXPECT_EQ(name_of(ProcessInstanceState::finished), "finished");
  EXPECT_EQ(name_of(ProcessInstanceState::terminated), "terminated");
  EXPECT_EQ(name_of(ProcessInstanceState::error), "error");
  EXPECT_EQ(name_of(FlowNodeState::running), "running");
  EXPECT_EQ(name_of(FlowNodeState::suspended), "suspended");
  EXPECT_EQ(name_of(FlowNodeState::finished), "finished");
  EXPECT_EQ(name_of(FlowNodeState::terminated), "terminated");
  EXPECT_EQ(name_of(FlowNodeState::error), "error");
  EXPECT_EQ(name_of(ExternalTaskState::pending), "pending");
  EXPECT_EQ(name_of(ExternalTaskState::finished), "finished");
  EXPECT_EQ(name_of(EngineEventKind::process_started), "process_started");
  EXPECT_EQ(name_of(EngineEventKind::user_task_waiting), "user_task_waiting");
  EXPECT_EQ(name_of(EngineEventKind::signal_sent), "signal_sent");
}

}  // namespace
}  // namespace processhost
