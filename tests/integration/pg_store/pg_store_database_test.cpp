// pg_store against a real PostgreSQL: start-up (database creation, migrations, messages),
// indexes behind the list queries, outages, statement timeouts and two hosts on one database.

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <iostream>
#include <thread>

#include <pqxx/pqxx>

#include "pg_store.hpp"
#include "processhost/test/postgres_cluster.hpp"
#include "schema_migrations.hpp"
#include "store_harness.hpp"
#include "store_sql.hpp"
#include "store_test_support.hpp"

namespace processhost::test {
namespace {

using plugins::pg_store::PgConfig;
using plugins::pg_store::PgStore;

Status commit(Store& store, ChangeSet changes) {
  return await_result<Ok>([&](auto done) { store.commit(std::move(changes), done); });
}

std::string start_failure(const PgConfig& config) {
  PgStore store(config, nullptr);
  try {
    store.start();
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "";
}

TEST(PgStoreStartup, CreatesTheDatabaseAndRecordsTheSchemaVersion) {
  const auto config = cluster_config(unique_database_name("startup"));
  const auto latest = plugins::pg_store::schema_migrations().back().version;
  {
    PgStore store(config, nullptr);
    const auto outcome = store.start();
    EXPECT_TRUE(outcome.database_created);
    EXPECT_EQ(outcome.schema_version, latest);
  }
  PgStore again(config, nullptr);
  const auto outcome = again.start();
  EXPECT_FALSE(outcome.database_created);
  EXPECT_EQ(outcome.schema_version, latest);
  again.stop();
  auto& cluster = shared_postgres_cluster();
  EXPECT_EQ(cluster.psql(config.database, "SELECT version, name FROM processhost_schema_migrations ORDER BY version"),
            "1|initial schema\n2|leaner indexes\n");
  cluster.drop_database(config.database);
}

TEST(PgStoreStartup, HostsStartingTogetherApplyEachMigrationOnce) {
  const auto config = cluster_config(unique_database_name("together"));
  std::atomic<int> started{0};
  std::vector<std::thread> hosts;
  for (int i = 0; i < 4; ++i) {
    hosts.emplace_back([&] {
      PgStore store(config, nullptr);
      try {
        store.start();
        ++started;
      } catch (const std::exception& e) {
        ADD_FAILURE() << e.what();
      }
    });
  }
  for (auto& host : hosts) host.join();
  EXPECT_EQ(started.load(), 4);
  auto& cluster = shared_postgres_cluster();
  EXPECT_EQ(cluster.psql(config.database, "SELECT count(*) FROM processhost_schema_migrations"),
            std::to_string(plugins::pg_store::schema_migrations().size()) + "\n");
  cluster.drop_database(config.database);
}

TEST(PgStoreStartup, AnUnreachableServerIsNamedWithTheConfigFileAndAdvice) {
  auto config = cluster_config("anything");
  config.port = free_loopback_port();
  config.source_file = "/etc/demo/data_sources/postgres.json";
  const auto message = start_failure(config);
  EXPECT_NE(message.find("/etc/demo/data_sources/postgres.json"), std::string::npos) << message;
  EXPECT_NE(message.find("127.0.0.1:" + std::to_string(config.port)), std::string::npos) << message;
  EXPECT_NE(message.find("start the server"), std::string::npos) << message;
}

TEST(PgStoreStartup, AMissingDatabaseTheRoleMayNotCreateIsReportedWithWhatToDo) {
  auto& cluster = shared_postgres_cluster();
  cluster.psql("postgres",
               "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'limited_role') THEN "
               "CREATE ROLE limited_role LOGIN NOCREATEDB; END IF; END $$");
  auto config = cluster_config(unique_database_name("forbidden"));
  config.user = "limited_role";
  const auto message = start_failure(config);
  EXPECT_NE(message.find("may not create it"), std::string::npos) << message;
  EXPECT_NE(message.find(config.source_file.string()), std::string::npos) << message;
  EXPECT_NE(message.find(config.database), std::string::npos) << message;
  EXPECT_EQ(cluster.psql("postgres", "SELECT count(*) FROM pg_database WHERE datname = '" + config.database + "'"),
            "0\n");
}

// Plans as the server makes them for the prepared statements (generic plans); sequential
// scans are disabled, so a plan without one shows that an index serves the query.
class PgStoreIndexes : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    harness_ = new PgStoreHarness(2, true);
    for (int i = 0; i < 200; ++i) {
      auto instance = make_instance("i" + std::to_string(i), "model_" + std::to_string(i % 20),
                                    "corr_" + std::to_string(i), "user_" + std::to_string(i % 50), i);
      std::vector<FlowNodeInstanceRecord> nodes;
      for (int n = 0; n < 10; ++n) {
        auto node = make_node(instance, instance.id + "_n" + std::to_string(n), "task_" + std::to_string(n),
                              i * 10 + n, "bpmn:UserTask", n == 9 ? "suspended" : "finished", "lane_a");
        if (n == 8) {
          node.state = "suspended";
          node.event_type = "messageEvent";
          node.event_name = "message_" + std::to_string(i);
        }
        nodes.push_back(node);
      }
      auto changes = creation(instance, nodes);
      if (i % 2 == 0) changes.instance.state = "finished";
      ASSERT_TRUE(commit(harness_->store(), changes).ok());
    }
    auto& cluster = shared_postgres_cluster();
    cluster.psql(harness_->config().database, "ANALYZE");
  }
  static void TearDownTestSuite() {
    delete harness_;
    harness_ = nullptr;
  }

  static std::string plan(const plugins::pg_store::BuiltQuery& query) {
    pqxx::connection connection(harness_->config().conninfo());
    pqxx::nontransaction tx(connection);
    tx.exec("SET plan_cache_mode = force_generic_plan");
    // A table this small is cheaper to scan; what matters is that an index serves the query.
    tx.exec("SET enable_seqscan = off");
    connection.prepare(query.name, query.sql);
    tx.exec_prepared(query.name, pqxx::prepare::make_dynamic_params(query.params));
    std::string arguments;
    for (const auto& param : query.params) arguments += (arguments.empty() ? "" : ", ") + tx.quote(param);
    std::string text;
    for (const auto& row : tx.exec("EXPLAIN EXECUTE " + tx.quote_name(query.name) + "(" + arguments + ")")) {
      text += row[0].c_str();
      text += '\n';
    }
    std::cout << "-- " << query.name << "\n" << text;
    return text;
  }

  static PgStoreHarness* harness_;
};

PgStoreHarness* PgStoreIndexes::harness_ = nullptr;

FlowNodeQuery waiting_tasks() {
  FlowNodeQuery query;
  query.state = "suspended";
  query.flow_node_types = {"bpmn:UserTask", "bpmn:ManualTask", "bpmn:Task"};
  query.lanes = std::vector<std::string>{"lane_a"};
  query.page = {0, 50};
  return query;
}

TEST_F(PgStoreIndexes, WaitingTaskListsUseTheirPartialIndexes) {
  auto by_model = waiting_tasks();
  by_model.process_model_id = "model_3";
  EXPECT_NE(plan(plugins::pg_store::build_flow_node_query(by_model)).find("processhost_waiting_by_model"),
            std::string::npos);
  auto by_instance = waiting_tasks();
  by_instance.process_instance_id = "i7";
  const auto instance_plan = plan(plugins::pg_store::build_flow_node_query(by_instance));
  EXPECT_TRUE(instance_plan.find("processhost_waiting_by_instance") != std::string::npos ||
              instance_plan.find("processhost_nodes_by_instance") != std::string::npos)
      << instance_plan;
  auto by_correlation = waiting_tasks();
  by_correlation.correlation_id = "corr_9";
  EXPECT_NE(plan(plugins::pg_store::build_flow_node_query(by_correlation)).find("processhost_waiting_by_correlation"),
            std::string::npos);
  auto by_correlation_and_model = by_correlation;
  by_correlation_and_model.process_model_id = "model_9";
  EXPECT_EQ(plan(plugins::pg_store::build_flow_node_query(by_correlation_and_model)).find("Seq Scan"),
            std::string::npos);
  auto own = waiting_tasks();
  own.owner_user_id = "user_4";
  EXPECT_NE(plan(plugins::pg_store::build_flow_node_query(own)).find("processhost_waiting_by_owner"),
            std::string::npos);
  EXPECT_NE(plan(plugins::pg_store::build_flow_node_query(waiting_tasks())).find("processhost_waiting_all"),
            std::string::npos);
}

TEST_F(PgStoreIndexes, EventAndInstanceQueriesUseIndexes) {
  FlowNodeQuery by_name;
  by_name.state = "suspended";
  by_name.event_name = "message_5";
  EXPECT_NE(plan(plugins::pg_store::build_flow_node_query(by_name)).find("processhost_waiting_events_by_name"),
            std::string::npos);
  FlowNodeQuery events;
  events.state = "suspended";
  events.events_only = true;
  events.correlation_id = "corr_3";
  EXPECT_EQ(plan(plugins::pg_store::build_flow_node_query(events)).find("Seq Scan"), std::string::npos);
  InstanceQuery running;
  running.state = "running";
  EXPECT_NE(plan(plugins::pg_store::build_instance_query(running)).find("processhost_instances_running"),
            std::string::npos);
  InstanceQuery own;
  own.owner_user_id = "user_3";
  EXPECT_NE(plan(plugins::pg_store::build_instance_query(own)).find("processhost_instances_by_owner"),
            std::string::npos);
  InstanceQuery by_correlation;
  by_correlation.correlation_id = "corr_3";
  EXPECT_NE(plan(plugins::pg_store::build_instance_query(by_correlation)).find("processhost_instances_by_correlation"),
            std::string::npos);
}

TEST(PgStoreTimeouts, AStatementThatWaitsTooLongIsUnavailableNotHung) {
  PgStoreHarness harness(1);
  auto instance = make_instance("i1");
  ASSERT_TRUE(commit(harness.store(), creation(instance)).ok());
  PgStore impatient([&] {
    auto config = harness.config();
    config.statement_timeout_ms = 300;
    return config;
  }(), nullptr);
  impatient.start();
  pqxx::connection blocker(harness.config().conninfo());
  pqxx::work lock(blocker);
  lock.exec("SELECT 1 FROM processhost_process_instances WHERE id = 'i1' FOR UPDATE");
  const auto result = commit(impatient, transition(instance, 1));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().status, ErrorStatus::unavailable);
  EXPECT_NE(result.error().message.find("timed out"), std::string::npos) << result.error().message;
  lock.abort();
  EXPECT_TRUE(commit(impatient, transition(instance, 1)).ok());
  impatient.stop();
}

// One connection and many commits at once: all but the first queue up and share a
// transaction. A conflict or a failing statement in the group fails only its own commit.
TEST(PgStoreGroupCommit, QueuedCommitsShareATransactionAndFailAlone) {
  PgStoreHarness harness(1);
  auto& store = harness.store();
  auto existing = make_instance("existing");
  ASSERT_TRUE(commit(store, creation(existing)).ok());
  auto& cluster = shared_postgres_cluster();
  const auto transactions = [&] {
    return std::stoll(cluster.psql(harness.config().database,
                                   "SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()"));
  };
  const auto before = transactions();

  constexpr int kCommits = 40;
  std::vector<std::promise<Status>> outcomes(kCommits);
  for (int i = 0; i < kCommits; ++i) {
    auto instance = make_instance("g" + std::to_string(i), "model_a", "corr", "alice", i);
    auto changes = creation(instance, {make_node(instance, "gn" + std::to_string(i), "task", i)});
    if (i == 10) changes = creation(existing);                      // conflict: the id exists
    if (i == 20) changes.instance.runtime_state = "{not json";     // the statement fails
    store.commit(std::move(changes), [&outcomes, i](Status status) { outcomes[i].set_value(std::move(status)); });
  }
  for (int i = 0; i < kCommits; ++i) {
    const auto status = outcomes[i].get_future().get();
    if (i == 10) {
      ASSERT_FALSE(status.ok());
      EXPECT_EQ(status.error().status, ErrorStatus::conflict);
    } else if (i == 20) {
      ASSERT_FALSE(status.ok());
      EXPECT_EQ(status.error().status, ErrorStatus::internal) << status.error().message;
    } else {
      EXPECT_TRUE(status.ok()) << i << ": " << status.error().message;
    }
  }
  FlowNodeQuery waiting;
  waiting.state = "suspended";
  auto nodes = await_result<PagedList<FlowNodeInstanceRecord>>([&](auto done) { store.query_flow_nodes(waiting, done); });
  ASSERT_TRUE(nodes.ok());
  EXPECT_EQ(nodes->total_count, static_cast<std::size_t>(kCommits - 2));
  // Fewer transactions than commits (the statistics are sent by the server with a delay).
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  EXPECT_LT(transactions() - before, kCommits);
}

TEST(PgStoreHosts, TwoStoresOnOneDatabaseNeverAdvanceAnInstanceTwice) {
  PgStoreHarness first_host(2);
  PgStore second_host(first_host.config(), nullptr);
  second_host.start();
  auto instance = make_instance("i1");
  ASSERT_TRUE(commit(first_host.store(), creation(instance)).ok());
  for (std::int64_t expected = 1; expected <= 20; ++expected) {
    Status a = make_error(ErrorStatus::internal, "not run");
    Status b = make_error(ErrorStatus::internal, "not run");
    std::thread one([&] { a = commit(first_host.store(), transition(instance, expected)); });
    std::thread two([&] { b = commit(second_host, transition(instance, expected)); });
    one.join();
    two.join();
    ASSERT_NE(a.ok(), b.ok()) << "round " << expected;
    EXPECT_EQ((a.ok() ? b : a).error().status, ErrorStatus::conflict);
  }
  auto loaded = await_result<std::optional<ProcessInstanceRecord>>(
      [&](auto done) { second_host.load_instance("i1", done); });
  ASSERT_TRUE(loaded.ok() && loaded->has_value());
  EXPECT_EQ((*loaded)->version, 21);
  second_host.stop();
}

// The outage tests stop the server, so they run a cluster of their own.
class PgStoreOutage : public ::testing::TestWithParam<bool> {};

TEST_P(PgStoreOutage, RequestsGet503WhileDownAndFullServiceAfter) {
  const bool crash = GetParam();
  PostgresCluster cluster(PostgresCluster::default_root() /
                          (std::string("outage-") + (crash ? "kill-" : "stop-") + std::to_string(::getpid())));
  PgConfig config;
  config.host = cluster.host();
  config.port = cluster.port();
  config.user = cluster.user();
  config.database = "outage";
  config.pool_size = 3;
  config.connect_timeout_seconds = 2;
  PgStore store(config, nullptr);
  store.start();
  auto instance = make_instance("i1");
  ASSERT_TRUE(commit(store, creation(instance, {make_node(instance, "n1", "task", 1)})).ok());
  // Every pooled connection has been used, so each of them is stale after the restart.
  std::vector<std::thread> warmers;
  for (int i = 0; i < 3; ++i) {
    warmers.emplace_back([&] {
      EXPECT_TRUE(await_result<std::optional<ProcessInstanceRecord>>(
                      [&](auto done) { store.load_instance("i1", done); })
                      .ok());
    });
  }
  for (auto& warmer : warmers) warmer.join();

  if (crash) {
    cluster.kill();
  } else {
    cluster.stop();
  }
  const auto down = commit(store, transition(instance, 1));
  ASSERT_FALSE(down.ok());
  EXPECT_EQ(down.error().status, ErrorStatus::unavailable);
  EXPECT_EQ(down.error().message.rfind("store unavailable: ", 0), 0u) << down.error().message;
  const auto query = await_result<PagedList<FlowNodeInstanceRecord>>(
      [&](auto done) { store.query_flow_nodes(FlowNodeQuery{}, done); });
  ASSERT_FALSE(query.ok());
  EXPECT_EQ(query.error().status, ErrorStatus::unavailable);

  cluster.start();
  for (std::int64_t expected = 1; expected <= 3; ++expected) {
    const auto up = commit(store, transition(instance, expected));
    EXPECT_TRUE(up.ok()) << (up.ok() ? "" : up.error().message);
  }
  auto loaded = await_result<std::optional<ProcessInstanceRecord>>(
      [&](auto done) { store.load_instance("i1", done); });
  ASSERT_TRUE(loaded.ok() && loaded->has_value());
  EXPECT_EQ((*loaded)->version, 4);
  FlowNodeQuery waiting;
  waiting.state = "suspended";
  auto nodes = await_result<PagedList<FlowNodeInstanceRecord>>(
      [&](auto done) { store.query_flow_nodes(waiting, done); });
  ASSERT_TRUE(nodes.ok());
  EXPECT_EQ(nodes->total_count, 1u);
  store.stop();
}

INSTANTIATE_TEST_SUITE_P(StopAndCrash, PgStoreOutage, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "Crash" : "FastShutdown"; });

}  // namespace
}  // namespace processhost::test
