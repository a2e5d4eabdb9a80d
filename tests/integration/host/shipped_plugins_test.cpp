// The shipped plugins in the real host: the minimal set (consumer_api alone, memory store)
// and IAM with it. /host/plugins must tell a client what the host offers.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include <rapidjson/document.h>

#include "processhost/testing/host_process.hpp"
#include "processhost/testing/http_client.hpp"

namespace processhost::testing {
namespace {

const std::filesystem::path kSource = PROCESSHOST_SOURCE_DIR;

struct Listing {
  std::vector<std::string> order;  // plugin names in start order
  std::map<std::string, std::string> services;  // service id -> provider
  std::map<std::string, bool> built_in;
};

Listing read_listing(std::uint16_t port) {
  const HttpReply reply = http_request(port, "GET", "/host/plugins");
  EXPECT_EQ(reply.status, 200);
  rapidjson::Document document;
  document.Parse(reply.body.c_str());
  Listing listing;
  if (!document.IsObject()) {
    ADD_FAILURE() << reply.body;
    return listing;
  }
  for (const auto& plugin : document["plugins"].GetArray()) {
    listing.order.emplace_back(plugin["name"].GetString());
    listing.built_in[plugin["name"].GetString()] = plugin["builtIn"].GetBool();
  }
  for (const auto& service : document["services"].GetObject()) {
    listing.services[service.name.GetString()] = service.value.GetString();
  }
  return listing;
}

TEST(ShippedPlugins, MinimalSetRunsOnTheMemoryStore) {
  TempDir dir;
  const auto config = dir.write("host.json", R"({"http":{"port":0},"processModels":[")" +
                                                 (kSource / "config/demo/processes").string() +
                                                 R"("],"plugins":[{"name":"consumer_api"}]})");
  HostProcess host(config);
  host.start();
  const Listing listing = read_listing(host.port());
  EXPECT_EQ(listing.order, (std::vector<std::string>{"memory_store", "engine", "socket_io", "metrics", "consumer_api"}));
  EXPECT_TRUE(listing.built_in.at("socket_io"));
  EXPECT_EQ(listing.services.at("processhost.socket_io/1"), "socket_io");
  EXPECT_TRUE(listing.built_in.at("metrics"));
  EXPECT_EQ(listing.services.at("processhost.metrics/1"), "metrics");
  EXPECT_TRUE(listing.built_in.at("engine"));
  EXPECT_FALSE(listing.built_in.at("consumer_api"));
  EXPECT_EQ(listing.services.at("processhost.store/1"), "memory_store");
  EXPECT_EQ(listing.services.at("processhost.engine/1"), "engine");
  EXPECT_EQ(listing.services.count("processhost.identity/1"), 0u);

  // The sample process was deployed before the Consumer API started.
  const HttpReply models = http_request(host.port(), "GET", "/api/consumer/v1/process_models");
  EXPECT_EQ(models.status, 200) << models.body;
  EXPECT_NE(models.body.find("\"sample_process\""), std::string::npos) << models.body;
  EXPECT_NE(host.output().find("no store plugin is loaded"), std::string::npos);
  EXPECT_EQ(host.stop(), 0) << host.output();
}

TEST(ShippedPlugins, IamIsListedAsTheIdentityProvider) {
  TempDir dir;
  const auto config = dir.write(
      "host.json", R"({"http":{"port":0},"plugins":[{"name":"consumer_api"},{"name":"iam","config":")" +
                       (kSource / "config/demo/iam/iam.json").string() + R"("}]})");
  HostProcess host(config);
  host.start();
  const Listing listing = read_listing(host.port());
  EXPECT_EQ(listing.services.at("processhost.identity/1"), "iam");
  EXPECT_EQ(listing.order,
            (std::vector<std::string>{"memory_store", "engine", "socket_io", "metrics", "consumer_api", "iam"}));
  const HttpReply anonymous = http_request(host.port(), "GET", "/api/consumer/v1/process_models");
  EXPECT_EQ(anonymous.status, 401) << anonymous.body;
  EXPECT_EQ(host.stop(), 0) << host.output();
}

}  // namespace
}  // namespace processhost::testing
