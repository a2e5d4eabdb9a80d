// The real host binary with fixture plugins: every start-up failure ends the process with
// exit code 1 and one line naming the plugin file and the reason; good plugins start in
// dependency order, serve, and stop in reverse.
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include <rapidjson/document.h>

#include "plugin_library.hpp"
#include "processhost/testing/host_process.hpp"
#include "processhost/testing/http_client.hpp"

namespace processhost::testing {
namespace {

const std::filesystem::path kFixtures = PROCESSHOST_FIXTURE_DIR;

std::string fixture(const std::string& name) { return (kFixtures / (name + ".so")).string(); }

class Lifecycle : public ::testing::Test {
 protected:
  // A host config on port 0 that loads plugins_json (a JSON array) from the fixture folder.
  std::filesystem::path config(const std::string& plugins_json) {
    return dir_.write("host.json", R"({"http":{"host":"127.0.0.1","port":0,"drainTimeoutMs":2000},"pluginDir":")" +
                                       kFixtures.string() + R"(","plugins":)" + plugins_json + "}");
  }

  // Runs the host to its exit; returns the code and keeps the output.
  int run(const std::string& plugins_json) {
    HostProcess host(config(plugins_json));
    const int code = host.run_to_exit(std::chrono::seconds(20));
    output_ = host.output();
    return code;
  }

  void expect_failure(const std::string& plugins_json, const std::string& line) {
    EXPECT_EQ(run(plugins_json), 1) << output_;
    EXPECT_NE(output_.find("[host] start-up failed: " + line + "\n"), std::string::npos)
        << "expected: " << line << "\noutput:\n"
        << output_;
  }

  TempDir dir_;
  std::string output_;
};

TEST_F(Lifecycle, WrongApiVersionExitsWithItsMessage) {
  expect_failure(R"([{"name":"wrong_api_version"}])", "plugin 'wrong_api_version' (" + fixture("wrong_api_version") +
                                                           "): wrong API version: got 99, supported 3");
}

TEST_F(Lifecycle, WrongAbiTagExitsWithItsMessage) {
  expect_failure(R"([{"name":"wrong_abi_tag"}])",
                 "plugin 'wrong_abi_tag' (" + fixture("wrong_abi_tag") +
                     "): not binary compatible: plugin built as 'gcc0/cxx11abi0/boost100000/cplusplus201703L', "
                     "host is '" PROCESSHOST_ABI_TAG "'; rebuild the plugin against this SDK");
}

TEST_F(Lifecycle, MissingEntrySymbolExitsWithItsMessage) {
  expect_failure(R"([{"name":"no_entry"}])",
                 "plugin 'no_entry' (" + fixture("no_entry") +
                     "): entry point not found: the library does not export 'processhost_plugin_descriptor'");
}

TEST_F(Lifecycle, MissingLibraryExitsWithItsMessage) {
  expect_failure(R"([{"name":"absent"}])", "plugin 'absent' (" + fixture("absent") + "): no such file");
}

TEST_F(Lifecycle, MissingRequiredServiceNamesConsumerAndService) {
  expect_failure(R"([{"name":"missing_requirement"}])",
                 "plugin 'missing_requirement' (" + fixture("missing_requirement") +
                     ") requires service 'test.nobody/1', which no loaded plugin provides");
}

TEST_F(Lifecycle, DependencyCycleNamesThePlugins) {
  expect_failure(R"([{"name":"cycle_a"},{"name":"cycle_b"}])",
                 "dependency cycle: 'cycle_a' -> 'cycle_b' -> 'cycle_a'");
}

TEST_F(Lifecycle, ConfigureThrowsExitsWithTheExceptionText) {
  expect_failure(R"([{"name":"configure_throws"}])",
                 "plugin 'configure_throws' (" + fixture("configure_throws") +
                     "): configure failed: the fixture refuses its config");
}

TEST_F(Lifecycle, StartThrowsExitsAndStopsWhatStarted) {
  expect_failure(R"([{"name":"greeting_provider","config":{"greeting":"Hi"}},{"name":"start_throws"}])",
                 "plugin 'start_throws' (" + fixture("start_throws") + "): start failed: the fixture cannot start");
  EXPECT_NE(output_.find("[host] stopped 'greeting_provider'"), std::string::npos) << output_;
}

TEST_F(Lifecycle, UndeclaredServiceIsAnError) {
  expect_failure(R"([{"name":"undeclared_service"}])",
                 "plugin 'undeclared_service' (" + fixture("undeclared_service") +
                     "): declares service 'test.undeclared/1' but did not provide it in configure()");
}

TEST_F(Lifecycle, PluginConfigIsCheckedAgainstItsSchema) {
  expect_failure(R"([{"name":"greeting_provider","config":{"greeting":5}}])",
                 "plugin 'greeting_provider' (" + fixture("greeting_provider") + "): invalid config in " +
                     (dir_.path() / "host.json").string() + ": /greeting: expected string, got integer");
}

TEST_F(Lifecycle, PluginConfigFromAFileIsCheckedAndNamed) {
  const auto file = dir_.write("plugins/greeting.json", R"({"greting":"typo"})");
  expect_failure(R"([{"name":"greeting_provider","config":"plugins/greeting.json"}])",
                 "plugin 'greeting_provider' (" + fixture("greeting_provider") + "): invalid config in " +
                     file.string() + ": /: unknown key 'greting' (allowed: greeting)");
}

TEST_F(Lifecycle, DisabledPluginIsNotLoaded) {
  HostProcess host(config(R"([{"name":"wrong_api_version","enabled":false}])"));
  host.start();
  EXPECT_EQ(http_request(host.port(), "GET", "/health").status, 200);
  EXPECT_EQ(host.stop(), 0) << host.output();
  EXPECT_NE(host.output().find("plugin 'wrong_api_version' is disabled in the config"), std::string::npos);
}

TEST_F(Lifecycle, ProvidersStartFirstServeAndStopLast) {
  // The consumer is listed first: the order comes from provides/requires, not the list.
  HostProcess host(
      config(R"([{"name":"greeting_consumer"},{"name":"greeting_provider","config":{"greeting":"Hello"}}])"));
  host.start();

  const HttpReply greet = http_request(host.port(), "GET", "/fixture/greet/ann");
  EXPECT_EQ(greet.status, 200);
  EXPECT_EQ(greet.body, R"({"text":"Hello, ann"})");
  const HttpReply greeting = http_request(host.port(), "GET", "/fixture/greeting/b%C3%B6b");
  EXPECT_EQ(greeting.body, "{\"text\":\"Hello, b\xC3\xB6" "b\"}");

  const HttpReply plugins = http_request(host.port(), "GET", "/host/plugins");
  ASSERT_EQ(plugins.status, 200);
  rapidjson::Document listing;
  listing.Parse(plugins.body.c_str());
  ASSERT_TRUE(listing.IsObject()) << plugins.body;
  EXPECT_STREQ(listing["host"]["name"].GetString(), "processhost");
  EXPECT_TRUE(listing["ready"].GetBool());
  std::vector<std::string> names;
  for (const auto& plugin : listing["plugins"].GetArray()) {
    if (!plugin["builtIn"].GetBool()) names.emplace_back(plugin["name"].GetString());
    if (std::string(plugin["name"].GetString()) == "greeting_provider") {
      EXPECT_STREQ(plugin["version"].GetString(), "2.1.0");
      EXPECT_STREQ(plugin["library"].GetString(), fixture("greeting_provider").c_str());
      ASSERT_EQ(plugin["provides"].Size(), 1u);
      EXPECT_STREQ(plugin["provides"][0].GetString(), "test.greeting/1");
    }
    if (std::string(plugin["name"].GetString()) == "greeting_consumer") {
      ASSERT_EQ(plugin["requires"].Size(), 1u);
      EXPECT_STREQ(plugin["requires"][0].GetString(), "test.greeting/1");
    }
  }
  EXPECT_EQ(names, (std::vector<std::string>{"greeting_provider", "greeting_consumer"}));
  EXPECT_STREQ(listing["services"]["test.greeting/1"].GetString(), "greeting_provider");

  EXPECT_EQ(host.stop(), 0) << host.output();
  const std::string output = host.output();
  const auto provider_started = output.find("[host] started 'greeting_provider'");
  const auto consumer_started = output.find("[host] started 'greeting_consumer'");
  const auto consumer_stopped = output.find("[host] stopped 'greeting_consumer'");
  const auto provider_stopped = output.find("[host] stopped 'greeting_provider'");
  ASSERT_NE(provider_started, std::string::npos) << output;
  ASSERT_NE(consumer_started, std::string::npos) << output;
  ASSERT_NE(consumer_stopped, std::string::npos) << output;
  ASSERT_NE(provider_stopped, std::string::npos) << output;
  EXPECT_LT(provider_started, consumer_started);
  EXPECT_LT(consumer_started, consumer_stopped);
  EXPECT_LT(consumer_stopped, provider_stopped);
  EXPECT_NE(output.find("[greeting_consumer] greeting consumer stopped"), std::string::npos) << output;
  EXPECT_NE(output.find("[host] stopped cleanly"), std::string::npos) << output;
}

TEST_F(Lifecycle, CheckConfigValidatesWithoutStarting) {
  HostProcess host(config(R"([{"name":"greeting_provider","config":{"greeting":"Hi"}}])"), {"--check-config"});
  EXPECT_EQ(host.run_to_exit(), 0) << host.output();
  EXPECT_NE(host.output().find("config OK"), std::string::npos) << host.output();
  EXPECT_EQ(host.output().find("listening on"), std::string::npos) << host.output();
}

TEST_F(Lifecycle, CheckConfigReportsABadPluginConfig) {
  HostProcess host(config(R"([{"name":"greeting_provider","config":{}}])"), {"--check-config"});
  EXPECT_EQ(host.run_to_exit(), 1) << host.output();
  EXPECT_NE(host.output().find("invalid config in " + (dir_.path() / "host.json").string() +
                               ": /: missing required key 'greeting'"),
            std::string::npos)
      << host.output();
}

std::vector<std::string> real_plugins() {
  std::vector<std::string> names;
  std::istringstream list(PROCESSHOST_REAL_PLUGINS);
  for (std::string name; std::getline(list, name, ',');) {
    if (!name.empty()) names.push_back(name);
  }
  return names;
}

class RealPlugin : public ::testing::TestWithParam<std::string> {};

TEST_P(RealPlugin, LoadsWithACheckedDescriptor) {
  const std::string name = GetParam();
  const auto file = std::filesystem::path(PROCESSHOST_PLUGIN_DIR) / (name + ".so");
  const host::PluginLibrary loaded = host::load_plugin_library(name, file);
  EXPECT_STREQ(loaded.descriptor->name, name.c_str());
  EXPECT_EQ(loaded.descriptor->api_version, kPluginApiVersion);
  EXPECT_STREQ(loaded.descriptor->abi_tag, PROCESSHOST_ABI_TAG);
  EXPECT_NE(std::string(loaded.descriptor->version), "");
}

INSTANTIATE_TEST_SUITE_P(Built, RealPlugin, ::testing::ValuesIn(real_plugins()),
                         [](const auto& info) { return info.param; });
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(RealPlugin);

}  // namespace
}  // namespace processhost::testing
