#include <gtest/gtest.h>

#include <fstream>

#include "client_config.hpp"

namespace processhost::client::examples {
namespace {

std::filesystem::path write_temp(const std::string& name, const std::string& text) {
  auto path = std::filesystem::temp_directory_path() / ("processhost_client_config_" + name + ".json");
  std::ofstream(path) << text;
  return path;
}

TEST(ClientConfig, ReadsTheDemoConfig) {
  auto config = read_client_config(std::filesystem::path(PROCESSHOST_SOURCE_DIR) / "config/demo/client.json");
  ASSERT_TRUE(config) << config.error().describe();
  ASSERT_TRUE(config->credentials);
  EXPECT_EQ(config->credentials->username, "sampleUser");
  EXPECT_EQ(config->credentials->password, "pass");
  EXPECT_TRUE(BaseUrl::parse(config->url));
}

TEST(ClientConfig, TheMinimalConfigHasNoCredentials) {
  auto config = read_client_config(std::filesystem::path(PROCESSHOST_SOURCE_DIR) / "config/minimal/client.json");
  ASSERT_TRUE(config) << config.error().describe();
  EXPECT_FALSE(config->credentials);
}

TEST(ClientConfig, ReadsTimeouts) {
  auto path = write_temp("timeouts", R"({"url":"http://h:1","timeouts":{"connectMs":7,"requestMs":8,"waitMs":9}})");
  auto config = read_client_config(path);
  ASSERT_TRUE(config) << config.error().describe();
  EXPECT_EQ(config->url, "http://h:1");
  EXPECT_EQ(config->transport.connect_timeout.count(), 7);
  EXPECT_EQ(config->transport.request_timeout.count(), 8);
  EXPECT_EQ(config->wait.timeout.count(), 9);
}

TEST(ClientConfig, ErrorsNameTheFileAndTheProblem) {
  auto path = write_temp("bad", R"({"url": 5})");
  auto config = read_client_config(path);
  ASSERT_FALSE(config);
  EXPECT_EQ(config.error().message, "client config " + path.string() + ": \"url\" must be a string");
  auto missing = read_client_config("/nonexistent/client.json");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().message, "client config /nonexistent/client.json: cannot be read");
}

TEST(ClientConfig, TheCommandLineOverridesTheFile) {
  const char* argv[] = {"prog", "--url", "http://other:9", "--user", "alice", "--password", "secret"};
  auto command_line = parse_command_line(7, argv);
  ASSERT_TRUE(command_line) << command_line.error().message;
  ClientConfig config;
  config.credentials = Credentials{"sampleUser", "pass"};
  apply_overrides(*command_line, config);
  EXPECT_EQ(config.url, "http://other:9");
  EXPECT_EQ(config.credentials->username, "alice");
  EXPECT_EQ(config.credentials->password, "secret");
}

TEST(ClientConfig, RejectsUnknownOptionsAndMissingValues) {
  const char* unknown[] = {"prog", "--port", "1"};
  EXPECT_EQ(parse_command_line(3, unknown).error().message, "unknown option --port");
  const char* missing[] = {"prog", "--url"};
  EXPECT_EQ(parse_command_line(2, missing).error().message, "missing value after --url");
}

TEST(BaseUrl, ParsesHostPortAndPrefix) {
  auto url = BaseUrl::parse("http://127.0.0.1:8000/prefix/");
  ASSERT_TRUE(url);
  EXPECT_EQ(url->host, "127.0.0.1");
  EXPECT_EQ(url->port, 8000);
  EXPECT_EQ(url->path_prefix, "/prefix");
  EXPECT_EQ(url->to_string(), "http://127.0.0.1:8000/prefix");
  auto plain = BaseUrl::parse("http://localhost");
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->port, 80);
  EXPECT_FALSE(BaseUrl::parse("https://h:1"));
  EXPECT_FALSE(BaseUrl::parse("http://h:99999"));
  EXPECT_FALSE(BaseUrl::parse("http://:80"));
  EXPECT_EQ(encode_component("a b/ü"), "a%20b%2F%C3%BC");
}

}  // namespace
}  // namespace processhost::client::examples
