#include <gtest/gtest.h>

#include "route_table.hpp"

namespace processhost::host {
namespace {

HttpHandler tagged(std::string tag, std::string* last) {
  return [tag, last](HttpRequest, std::shared_ptr<Responder>) { *last = tag; };
}

TEST(RouteTable, MatchesLiteralAndParameterSegments) {
  RouteTable table;
  std::string last;
  table.add("p", "GET", "/process_models/:process_model_id/start", tagged("start", &last));
  const RouteMatch match = table.match("GET", "/process_models/order%20flow/start");
  ASSERT_EQ(match.kind, RouteMatch::Kind::found);
  match.handler(HttpRequest{}, nullptr);
  EXPECT_EQ(last, "start");
  ASSERT_EQ(match.params.size(), 1u);
  EXPECT_EQ(match.params[0].first, "process_model_id");
  EXPECT_EQ(match.params[0].second, "order flow");
}

TEST(RouteTable, LiteralBeatsParameter) {
  RouteTable table;
  std::string last;
  table.add("p", "GET", "/process_instances/:process_instance_id", tagged("by-id", &last));
  table.add("p", "GET", "/process_instances/own", tagged("own", &last));
  table.match("GET", "/process_instances/own").handler(HttpRequest{}, nullptr);
  EXPECT_EQ(last, "own");
  const auto other = table.match("GET", "/process_instances/abc");
  other.handler(HttpRequest{}, nullptr);
  EXPECT_EQ(last, "by-id");
  EXPECT_EQ(other.params[0].second, "abc");
}

TEST(RouteTable, TrailingSlashAndEncodedSlashInAParameter) {
  RouteTable table;
  std::string last;
  table.add("p", "GET", "/process_instance/:id/process_model", tagged("model", &last));
  const auto match = table.match("GET", "/process_instance/a%2Fb/process_model/");
  ASSERT_EQ(match.kind, RouteMatch::Kind::found);
  EXPECT_EQ(match.params[0].second, "a/b");
}

TEST(RouteTable, UnknownPathAndWrongMethod) {
  RouteTable table;
  std::string last;
  table.add("p", "GET", "/health", tagged("get", &last));
  table.add("p", "DELETE", "/health", tagged("delete", &last));
  EXPECT_EQ(table.match("GET", "/nothing").kind, RouteMatch::Kind::not_found);
  const auto wrong = table.match("POST", "/health");
  EXPECT_EQ(wrong.kind, RouteMatch::Kind::method_not_allowed);
  EXPECT_EQ(wrong.allowed_methods, (std::vector<std::string>{"DELETE", "GET"}));
}

TEST(RouteTable, MalformedEscapeIsNotFound) {
  RouteTable table;
  std::string last;
  table.add("p", "GET", "/x/:id", tagged("x", &last));
  EXPECT_EQ(table.match("GET", "/x/%G1").kind, RouteMatch::Kind::not_found);
  EXPECT_EQ(table.match("GET", "/x/%4").kind, RouteMatch::Kind::not_found);
}

TEST(RouteTable, RejectsBadPatternsAndDuplicates) {
  RouteTable table;
  std::string last;
  table.add("first", "GET", "/a/:id", tagged("a", &last));
  try {
    table.add("second", "get", "/a/:other", tagged("b", &last));
    FAIL() << "duplicate accepted";
  } catch (const std::invalid_argument& error) {
    EXPECT_STREQ(error.what(), "route GET /a/:other is already registered by 'first' as /a/:id");
  }
  EXPECT_THROW(table.add("p", "GET", "a", tagged("x", &last)), std::invalid_argument);
  EXPECT_THROW(table.add("p", "GET", "/a/:", tagged("x", &last)), std::invalid_argument);
  EXPECT_THROW(table.add("p", "GET", "/a/:x/:x", tagged("x", &last)), std::invalid_argument);
  EXPECT_THROW(table.add("p", "GET", "/b", nullptr), std::invalid_argument);
}

TEST(RouteTable, RemoveOwnerDropsOnlyItsRoutes) {
  RouteTable table;
  std::string last;
  table.add("one", "GET", "/one", tagged("1", &last));
  table.add("two", "GET", "/two", tagged("2", &last));
  table.remove_owner("one");
  EXPECT_EQ(table.size(), 1u);
  EXPECT_EQ(table.match("GET", "/one").kind, RouteMatch::Kind::not_found);
  EXPECT_EQ(table.match("GET", "/two").kind, RouteMatch::Kind::found);
}

TEST(RouteTable, RootPath) {
  RouteTable table;
  std::string last;
  table.add("p", "GET", "/", tagged("root", &last));
  EXPECT_EQ(table.match("GET", "/").kind, RouteMatch::Kind::found);
  EXPECT_EQ(table.match("GET", "/x").kind, RouteMatch::Kind::not_found);
}

}  // namespace
}  // namespace processhost::host
