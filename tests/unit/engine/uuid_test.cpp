#include "runtime/uuid.hpp"

#include <unistd.h>

#include <regex>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

#include <gtest/gtest.h>
#include <sys/wait.h>

namespace processhost::engine {
namespace {

// The wire format of every id the engine hands out: a lower-case UUID v4 (RFC 4122 variant).
const std::regex kUuidV4("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");

TEST(UuidTest, IdsAreLowerCaseVersion4Uuids) {
  for (int i = 0; i < 10'000; ++i) {
    const std::string id = make_uuid();
    ASSERT_EQ(id.size(), 36u) << id;
    ASSERT_TRUE(std::regex_match(id, kUuidV4)) << id;
  }
}

TEST(UuidTest, IdsAreUniqueAcrossThreads) {
  constexpr int kThreads = 4;
  constexpr int kPerThread = 25'000;
  std::vector<std::vector<std::string>> made(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&made, t] {
      made[t].reserve(kPerThread);
      for (int i = 0; i < kPerThread; ++i) made[t].push_back(make_uuid());
    });
  }
  for (auto& thread : threads) thread.join();
  std::unordered_set<std::string> seen;
  for (const auto& ids : made) seen.insert(ids.begin(), ids.end());
  EXPECT_EQ(seen.size(), static_cast<std::size_t>(kThreads * kPerThread));
}

TEST(UuidTest, AForkedChildDoesNotRepeatItsParentsNextIds) {
  make_uuid();  // the parent now holds random bytes for its next ids
  int pipe_ends[2];
  ASSERT_EQ(::pipe(pipe_ends), 0);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    const std::string id = make_uuid();
    const bool written = ::write(pipe_ends[1], id.data(), id.size()) == static_cast<ssize_t>(id.size());
    ::_exit(written ? 0 : 1);
  }
  ::close(pipe_ends[1]);
  std::string from_child(36, '\0');
  const ssize_t read_bytes = ::read(pipe_ends[0], from_child.data(), from_child.size());
  ::close(pipe_ends[0]);
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_EQ(read_bytes, 36);
  EXPECT_TRUE(std::regex_match(from_child, kUuidV4)) << from_child;
  EXPECT_NE(from_child, make_uuid());
}

}  // namespace
}  // namespace processhost::engine
