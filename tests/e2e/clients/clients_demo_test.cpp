// The sample clients against the real host binary with the demo plugin set (pg_store, iam,
// consumer_api) on a private PostgreSQL: login, the sample run, a wrong password, a host
// restart on the same database, and a notification subscription that outlives a restart.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <regex>
#include <thread>

#include "client_run.hpp"
#include "notification_recorder.hpp"
#include "processhost/client/consumer_api_client.hpp"
#include "processhost/client/iam_client.hpp"
#include "processhost/client/notifications.hpp"
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

// The stream drops when the host stops; the subscription reopens it on the restarted host
// (same port, same database) with its Last-Event-ID. The host counts event ids from 1 again,
// so it answers events_lost (the subscriber re-reads state), and the events of the instance
// that goes on after the restart arrive on the reopened stream.
TEST_F(DemoHost, ASubscriptionReopensAfterAHostRestartAndHearsWhatFollows) {
  using namespace std::chrono_literals;
  const auto port = host_->port();
  auto url = client::BaseUrl::parse(url_).value();
  client::BeastHttpTransport transport(url);
  auto login = client::IamClient(transport).login({"sampleUser", "pass"});
  ASSERT_TRUE(login) << login.error().describe();
  const client::Identity identity = login->identity;
  client::ConsumerApiClient consumer_api(transport);

  NotificationRecorder recorder;
  client::SubscribeOptions options;
  options.first_retry_delay = 50ms;
  options.max_retry_delay = 300ms;
  client::SseNotificationSource source(url, options);
  auto subscription = source.subscribe(identity, {.correlation_id = "restart-1"}, recorder.handlers());
  ASSERT_TRUE(subscription) << subscription.error().describe();
  client::ProcessStartRequest request;
  request.correlation_id = "restart-1";
  request.input_values = "{}";
  auto started = consumer_api.start_process_instance(identity, "sample_process", request);
  ASSERT_TRUE(started) << started.error().describe();
  const std::string instance = started->process_instance_id.value_or("");
  const auto waiting = recorder.wait_for("user_task_waiting", 10s);
  ASSERT_TRUE(waiting) << recorder.names();
  EXPECT_EQ(waiting->process_instance_id, instance);
  // The subscription takes an event's id before its handler records it: wait until the
  // recorder holds the last event the subscription took.
  const auto recorded_until = std::chrono::steady_clock::now() + 2s;
  while ((*subscription)->last_event_id() != recorder.all().back().event_id &&
         std::chrono::steady_clock::now() < recorded_until) {
    std::this_thread::sleep_for(10ms);
  }
  EXPECT_EQ((*subscription)->last_event_id(), recorder.all().back().event_id);
  const std::size_t before_restart = recorder.size();

  ASSERT_EQ(host_->stop(), 0) << host_->output();
  ASSERT_TRUE(recorder.wait_count(recorder.disconnects(), 1, 10s));
  set_host_port(config_, port);
  start_host();
  ASSERT_TRUE(recorder.wait_count(recorder.reconnects(), 1, 15s));
  ASSERT_TRUE(recorder.wait_count(recorder.events_lost(), 1, 5s));

  // The instance waits in the database; finishing it after the restart is heard.
  client::BeastHttpTransport after_transport(url);
  client::ConsumerApiClient after_api(after_transport);
  auto tasks = after_api.user_tasks_for_process_instance(identity, instance);
  ASSERT_TRUE(tasks) << tasks.error().describe();
  ASSERT_EQ(tasks->user_tasks.size(), 1u);
  EXPECT_EQ(tasks->user_tasks[0].flow_node_instance_id, waiting->flow_node_instance_id);
  ASSERT_TRUE(after_api.finish_user_task(identity, instance, "restart-1", waiting->flow_node_instance_id.value_or(""),
                                         {R"({"TaskWasSuccessful":true})"}));
  const auto finished = recorder.wait_for("user_task_finished", 10s, before_restart);
  const auto ended = recorder.wait_for("process_ended", 10s, before_restart);
  ASSERT_TRUE(finished) << recorder.names();
  ASSERT_TRUE(ended) << recorder.names();
  EXPECT_EQ(finished->flow_node_instance_id, waiting->flow_node_instance_id);
  EXPECT_EQ(ended->process_instance_id, instance);
  EXPECT_EQ(ended->flow_node_id, "EndEvent_Success");
  // The restarted host numbers its events above every id of its previous run, so an id
  // from before the restart can never name one of its events.
  EXPECT_GT(std::stoull(finished->event_id), std::stoull(waiting->event_id));
  (*subscription)->cancel();
}

}  // namespace
}  // namespace processhost::testing
