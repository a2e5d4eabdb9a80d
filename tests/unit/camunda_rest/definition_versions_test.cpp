// Camunda version numbers and ids over ProcessHost's content-hashed definitions.

#include "definition_versions.hpp"

#include <gtest/gtest.h>

namespace processhost::plugins::camunda_rest {
namespace {

ProcessDefinitionRecord record(std::string key, std::string hash, std::int64_t at) {
  return {std::move(key), std::move(hash), "<xml " + std::to_string(at) + "/>", at};
}

TEST(DefinitionVersions, AreNumberedPerKeyInDeploymentOrder) {
  auto versions = number_versions({record("order", std::string(64, 'c'), 300), record("invoice", std::string(64, 'a'), 50),
                                   record("order", std::string(64, 'a'), 100), record("order", std::string(64, 'b'), 200)});
  ASSERT_EQ(versions.size(), 4U);
  EXPECT_EQ(versions[0].key, "invoice");
  EXPECT_EQ(versions[0].version, 1);
  EXPECT_TRUE(versions[0].latest);
  EXPECT_EQ(versions[1].key, "order");
  EXPECT_EQ(versions[1].version, 1);
  EXPECT_EQ(versions[1].hash, std::string(64, 'a'));
  EXPECT_FALSE(versions[1].latest);
  EXPECT_EQ(versions[2].version, 2);
  EXPECT_FALSE(versions[2].latest);
  EXPECT_EQ(versions[3].version, 3);
  EXPECT_TRUE(versions[3].latest);
  EXPECT_EQ(versions[3].xml, "<xml 300/>");
}

TEST(DefinitionVersions, HaveCamundaStyleIdsAndHashDeploymentIds) {
  auto versions = number_versions({record("order", "0123456789abcdef0123456789abcdef", 1)});
  EXPECT_EQ(versions[0].id(), "order:1:0123456789abcdef");
  EXPECT_EQ(versions[0].deployment_id(), "0123456789abcdef0123456789abcdef");
}

TEST(DefinitionVersions, AreFoundByIdDeploymentKeyAndHash) {
  const auto versions =
      number_versions({record("order", std::string(64, 'a'), 1), record("order", std::string(64, 'b'), 2)});
  EXPECT_EQ(find_by_id(versions, "order:2:" + std::string(16, 'b')), &versions[1]);
  EXPECT_EQ(find_by_id(versions, "order:3:" + std::string(16, 'b')), nullptr);
  EXPECT_EQ(find_by_deployment(versions, std::string(64, 'a')), &versions[0]);
  EXPECT_EQ(find_by_deployment(versions, "nope"), nullptr);
  EXPECT_EQ(find_latest(versions, "order"), &versions[1]);
  EXPECT_EQ(find_latest(versions, "invoice"), nullptr);
  EXPECT_EQ(find_by_hash(versions, "order", std::string(64, 'a')), &versions[0]);
  EXPECT_EQ(find_by_hash(versions, "invoice", std::string(64, 'a')), nullptr);
}

}  // namespace
}  // namespace processhost::plugins::camunda_rest
