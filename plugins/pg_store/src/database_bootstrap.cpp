#include "database_bootstrap.hpp"

#include <memory>
#include <stdexcept>
#include <string>

#include <pqxx/pqxx>

#include "kept_counts.hpp"
#include "schema_migrations.hpp"
#include "store_errors.hpp"

namespace processhost::plugins::pg_store {
namespace {

std::string where(const PgConfig& config) {
  return "PostgreSQL at " + config.server() + " (database \"" + config.database + "\", user \"" + config.user +
         "\", configured in " + config.source_file.string() + (config.url.empty() ? "" : " and PROCESSHOST_PG_URL") +
         ")";
}

[[noreturn]] void fail_connect(const PgConfig& config, const std::string& reason) {
  std::string advice;
  if (reason.find("password") != std::string::npos || reason.find("authentication") != std::string::npos) {
    advice = "check user and password in that file (or set PROCESSHOST_PG_PASSWORD)";
  } else if (reason.find("role") != std::string::npos && reason.find("does not exist") != std::string::npos) {
    advice = "create the role on the server or change \"user\" in that file";
  } else {
    advice = "start the server, or fix \"host\" and \"port\" in that file (or set PROCESSHOST_PG_URL)";
  }
  throw std::runtime_error("pg_store cannot connect to " + where(config) + ": " + one_line(reason) + "; " + advice);
}

bool database_missing(const std::string& reason, const PgConfig& config) {
  return reason.find("database \"" + config.database + "\" does not exist") != std::string::npos;
}

void create_database(const PgConfig& config) {
  std::unique_ptr<pqxx::connection> admin;
  try {
    admin = std::make_unique<pqxx::connection>(config.conninfo("postgres"));
  } catch (const pqxx::broken_connection& e) {
    throw std::runtime_error("pg_store: database \"" + config.database + "\" does not exist on " + where(config) +
                             ", and the maintenance database \"postgres\" is not reachable to create it (" +
                             one_line(e.what()) + "); create the database, e.g. createdb -h " + config.host +
                             " -p " + std::to_string(config.port) + " -U " + config.user + " " + config.database);
  }
  try {
    pqxx::nontransaction create(*admin);
    create.exec("CREATE DATABASE " + create.quote_name(config.database));
  } catch (const pqxx::insufficient_privilege& e) {
    throw std::runtime_error("pg_store: database \"" + config.database + "\" does not exist on " + where(config) +
                             " and user \"" + config.user + "\" may not create it (" + one_line(e.what()) +
                             "); create it as an administrator (createdb -O " + config.user + " " + config.database +
                             ") or grant the role CREATEDB");
  } catch (const pqxx::sql_error& e) {
    // Another host created it meanwhile: 42P04, or 23505 when both inserted at once.
    if (e.sqlstate() == "42P04" || e.sqlstate() == "23505") return;
    if (e.sqlstate() != "42501") {
      throw std::runtime_error("pg_store: database \"" + config.database + "\" does not exist on " + where(config) +
                               " and creating it failed (" + one_line(e.what()) + "); create it as an administrator");
    }
    throw std::runtime_error("pg_store: database \"" + config.database + "\" does not exist on " + where(config) +
                             " and user \"" + config.user + "\" may not create it (" + one_line(e.what()) +
                             "); create it as an administrator (createdb -O " + config.user + " " + config.database +
                             ") or grant the role CREATEDB");
  }
}

}  // namespace

BootstrapOutcome bootstrap_database(const PgConfig& config) {
  BootstrapOutcome outcome;
  std::unique_ptr<pqxx::connection> connection;
  try {
    connection = std::make_unique<pqxx::connection>(config.conninfo());
  } catch (const pqxx::broken_connection& e) {
    const std::string reason = e.what();
    if (!database_missing(reason, config)) fail_connect(config, reason);
    create_database(config);
    outcome.database_created = true;
    try {
      connection = std::make_unique<pqxx::connection>(config.conninfo());
    } catch (const pqxx::broken_connection& again) {
      fail_connect(config, again.what());
    }
  }
  try {
    outcome.schema_version = apply_schema_migrations(*connection);
  } catch (const std::exception& e) {
    throw std::runtime_error("pg_store cannot migrate the schema of " + where(config) + ": " + one_line(e.what()) +
                             "; the role needs CREATE on the database's public schema");
  }
  try {
    fold_kept_counts(*connection);
  } catch (const std::exception& e) {
    throw std::runtime_error("pg_store cannot fold the kept list counts of " + where(config) + ": " +
                             one_line(e.what()));
  }
  return outcome;
}

}  // namespace processhost::plugins::pg_store
