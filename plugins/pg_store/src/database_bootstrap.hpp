#pragma once
// Start-up of pg_store's database: connect, create the database when it is missing and the
// role may, then apply the schema migrations.
//
// Control plane: throws std::runtime_error with one message that names the config file,
// the server and what to do.

#include "pg_config.hpp"

namespace processhost::plugins::pg_store {

struct BootstrapOutcome {
  bool database_created = false;
  int schema_version = 0;
};

BootstrapOutcome bootstrap_database(const PgConfig& config);

}  // namespace processhost::plugins::pg_store
