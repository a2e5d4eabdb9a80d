// The sample clients against the real host binary with the demo plugin set (pg_store, iam,
// consumer_api) on a private PostgreSQL: login, the sample run, a wrong password, and a
// host restart on the same database.
#include <gtest/gtest.h>

#include <cstdlib>
#include <regex>

#include "client_run.hpp"
#include "processhost/client/consumer_api_client.hpp"
#include "processhost/client/iam_client.hpp"
#include "processhost/test/postgres_cluster.hpp"
#include "processhost/testing/host_process.hpp"

namespace processhost::testing {
namespace {

constexpr const char* kResult = R"(result: {"form_fields":{"TaskWasSuccessful":true}})";

std::string correlation_id_of(const std::string& output) {
  std::smatch match;
  const std::regex started("starting sample_process with correlation id ([0-9a-f-]+)");
  return std::regex_search(output, match, started) ? match[1].str() : std::string();
}

class DemoHost : public ::testing::Test {
 protected:
  void SetUp() override {
    auto& cluster = test::shared_postgres_cluster();
    // Each test case is its own process and ctest runs them side by side: one database each.
    database_ = test::unique_database_name("e2e_clients");
    cluster.create_database(database_);
    setenv("PROCESSHOST_PG_URL", cluster.url(database_).c_str(), 1);
    config_ = copy_config_set(dir_.path(), "demo");
    start_host();
  }
  void TearDown() override {
    if (host_) {
      EXPECT_EQ(host_->stop(), 0) << host_->output();
    }
    unsetenv("PROCESSHOST_PG_URL");
    test::shared_postgres_cluster().drop_database(database_);
  }
  void start_host() {
    host_ = std::make_unique<HostProcess>(config_);
    host_->start();
    url_ = "http://127.0.0.1:" + std::to_string(host_->port());
  }

  TempDir dir_;
  std::string database_;
  std::filesystem::path config_;
  std::unique_ptr<HostProcess> host_;
  std::string url_;
};

TEST_F(DemoHost, BothClientsLogInAndRunTheSample) {
  for (const auto& [program, binary, extra] :
       {std::tuple{"basic_client", basic_client_binary(), std::vector<std::string>{}},
        std::tuple{"container_client", container_client_binary(),
                   std::vector<std::string>{"--config", (source_dir() / "config/demo/client.json").string()}}}) {
    std::vector<std::string> args{"--url", url_};
    args.insert(args.end(), extra.begin(), extra.end());
    auto run = run_program(binary, args);
    const std::string prefix = "[" + std::string(program) + "] ";
    EXPECT_EQ(run.exit_code, 0) << run.output;
    EXPECT_NE(run.output.find(prefix + "logged in as user sampleUser"), std::string::npos) << run.output;
    EXPECT_NE(run.output.find(", endEventId EndEvent_Success (1 in total)"), std::string::npos) << run.output;
    EXPECT_EQ(last_line(run.output), prefix + kResult) << run.output;
  }
}

TEST_F(DemoHost, AWrongPasswordStopsTheClientWith401) {
  auto run = run_program(basic_client_binary(), {"--url", url_, "--password", "wrong"});
  EXPECT_EQ(run.exit_code, 1) << run.output;
  EXPECT_NE(last_line(run.output).find("[basic_client] failed: HTTP error 401: "), std::string::npos) << run.output;
}

TEST_F(DemoHost, ResultsSurviveAHostRestartAndTheSampleRunsAgain) {
  auto first = run_program(basic_client_binary(), {"--url", url_});
  ASSERT_EQ(first.exit_code, 0) << first.output;
  const std::string correlation_id = correlation_id_of(first.output);
  ASSERT_FALSE(correlation_id.empty()) << first.output;

  ASSERT_EQ(host_->stop(), 0) << host_->output();
  start_host();

  auto url = client::BaseUrl::parse(url_);
  ASSERT_TRUE(url);
  client::BeastHttpTransport transport(*url);
  auto login = client::IamClient(transport).login({"sampleUser", "pass"});
  ASSERT_TRUE(login) << login.error().describe();
  client::ConsumerApiClient consumer_api(transport);
  auto results = consumer_api.correlation_results(login->identity, correlation_id, "sample_process");
  ASSERT_TRUE(results) << results.error().describe();
  ASSERT_EQ(results->correlation_results.size(), 1u);
  EXPECT_EQ(results->correlation_results[0].end_event_id, "EndEvent_Success");
  EXPECT_EQ(results->correlation_results[0].token_payload, R"({"form_fields":{"TaskWasSuccessful":true}})");

  auto second = run_program(basic_client_binary(), {"--url", url_});
  EXPECT_EQ(second.exit_code, 0) << second.output;
  EXPECT_EQ(last_line(second.output), std::string("[basic_client] ") + kResult) << second.output;
}

}  // namespace
}  // namespace processhost::testing
