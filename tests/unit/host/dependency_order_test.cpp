#include <gtest/gtest.h>

#include "dependency_order.hpp"

namespace processhost::host {
namespace {

std::string order_error(const std::vector<DependencyNode>& nodes) {
  try {
    order_by_dependencies(nodes);
  } catch (const DependencyError& error) {
    return error.what();
  }
  return "ordered";
}

TEST(DependencyOrder, ProvidersComeFirstAndTiesKeepConfigOrder) {
  const std::vector<DependencyNode> nodes{
      {"consumer_api", "/p/consumer_api.so", {}, {"processhost.engine/1", "processhost.identity/1"}},
      {"engine", "", {"processhost.engine/1"}, {"processhost.store/1"}},
      {"iam", "/p/iam.so", {"processhost.identity/1"}, {}},
      {"pg_store", "/p/pg_store.so", {"processhost.store/1"}, {}},
      {"extra", "/p/extra.so", {}, {}},
  };
  EXPECT_EQ(order_by_dependencies(nodes), (std::vector<std::size_t>{3, 1, 2, 0, 4}));
}

TEST(DependencyOrder, MissingServiceNamesConsumerFileAndId) {
  EXPECT_EQ(order_error({{"consumer_api", "/p/consumer_api.so", {}, {"processhost.engine/1"}}}),
            "plugin 'consumer_api' (/p/consumer_api.so) requires service 'processhost.engine/1', which no loaded "
            "plugin provides");
}

TEST(DependencyOrder, CycleNamesEveryPluginOnIt) {
  EXPECT_EQ(order_error({{"a", "", {"s.a"}, {"s.c"}}, {"b", "", {"s.b"}, {"s.a"}}, {"c", "", {"s.c"}, {"s.b"}}}),
            "dependency cycle: 'a' -> 'c' -> 'b' -> 'a'");
  EXPECT_EQ(order_error({{"self", "", {"s"}, {"s"}}}), "dependency cycle: 'self' -> 'self'");
}

TEST(DependencyOrder, ServiceProvidedTwice) {
  EXPECT_EQ(order_error({{"pg_store", "/p/pg.so", {"processhost.store/1"}, {}},
                         {"memory", "", {"processhost.store/1"}, {}}}),
            "service 'processhost.store/1' is provided by both 'pg_store' (/p/pg.so) and 'memory'");
}

}  // namespace
}  // namespace processhost::host
