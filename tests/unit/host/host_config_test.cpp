// The host config: values, defaults, relative paths, and the message of each kind of error.
#include <gtest/gtest.h>

#include "host_config.hpp"
#include "processhost/testing/host_process.hpp"

namespace processhost::host {
namespace {

using processhost::testing::TempDir;

class HostConfigTest : public ::testing::Test {
 protected:
  std::filesystem::path write(const std::string& text) { return dir_.write("conf/host.json", text); }

  std::string error_of(const std::string& text) {
    const auto file = write(text);
    try {
      load_host_config(file, "/default/plugins");
    } catch (const ConfigError& error) {
      return error.what();
    }
    return "valid";
  }

  std::string file() const { return (dir_.path() / "conf" / "host.json").string(); }
  std::string dir() const { return (dir_.path() / "conf").string(); }

  TempDir dir_;
};

TEST_F(HostConfigTest, DefaultsForAnEmptyObject) {
  const HostConfig config = load_host_config(write("{}"), "/default/plugins");
  EXPECT_EQ(config.file, file());
  EXPECT_EQ(config.dir, dir());
  EXPECT_EQ(config.http.host, "127.0.0.1");
  EXPECT_EQ(config.http.port, 8000);
  EXPECT_EQ(config.http.max_body_bytes, 1024u * 1024);
  EXPECT_EQ(config.http.max_header_bytes, 16u * 1024);
  EXPECT_EQ(config.http.json_limits.max_depth, 64u);
  EXPECT_EQ(config.http.json_limits.max_string_bytes, 1024u * 1024);
  EXPECT_EQ(config.http.json_limits.max_members, 10000u);
  EXPECT_EQ(config.http.threads, 2u);
  EXPECT_EQ(config.http.pipeline_limit, 8u);
  EXPECT_EQ(config.engine.worker_threads, 2u);
  EXPECT_EQ(config.engine.script_budget, std::chrono::milliseconds(1000));
  EXPECT_EQ(config.plugin_dir, "/default/plugins");
  EXPECT_TRUE(config.plugins.empty());
  EXPECT_TRUE(config.process_models.empty());
  EXPECT_EQ(config.log_level, LogLevel::info);
}

TEST_F(HostConfigTest, ReadsValuesAndResolvesPathsAgainstTheConfigFolder) {
  dir_.write("conf/processes/b.bpmn", "<b/>");
  dir_.write("conf/processes/a.bpmn", "<a/>");
  dir_.write("conf/processes/notes.txt", "ignored");
  dir_.write("conf/single.bpmn", "<s/>");
  dir_.write("conf/iam/config.json", R"({"users": "users.json"})");
  const HostConfig config = load_host_config(write(R"({
    "http": {"host": "0.0.0.0", "port": 0, "maxBodyBytes": 1024, "readTimeoutMs": 500, "writeTimeoutMs": 600,
             "drainTimeoutMs": 700, "threads": 4, "pipelineLimit": 2, "maxHeaderBytes": 4096, "maxJsonDepth": 8,
             "maxJsonStringBytes": 100, "maxJsonMembers": 50},
    "engine": {"workerThreads": 3, "scriptBudgetMs": 250},
    "log": {"level": "debug", "format": "json"},
    "processModels": ["single.bpmn", "processes"],
    "pluginDir": "../plugins",
    "plugins": [
      {"name": "consumer_api"},
      {"name": "iam", "config": "iam/config.json"},
      {"name": "custom", "library": "/opt/custom.so", "enabled": false, "config": {"x": 1}}
    ]})"),
                                             "/default/plugins");
  EXPECT_EQ(config.http.host, "0.0.0.0");
  EXPECT_EQ(config.http.port, 0);
  EXPECT_EQ(config.http.max_body_bytes, 1024u);
  EXPECT_EQ(config.http.max_header_bytes, 4096u);
  EXPECT_EQ(config.http.json_limits.max_depth, 8u);
  EXPECT_EQ(config.http.json_limits.max_string_bytes, 100u);
  EXPECT_EQ(config.http.json_limits.max_members, 50u);
  EXPECT_EQ(config.http.read_timeout, std::chrono::milliseconds(500));
  EXPECT_EQ(config.http.write_timeout, std::chrono::milliseconds(600));
  EXPECT_EQ(config.http.drain_timeout, std::chrono::milliseconds(700));
  EXPECT_EQ(config.http.threads, 4u);
  EXPECT_EQ(config.http.pipeline_limit, 2u);
  EXPECT_EQ(config.engine.worker_threads, 3u);
  EXPECT_EQ(config.engine.script_budget, std::chrono::milliseconds(250));
  EXPECT_EQ(config.log_level, LogLevel::debug);
  EXPECT_EQ(config.log_format, "json");
  EXPECT_EQ(config.process_models, (std::vector<std::filesystem::path>{dir() + "/single.bpmn", dir() + "/processes/a.bpmn",
                                                                       dir() + "/processes/b.bpmn"}));
  EXPECT_EQ(config.plugin_dir, dir_.path() / "plugins");
  ASSERT_EQ(config.plugins.size(), 3u);
  EXPECT_EQ(config.plugins[0].library, dir_.path() / "plugins" / "consumer_api.so");
  EXPECT_TRUE(config.plugins[0].config->IsObject());
  EXPECT_EQ(config.plugins[0].config->MemberCount(), 0u);
  EXPECT_EQ(config.plugins[0].config_file, file());
  EXPECT_EQ(config.plugins[1].config_file, dir() + "/iam/config.json");
  EXPECT_EQ(config.plugins[1].config_dir, dir() + "/iam");
  EXPECT_STREQ((*config.plugins[1].config)["users"].GetString(), "users.json");
  EXPECT_EQ(config.plugins[2].library, "/opt/custom.so");
  EXPECT_FALSE(config.plugins[2].enabled);
  EXPECT_EQ((*config.plugins[2].config)["x"].GetInt(), 1);
}

TEST_F(HostConfigTest, TheEarlierBodyLimitNameStillWorksButNotBesideTheNewOne) {
  EXPECT_EQ(load_host_config(write(R"({"http": {"bodyLimitBytes": 2048}})"), "/p").http.max_body_bytes, 2048u);
  EXPECT_EQ(error_of(R"({"http": {"bodyLimitBytes": 2048, "maxBodyBytes": 4096}})"),
            file() + ": /http: bodyLimitBytes is the earlier name of maxBodyBytes; give only maxBodyBytes");
}

TEST_F(HostConfigTest, JsonDepthIsBoundedSoStoredDataStaysReadable) {
  EXPECT_EQ(error_of(R"({"http": {"maxJsonDepth": 1001}})"), file() + ": /http/maxJsonDepth: expected a number <= 1000, got 1001");
}

TEST_F(HostConfigTest, ConfigFilesAreParsedWithTheJsonLimits) {
  EXPECT_EQ(error_of(std::string(65, '[') + std::string(65, ']')),
            file() + ": not valid JSON: the document is nested deeper than allowed (maxJsonDepth 64) at offset 64");
}

TEST_F(HostConfigTest, UnknownKeyListsTheAllowedOnes) {
  EXPECT_EQ(error_of(R"({"htp": {}})"),
            file() + ": /: unknown key 'htp' (allowed: $schema, http, engine, notifications, log, processModels, pluginDir, plugins)");
  EXPECT_EQ(error_of(R"({"http": {"prot": 1}})"),
            file() + ": /http: unknown key 'prot' (allowed: host, port, maxBodyBytes, bodyLimitBytes, maxHeaderBytes, "
                     "maxJsonDepth, maxJsonStringBytes, maxJsonMembers, readTimeoutMs, writeTimeoutMs, "
                     "drainTimeoutMs, threads, pipelineLimit)");
  EXPECT_EQ(error_of(R"({"plugins": [{"name": "a", "conf": {}}]})"),
            file() + ": /plugins/0: unknown key 'conf' (allowed: name, library, enabled, config)");
}

TEST_F(HostConfigTest, WrongTypesNameThePointerAndTheExpectedType) {
  EXPECT_EQ(error_of(R"({"http": {"port": "80"}})"), file() + ": /http/port: expected integer, got string");
  EXPECT_EQ(error_of(R"({"plugins": {}})"), file() + ": /plugins: expected array, got object");
  EXPECT_EQ(error_of(R"({"plugins": [{"name": "a", "config": 5}]})"),
            file() + ": /plugins/0/config: expected object or string, got integer");
  EXPECT_EQ(error_of(R"({"plugins": [{"name": "a", "enabled": "yes"}]})"),
            file() + ": /plugins/0/enabled: expected boolean, got string");
  EXPECT_EQ(error_of("[]"), file() + ": /: expected object, got array");
}

TEST_F(HostConfigTest, RangesEnumsPatternsAndRequiredKeys) {
  EXPECT_EQ(error_of(R"({"http": {"port": 70000}})"), file() + ": /http/port: expected a number <= 65535, got 70000");
  EXPECT_EQ(error_of(R"({"http": {"threads": 0}})"), file() + ": /http/threads: expected a number >= 1, got 0");
  EXPECT_EQ(error_of(R"({"log": {"level": "loud"}})"),
            file() + ": /log/level: expected one of debug, info, warn, error, got \"loud\"");
  EXPECT_EQ(error_of(R"({"plugins": [{"config": {}}]})"), file() + ": /plugins/0: missing required key 'name'");
  EXPECT_EQ(error_of(R"({"plugins": [{"name": "../evil"}]})"),
            file() + ": /plugins/0/name: expected a string matching \"^[A-Za-z0-9_.-]+$\", got \"../evil\"");
}

TEST_F(HostConfigTest, MissingAndBrokenFiles) {
  try {
    load_host_config(dir_.path() / "absent.json", "/p");
    FAIL() << "no error";
  } catch (const ConfigError& error) {
    EXPECT_EQ(std::string(error.what()), (dir_.path() / "absent.json").string() + ": cannot read the host config (no such file)");
  }
  EXPECT_EQ(error_of(R"({"http": {"port": 1} "plugins": []})"),
            file() + ": not valid JSON: Missing a comma or '}' after an object member. at offset 21");
  EXPECT_EQ(error_of(R"({"plugins": [{"name": "iam", "config": "iam/missing.json"}]})"),
            file() + ": /plugins/0/config: no such file: " + dir() + "/iam/missing.json");
  EXPECT_EQ(error_of(R"({"processModels": ["processes/none.bpmn"]})"),
            file() + ": /processModels/0: no such file or folder: " + dir() + "/processes/none.bpmn");
  dir_.write("conf/empty/readme.txt", "no models");
  EXPECT_EQ(error_of(R"({"processModels": ["empty"]})"),
            file() + ": /processModels/0: folder " + dir() + "/empty holds no .bpmn file");
}

TEST_F(HostConfigTest, PluginConfigFileMustBeAnObject) {
  dir_.write("conf/iam.json", "[1, 2]");
  EXPECT_EQ(error_of(R"({"plugins": [{"name": "iam", "config": "iam.json"}]})"),
            dir() + "/iam.json: expected a JSON object, got array");
  dir_.write("conf/broken.json", "{");
  EXPECT_EQ(error_of(R"({"plugins": [{"name": "iam", "config": "broken.json"}]})"),
            dir() + "/broken.json: not valid JSON: Missing a name for object member. at offset 1");
}

TEST_F(HostConfigTest, APluginListedTwice) {
  EXPECT_EQ(error_of(R"({"plugins": [{"name": "a"}, {"name": "a", "enabled": false}]})"),
            file() + ": /plugins/1/name: plugin 'a' is listed twice");
}

}  // namespace
}  // namespace processhost::host
