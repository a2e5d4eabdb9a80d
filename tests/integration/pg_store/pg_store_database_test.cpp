// pg_store against a real PostgreSQL: start-up (database creation, migrations, messages),
// indexes behind the list queries, outages, statement timeouts and two hosts on one database.

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <regex>
#include <set>
#include <thread>

#include <pqxx/pqxx>

#include "kept_counts.hpp"
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
  // Every migration recorded once, by its number and name.
  std::string recorded;
  for (const auto& migration : plugins::pg_store::schema_migrations()) {
    recorded += std::to_string(migration.version) + "|" + std::string(migration.name) + "\n";
  }
  EXPECT_EQ(recorded.substr(0, 16), "1|initial schema");
  EXPECT_EQ(cluster.psql(config.database, "SELECT version, name FROM processhost_schema_migrations ORDER BY version"),
            recorded);
  EXPECT_EQ(cluster.psql(config.database,
                         "SELECT column_default FROM information_schema.columns"
                         " WHERE table_name = 'processhost_process_definitions' AND column_name = 'deleted_at_ms'"),
            "0\n");
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

// Migrations are applied by the set of recorded versions, not the highest one: a migration
// numbered below one already applied (branches that each added one) still runs.
TEST(PgStoreStartup, AMigrationMissingBelowTheLatestStillRuns) {
  const auto config = cluster_config(unique_database_name("gap"));
  {
    PgStore store(config, nullptr);
    store.start();
  }
  auto& cluster = shared_postgres_cluster();
  cluster.psql(config.database,
               "ALTER TABLE processhost_process_definitions DROP COLUMN deleted_at_ms;"
               " DELETE FROM processhost_schema_migrations WHERE version = 3");
  PgStore again(config, nullptr);
  EXPECT_EQ(again.start().schema_version, plugins::pg_store::schema_migrations().back().version);
  again.stop();
  EXPECT_EQ(cluster.psql(config.database, "SELECT count(*) FROM processhost_schema_migrations WHERE version = 3"),
            "1\n");
  EXPECT_EQ(cluster.psql(config.database,
                         "SELECT column_default FROM information_schema.columns"
                         " WHERE table_name = 'processhost_process_definitions' AND column_name = 'deleted_at_ms'"),
            "0\n");
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

// Schema version 2 dropped processhost_waiting_by_instance (the waiting tasks of an instance
// come from processhost_nodes_by_instance) and keeps only events in the by-name index.
TEST(PgStoreSchema, Version2HasTheIndexesTheListQueriesUse) {
  PgStoreHarness harness(1);
  auto& cluster = shared_postgres_cluster();
  EXPECT_EQ(cluster.psql(harness.config().database,
                         "SELECT indexname FROM pg_indexes WHERE tablename = 'processhost_flow_node_instances'"
                         " ORDER BY indexname"),
            "processhost_flow_node_instances_pkey\n"
            "processhost_nodes_by_instance\n"
            "processhost_waiting_all\n"
            "processhost_waiting_by_correlation\n"
            "processhost_waiting_by_model\n"
            "processhost_waiting_by_owner\n"
            "processhost_waiting_events_by_name\n");
  EXPECT_EQ(cluster.psql(harness.config().database,
                         "SELECT indexname FROM pg_indexes WHERE tablename = 'processhost_process_instances'"
                         " ORDER BY indexname"),
            "processhost_instances_by_correlation\n"
            "processhost_instances_by_created\n"
            "processhost_instances_by_model\n"
            "processhost_instances_by_owner\n"
            "processhost_instances_by_state\n"
            "processhost_process_instances_pkey\n");
  EXPECT_EQ(cluster.psql(harness.config().database,
                         "SELECT indexdef FROM pg_indexes WHERE indexname = 'processhost_waiting_events_by_name'"),
            "CREATE INDEX processhost_waiting_events_by_name ON public.processhost_flow_node_instances USING btree"
            " (event_name, created_at_ms, id) WHERE ((state = 'suspended'::text) AND (event_name <> ''::text))\n");
}

// A database a version-3 host left behind, with waiting tasks in it, migrates to version 4
// when this version starts on it: the list indexes are rebuilt covering the filtered
// columns, the kept counts (version 9) count the rows already there, and the rows are
// listed and counted as before.
TEST(PgStoreSchema, ADatabaseAtVersion3MigratesToTheCoveringListIndexes) {
  const auto config = cluster_config(unique_database_name("from_v3"));
  auto& cluster = shared_postgres_cluster();
  cluster.create_database(config.database);
  {
    pqxx::connection connection(config.conninfo());
    pqxx::work setup(connection);
    setup.exec(
        "CREATE TABLE processhost_schema_migrations ("
        " version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())");
    for (const auto& migration : plugins::pg_store::schema_migrations()) {
      if (migration.version > 3) break;
      setup.exec(std::string(migration.sql));
      setup.exec_params("INSERT INTO processhost_schema_migrations (version, name) VALUES ($1, $2)",
                        migration.version, std::string(migration.name));
    }
    setup.commit();
  }
  EXPECT_EQ(cluster.psql(config.database,
                         "SELECT indexdef FROM pg_indexes WHERE indexname = 'processhost_waiting_by_model'"),
            "CREATE INDEX processhost_waiting_by_model ON public.processhost_flow_node_instances USING btree"
            " (process_model_id, created_at_ms, id) WHERE (state = 'suspended'::text)\n");
  {
    // What a version-3 host wrote: instances waiting at a user task, in two lanes.
    pqxx::connection connection(config.conninfo());
    pqxx::work fill(connection);
    fill.exec(
        "INSERT INTO processhost_process_instances (id, process_model_id, process_model_hash, correlation_id,"
        " parent_process_instance_id, owner_user_id, owner_identity, state, error, version, created_at_ms,"
        " finished_at_ms, runtime_state)"
        " SELECT 'pi' || lpad(i::text, 4, '0'), 'model_a', 'hash_1', 'corr_' || (i % 3), '', 'alice', '{}',"
        "  CASE WHEN i % 5 = 0 THEN 'finished' ELSE 'running' END, 'null', 2, 1000 + i, 0, '{}'"
        " FROM generate_series(1, 300) AS i");
    fill.exec(
        "INSERT INTO processhost_flow_node_instances (id, process_instance_id, process_model_id, correlation_id,"
        " owner_user_id, flow_node_id, flow_node_name, flow_node_type, flow_node_lane, event_type, event_name, state,"
        " previous_flow_node_instance_id, token_on_enter, token_on_exit, error, created_at_ms, finished_at_ms)"
        " SELECT 'n' || lpad(i::text, 4, '0'), 'pi' || lpad(i::text, 4, '0'), 'model_a', 'corr_' || (i % 3),"
        "  'alice', 'task', 'Task', 'bpmn:UserTask', CASE WHEN i % 2 = 0 THEN 'lane_a' ELSE 'lane_b' END, '', '',"
        "  CASE WHEN i % 5 = 0 THEN 'finished' ELSE 'suspended' END, '', '{}', 'null', 'null', 1000 + i, 0"
        " FROM generate_series(1, 300) AS i");
    fill.commit();
  }
  PgStore store(config, nullptr);
  // and the later migrations on top
  EXPECT_EQ(store.start().schema_version, plugins::pg_store::schema_migrations().back().version);
  std::string every_version;
  for (const auto& migration : plugins::pg_store::schema_migrations()) {
    every_version += (every_version.empty() ? "" : ",") + std::to_string(migration.version);
  }
  EXPECT_EQ(cluster.psql(config.database,
                         "SELECT string_agg(version::text, ',' ORDER BY version) FROM processhost_schema_migrations"),
            every_version + "\n");
  EXPECT_EQ(cluster.psql(config.database,
                         "SELECT flow_node_lane || ' ' || sum(n) FROM processhost_waiting_counts"
                         " GROUP BY flow_node_lane ORDER BY flow_node_lane"),
            "lane_a 120\nlane_b 120\n");
  EXPECT_EQ(cluster.psql(config.database,
                         "SELECT state || ' ' || sum(n) FROM processhost_instance_counts GROUP BY state ORDER BY state"),
            "finished 60\nrunning 240\n");
  EXPECT_EQ(cluster.psql(config.database,
                         "SELECT indexdef FROM pg_indexes WHERE indexname = 'processhost_waiting_by_model'"),
            "CREATE INDEX processhost_waiting_by_model ON public.processhost_flow_node_instances USING btree"
            " (process_model_id, created_at_ms, id) INCLUDE (flow_node_type, flow_node_lane, event_type)"
            " WHERE (state = 'suspended'::text)\n");
  EXPECT_EQ(cluster.psql(config.database,
                         "SELECT indexdef FROM pg_indexes WHERE indexname = 'processhost_instances_by_state'"),
            "CREATE INDEX processhost_instances_by_state ON public.processhost_process_instances USING btree"
            " (state, created_at_ms, id)\n");
  EXPECT_EQ(cluster.psql(config.database,
                         "SELECT count(*) FROM pg_indexes WHERE indexname = 'processhost_instances_running'"),
            "0\n");

  FlowNodeQuery lane_a;
  lane_a.state = FlowNodeState::suspended;
  lane_a.process_model_id = "model_a";
  lane_a.flow_node_types = {"bpmn:UserTask"};
  lane_a.lanes = std::vector<std::string>{"lane_a"};
  lane_a.page = {110, 10};
  auto listed = await_result<PagedList<FlowNodeInstanceRecord>>(
      [&](auto done) { store.query_flow_nodes(lane_a, done); });
  ASSERT_TRUE(listed.ok()) << listed.error().message;
  // Even i up to 300 not divisible by 5: 120 waiting in lane_a; the page holds the last ten.
  EXPECT_EQ(listed->total_count, 120u);
  ASSERT_EQ(listed->items.size(), 10u);
  EXPECT_EQ(listed->items.front().id, "n0276");
  EXPECT_EQ(listed->items.back().id, "n0298");
  InstanceQuery running;
  running.state = ProcessInstanceState::running;
  running.page = {230, 100};
  auto instances = await_result<PagedList<ProcessInstanceRecord>>(
      [&](auto done) { store.query_instances(running, done); });
  ASSERT_TRUE(instances.ok()) << instances.error().message;
  EXPECT_EQ(instances->total_count, 240u);
  ASSERT_EQ(instances->items.size(), 10u);
  EXPECT_EQ(instances->items.back().id, "pi0299");
  store.stop();
  cluster.drop_database(config.database);
}

// Each connection keeps its counts in rows of its own; a store starting folds the rows of
// connections that are gone into one row per key, and the totals stay what they were.
TEST(PgStoreKeptCounts, RowsOfClosedConnectionsAreFoldedAtStartAndTotalsKept) {
  const auto config = cluster_config(unique_database_name("kept_counts"));
  auto& cluster = shared_postgres_cluster();
  const auto total_waiting = [&] {
    return cluster.psql(config.database, "SELECT sum(n) FROM processhost_waiting_counts");
  };
  {
    PgStore store(config, nullptr);
    store.start();
    for (int i = 0; i < 40; ++i) {
      auto instance = make_instance("pi_" + std::to_string(i), "model_" + std::to_string(i % 2), "corr", "alice", i);
      ASSERT_TRUE(commit(store, creation(instance, {make_node(instance, "n_" + std::to_string(i), "task", i)})).ok());
    }
    EXPECT_NE(cluster.psql(config.database, "SELECT count(*) FROM processhost_waiting_counts WHERE shard <> 0"), "0\n");
    store.stop();
  }
  EXPECT_EQ(total_waiting(), "40\n");
  // The closed connections' backends end shortly after their clients leave.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (cluster.psql(config.database, "SELECT count(*) FROM pg_stat_activity WHERE datname = '" + config.database +
                                           "' AND pid <> pg_backend_pid()") != "0\n" &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  PgStore again(config, nullptr);
  again.start();
  EXPECT_EQ(cluster.psql(config.database, "SELECT count(*) FROM processhost_waiting_counts WHERE shard <> 0"), "0\n");
  EXPECT_EQ(cluster.psql(config.database,
                         "SELECT process_model_id || ' ' || n FROM processhost_waiting_counts ORDER BY 1"),
            "model_0 20\nmodel_1 20\n");
  EXPECT_EQ(cluster.psql(config.database,
                         "SELECT process_model_id || ' ' || state || ' ' || n FROM processhost_instance_counts ORDER BY 1"),
            "model_0 running 20\nmodel_1 running 20\n");
  FlowNodeQuery waiting;
  waiting.state = FlowNodeState::suspended;
  waiting.process_model_id = "model_1";
  waiting.page = {0, 5};
  auto listed = await_result<PagedList<FlowNodeInstanceRecord>>(
      [&](auto done) { again.query_flow_nodes(waiting, done); });
  ASSERT_TRUE(listed.ok()) << listed.error().message;
  EXPECT_EQ(listed->total_count, 20u);
  again.stop();
  cluster.drop_database(config.database);
}

// The list queries' plans on a database shaped like a busy one: 10 000 instances of 20
// models by 100 users (one in ten running, the rest ended), 8 flow nodes each, the last one
// of a running instance waiting (a user task, or a message catch event in one in five), and
// fresh statistics. Sequential scans stay enabled: each query must be cheapest through the
// index named for it. Plans are the generic ones the store's prepared statements settle on.
class PgStoreIndexes : public ::testing::Test {
 protected:
  static constexpr int kInstances = 10000;

  static void SetUpTestSuite() {
    harness_ = new PgStoreHarness(2, true);
    pqxx::connection connection(harness_->config().conninfo());
    pqxx::nontransaction tx(connection);
    tx.exec_params(
        "INSERT INTO processhost_process_instances (id, process_model_id, process_model_hash, correlation_id,"
        " parent_process_instance_id, owner_user_id, owner_identity, state, error, version, created_at_ms,"
        " finished_at_ms, runtime_state)"
        " SELECT 'pi_' || i, 'model_' || (i % 20), 'hash_' || (i % 20), 'corr_' || (i / 2), '', 'user_' || (i % 100),"
        "  jsonb_build_object('userId', 'user_' || (i % 100), 'claims', jsonb_build_array('lane_a', 'lane_b')),"
        "  CASE WHEN i % 10 = 0 THEN 'running' WHEN i % 97 = 0 THEN 'error' ELSE 'finished' END, 'null', 8,"
        "  1700000000000 + i * 1000, CASE WHEN i % 10 = 0 THEN 0 ELSE 1700000000000 + i * 1000 + 900 END,"
        "  jsonb_build_object('tokens', jsonb_build_array(jsonb_build_object('at', 'node_7', 'payload',"
        "   jsonb_build_object('n', i))))"
        " FROM generate_series(1, $1) AS i",
        kInstances);
    tx.exec_params(
        "INSERT INTO processhost_flow_node_instances (id, process_instance_id, process_model_id, correlation_id,"
        " owner_user_id, flow_node_id, flow_node_name, flow_node_type, flow_node_lane, event_type, event_name, state,"
        " previous_flow_node_instance_id, token_on_enter, token_on_exit, error, created_at_ms, finished_at_ms)"
        " SELECT 'fni_' || i || '_' || n, 'pi_' || i, 'model_' || (i % 20), 'corr_' || (i / 2), 'user_' || (i % 100),"
        "  'node_' || n, 'Step ' || n,"
        "  CASE WHEN n = 0 THEN 'bpmn:StartEvent' WHEN n = 7 AND i % 50 = 0 THEN 'bpmn:IntermediateCatchEvent'"
        "   WHEN n = 7 THEN 'bpmn:UserTask' WHEN n % 2 = 1 THEN 'bpmn:ScriptTask' ELSE 'bpmn:ServiceTask' END,"
        "  CASE WHEN n % 2 = 0 OR n = 7 THEN 'lane_a' ELSE 'lane_b' END,"
        "  CASE WHEN n = 7 AND i % 50 = 0 THEN 'messageEvent' ELSE '' END,"
        "  CASE WHEN n = 7 AND i % 50 = 0 THEN 'message_' || (i % 20) ELSE '' END,"
        "  CASE WHEN n = 7 AND i % 10 = 0 THEN 'suspended' ELSE 'finished' END,"
        "  CASE WHEN n = 0 THEN '' ELSE 'fni_' || i || '_' || (n - 1) END,"
        "  jsonb_build_object('current', jsonb_build_object('n', i, 'step', n), 'history',"
        "   jsonb_build_object('node_0', i)),"
        "  CASE WHEN n = 7 AND i % 10 = 0 THEN 'null'::jsonb ELSE jsonb_build_object('n', i) END, 'null',"
        "  1700000000000 + i * 1000 + n * 10,"
        "  CASE WHEN n = 7 AND i % 10 = 0 THEN 0 ELSE 1700000000000 + i * 1000 + n * 10 + 5 END"
        " FROM generate_series(1, $1) AS i, generate_series(0, 7) AS n",
        kInstances);
    // As autovacuum leaves a table that has settled: statistics, and the visibility map
    // that lets a scan answer from the index alone.
    tx.exec("VACUUM ANALYZE processhost_process_instances, processhost_flow_node_instances");
  }
  static void TearDownTestSuite() {
    delete harness_;
    harness_ = nullptr;
  }

  static std::string plan(const plugins::pg_store::BuiltQuery& query) {
    pqxx::connection connection(harness_->config().conninfo());
    pqxx::nontransaction tx(connection);
    // As the store's sessions plan (pg_session.cpp): generic plans; a page's text holds its
    // limit and offset.
    tx.exec("SET plan_cache_mode = force_generic_plan");
    connection.prepare(query.name, query.sql);
    tx.exec_prepared(query.name, pqxx::prepare::make_dynamic_params(query.params));
    std::string arguments;
    for (const auto& param : query.params) arguments += (arguments.empty() ? "" : ", ") + tx.quote(param);
    std::string text;
    const std::string execute = "EXECUTE " + tx.quote_name(query.name) + (arguments.empty() ? "" : "(" + arguments + ")");
    for (const auto& row : tx.exec("EXPLAIN " + execute)) {
      text += row[0].c_str();
      text += '\n';
    }
    return text;
  }

  // The page is cut by reading this index (index-only unless told otherwise: no table row is
  // read to skip or filter an entry), and the page's rows come by the table's primary key.
  static void expect_served_by(const plugins::pg_store::BuiltQuery& query, const std::string& index,
                               bool index_only = true) {
    const auto text = plan(query);
    const std::string table = query.sql.find("processhost_process_instances") != std::string::npos
                                  ? "processhost_process_instances"
                                  : "processhost_flow_node_instances";
    EXPECT_EQ(indexes_in(text), (std::set<std::string>{index, table + "_pkey"})) << query.name << ":\n" << text;
    if (index_only) {
      EXPECT_TRUE(text.find("Index Only Scan using " + index) != std::string::npos ||
                  text.find("Index Only Scan Backward using " + index) != std::string::npos)
          << query.name << ":\n" << text;
    }
    EXPECT_EQ(text.find("Seq Scan"), std::string::npos) << query.name << ":\n" << text;
  }

  // A first page reads this index (with the rows it selects; the planner may sort a few
  // rows rather than read them in index order, or add a second index), never the table.
  static void expect_first_page_served_by(const plugins::pg_store::BuiltQuery& query, const std::string& index) {
    const auto text = plan(query);
    EXPECT_TRUE(indexes_in(text).contains(index)) << query.name << ":\n" << text;
    EXPECT_EQ(text.find("Seq Scan"), std::string::npos) << query.name << ":\n" << text;
  }

  // The count reads this index alone.
  static void expect_counted_by(const plugins::pg_store::BuiltQuery& query, const std::string& index) {
    const auto text = plan(query);
    EXPECT_EQ(indexes_in(text), std::set<std::string>{index}) << query.name << ":\n" << text;
    EXPECT_NE(text.find("Index Only Scan using " + index), std::string::npos) << query.name << ":\n" << text;
    EXPECT_EQ(text.find("Seq Scan"), std::string::npos) << query.name << ":\n" << text;
  }

  static std::string run_count(const plugins::pg_store::BuiltQuery& query) {
    pqxx::connection connection(harness_->config().conninfo());
    pqxx::nontransaction tx(connection);
    return tx.exec_params(query.sql, pqxx::prepare::make_dynamic_params(query.params)).at(0)[0].c_str();
  }

  // The total: from the kept counts, equal to counting the rows, when kept says so;
  // otherwise counted from this index alone.
  template <class Query, class Kept, class Counted>
  static void expect_total(const Query& query, const std::string& index, bool kept, Kept build_kept,
                           Counted build_counted) {
    const auto counted = build_counted(query);
    const auto kept_count = build_kept(query);
    ASSERT_EQ(kept_count.has_value(), kept) << counted.sql;
    if (kept_count) {
      EXPECT_EQ(run_count(*kept_count), run_count(counted)) << kept_count->sql;
      EXPECT_NE(run_count(counted), "0") << counted.sql;  // the data has rows for every shape tested
    } else {
      expect_counted_by(counted, index);
    }
  }

  // A flow node list's first page, a later page read backwards, and its total.
  static void expect_list_served_by(const FlowNodeQuery& query, const std::string& index, bool index_only = true,
                                    bool kept = false) {
    using namespace plugins::pg_store;
    expect_first_page_served_by(build_flow_node_query(query, forward_cut(query.page)), index);
    expect_served_by(build_flow_node_query(query, PageCut{50, 10, true, std::nullopt}), index, index_only);
    if (index_only || kept) expect_total(query, index, kept, build_kept_flow_node_count, build_flow_node_count);
  }
  // A page of 50 (an unlimited list is cheaper sorted than read in index order).
  static void expect_list_served_by(InstanceQuery query, const std::string& index, bool kept = false) {
    using namespace plugins::pg_store;
    query.page = {0, 50};
    expect_first_page_served_by(build_instance_query(query, forward_cut(query.page)), index);
    expect_served_by(build_instance_query(query, PageCut{50, 10, true, std::nullopt}), index);
    expect_total(query, index, kept, build_kept_instance_count, build_instance_count);
  }

  static std::set<std::string> indexes_in(const std::string& plan_text) {
    static const std::regex kIndexScan(R"((?:Index Scan|Index Only Scan)(?: Backward)? using (\w+)|Bitmap Index Scan on (\w+))");
    std::set<std::string> names;
    for (std::sregex_iterator it(plan_text.begin(), plan_text.end(), kIndexScan), end; it != end; ++it) {
      names.insert((*it)[1].matched ? (*it)[1].str() : (*it)[2].str());
    }
    return names;
  }

  static PgStoreHarness* harness_;
};

PgStoreHarness* PgStoreIndexes::harness_ = nullptr;

FlowNodeQuery waiting_tasks() {
  FlowNodeQuery query;
  query.state = FlowNodeState::suspended;
  query.flow_node_types = {"bpmn:UserTask", "bpmn:ManualTask", "bpmn:Task"};
  query.lanes = std::vector<std::string>{"lane_a"};
  query.page = {0, 50};
  return query;
}

TEST_F(PgStoreIndexes, WaitingTaskListsUseTheirIndexes) {
  // The data is what the plans below are about: few waiting rows among many ended ones.
  FlowNodeQuery waiting;
  waiting.state = FlowNodeState::suspended;
  waiting.page = {0, 1};
  auto listed = await_result<PagedList<FlowNodeInstanceRecord>>(
      [&](auto done) { harness_->store().query_flow_nodes(waiting, done); });
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->total_count, 1000u);
  EXPECT_EQ(shared_postgres_cluster().psql(harness_->config().database,
                                           "SELECT count(*) FROM processhost_flow_node_instances"),
            "80000\n");

  auto by_model = waiting_tasks();
  by_model.process_model_id = "model_10";
  expect_list_served_by(by_model, "processhost_waiting_by_model", true, true);
  auto by_instance = waiting_tasks();
  by_instance.process_instance_id = "pi_70";
  // An instance has few flow nodes: their table rows are read, not only the index.
  expect_list_served_by(by_instance, "processhost_nodes_by_instance", false);
  auto by_correlation = waiting_tasks();
  by_correlation.correlation_id = "corr_35";
  expect_list_served_by(by_correlation, "processhost_waiting_by_correlation");
  // A correlation holds far fewer waiting tasks than a model: its index is the one to read.
  auto by_correlation_and_model = by_correlation;
  by_correlation_and_model.process_model_id = "model_10";
  expect_list_served_by(by_correlation_and_model, "processhost_waiting_by_correlation");
  auto own = waiting_tasks();
  own.owner_user_id = "user_10";
  // Counted from the owner counts (schema version 12).
  expect_list_served_by(own, "processhost_waiting_by_owner", true, true);
  expect_list_served_by(waiting_tasks(), "processhost_waiting_all", true, true);
  // Without the lane filter (a caller who may see every lane) as well.
  auto every_lane = waiting_tasks();
  every_lane.lanes.reset();
  expect_list_served_by(every_lane, "processhost_waiting_all", true, true);
}

TEST_F(PgStoreIndexes, EventAndInstanceQueriesUseTheirIndexes) {
  FlowNodeQuery by_name;
  by_name.state = FlowNodeState::suspended;
  by_name.event_name = "message_0";
  expect_list_served_by(by_name, "processhost_waiting_events_by_name", false);
  FlowNodeQuery events;
  events.state = FlowNodeState::suspended;
  events.events_only = true;
  events.correlation_id = "corr_25";
  events.lanes = std::vector<std::string>{"lane_a"};
  expect_list_served_by(events, "processhost_waiting_by_correlation");
  FlowNodeQuery model_events = events;
  model_events.correlation_id.reset();
  model_events.process_model_id = "model_0";
  expect_list_served_by(model_events, "processhost_waiting_by_model", true, true);
  InstanceQuery running;
  running.state = ProcessInstanceState::running;
  expect_list_served_by(running, "processhost_instances_by_state", true);
  InstanceQuery failed;
  failed.state = ProcessInstanceState::error;
  expect_list_served_by(failed, "processhost_instances_by_state", true);
  InstanceQuery own;
  own.owner_user_id = "user_30";  // one with running instances (every tenth instance runs)
  own.state = ProcessInstanceState::running;
  expect_list_served_by(own, "processhost_instances_by_owner", true);
  InstanceQuery by_correlation;
  by_correlation.correlation_id = "corr_3";
  expect_list_served_by(by_correlation, "processhost_instances_by_correlation");
  InstanceQuery by_model;
  by_model.process_model_id = "model_3";
  expect_list_served_by(by_model, "processhost_instances_by_model", true);
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

// A server whose synchronous_standby_names is empty (the test server has no standby) would
// acknowledge commits that a failover loses: with requireSynchronousStandby the store waits
// for one as it waits for a primary, then answers 503 naming the cause, and commits nothing.
TEST(PgStoreFailover, APrimaryWithoutSynchronousStandbyIsRefusedWhenOneIsRequired) {
  PgStoreHarness harness(1);
  auto& cluster = shared_postgres_cluster();
  ASSERT_EQ(cluster.psql(harness.config().database, "SHOW synchronous_standby_names").find_first_not_of(" \n"),
            std::string::npos)
      << "the test server has a synchronous standby configured";
  PgStore careful([&] {
    auto config = harness.config();
    config.require_synchronous_standby = true;
    config.failover_window_ms = 600;
    return config;
  }(), nullptr);
  careful.start();
  const auto sent = std::chrono::steady_clock::now();
  const auto result = commit(careful, creation(make_instance("unsafe")));
  const double waited = std::chrono::duration<double>(std::chrono::steady_clock::now() - sent).count();
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().status, ErrorStatus::unavailable);
  EXPECT_NE(result.error().message.find("no synchronous standby"), std::string::npos) << result.error().message;
  EXPECT_NE(result.error().message.find("within 600 ms"), std::string::npos) << result.error().message;
  EXPECT_GE(waited, 0.55) << "the window was not waited for";
  const auto loaded = await_result<std::optional<ProcessInstanceRecord>>(
      [&](auto done) { harness.store().load_instance("unsafe", done); });
  ASSERT_TRUE(loaded.ok());
  EXPECT_FALSE(loaded->has_value()) << "the refused commit was committed";
  // Reads are refused the same way: the server may be a primary about to be replaced.
  const auto read = await_result<std::optional<ProcessInstanceRecord>>(
      [&](auto done) { careful.load_instance("unsafe", done); });
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.error().status, ErrorStatus::unavailable);
  careful.stop();
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
  waiting.state = FlowNodeState::suspended;
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
  config.failover_window_ms = 0;  // answers at once while down (the window would wait for the server)
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
  waiting.state = FlowNodeState::suspended;
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
