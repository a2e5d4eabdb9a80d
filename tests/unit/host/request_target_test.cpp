#include <gtest/gtest.h>

#include "request_target.hpp"

namespace processhost::host {
namespace {

using Pairs = std::vector<std::pair<std::string, std::string>>;

TEST(RequestTarget, SplitsPathAndDecodesQuery) {
  RequestTarget target;
  ASSERT_TRUE(parse_request_target("/api/consumer/v1/process_models/?offset=5&limit=10&name=a+b%26c&flag", target));
  EXPECT_EQ(target.raw_path, "/api/consumer/v1/process_models/");
  EXPECT_EQ(target.path, "/api/consumer/v1/process_models");
  EXPECT_EQ(target.query, (Pairs{{"offset", "5"}, {"limit", "10"}, {"name", "a b&c"}, {"flag", ""}}));
}

TEST(RequestTarget, RootAndDecodedPath) {
  RequestTarget target;
  ASSERT_TRUE(parse_request_target("/", target));
  EXPECT_EQ(target.path, "/");
  ASSERT_TRUE(parse_request_target("/a%20b//", target));
  EXPECT_EQ(target.path, "/a b");
  EXPECT_TRUE(target.query.empty());
}

TEST(RequestTarget, RejectsMalformedTargets) {
  RequestTarget target;
  EXPECT_FALSE(parse_request_target("http://example.com/a", target));
  EXPECT_FALSE(parse_request_target("", target));
  EXPECT_FALSE(parse_request_target("/a%zz", target));
  EXPECT_FALSE(parse_request_target("/a?x=%2", target));
}

}  // namespace
}  // namespace processhost::host
