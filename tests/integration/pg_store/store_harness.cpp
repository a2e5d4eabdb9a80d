#include "store_harness.hpp"

#include "processhost/test/postgres_cluster.hpp"

namespace processhost::test {

plugins::pg_store::PgConfig cluster_config(const std::string& database, std::size_t pool_size) {
  auto& cluster = shared_postgres_cluster();
  plugins::pg_store::PgConfig config;
  config.host = cluster.host();
  config.port = cluster.port();
  config.user = cluster.user();
  config.database = database;
  config.pool_size = pool_size;
  config.connect_timeout_seconds = 2;
  config.source_file = "tests/postgres.json";
  return config;
}

PgStoreHarness::PgStoreHarness(std::size_t pool_size, bool own_database)
    : config_(cluster_config(own_database ? unique_database_name("store") : reused_database_name(), pool_size)),
      own_database_(own_database) {
  store_ = std::make_unique<plugins::pg_store::PgStore>(config_, nullptr);
  store_->start();
  if (!own_database_) {
    // Emptying the tables is much cheaper than a database per test.
    shared_postgres_cluster().psql(
        config_.database,
        "TRUNCATE processhost_process_definitions, processhost_process_instances, processhost_flow_node_instances,"
        " processhost_timers, processhost_correlation_results, processhost_external_tasks, processhost_cron_claims,"
        " processhost_instance_counts, processhost_waiting_counts, processhost_owner_instance_counts,"
        " processhost_owner_waiting_counts");
  }
}

PgStoreHarness::~PgStoreHarness() {
  store_->stop();
  store_.reset();
  if (!own_database_) return;
  try {
    shared_postgres_cluster().drop_database(config_.database);
  } catch (const std::exception&) {
    // The cluster is removed at exit anyway.
  }
}

std::string PgStoreHarness::reused_database_name() {
  static const std::string name = unique_database_name("contract");
  return name;
}

}  // namespace processhost::test
