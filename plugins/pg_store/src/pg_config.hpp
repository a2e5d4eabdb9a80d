#pragma once
// Connection settings of pg_store, read from its config file (or inline object) with
// environment overrides, and turned into libpq connection strings.
//
// Errors: parse_pg_config throws std::runtime_error naming the file and the field.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include <rapidjson/document.h>

namespace processhost::plugins::pg_store {

struct PgConfig {
  std::string host = "127.0.0.1";
  int port = 5432;
  std::string database = "processhost";
  std::string user = "postgres";
  std::string password;
  // Small on purpose: commits queue into groups, so a few connections carry the load, and
  // every further busy backend costs the server lock contention and context switches
  // (docs/persistence.md, "Sizing the pool": on two cores 4 connections did 1.5-2x the
  // flows/s of 32).
  std::size_t pool_size = 4;
  std::int64_t statement_timeout_ms = 10000;
  int connect_timeout_seconds = 5;
  // Requests waiting for a pooled connection beyond this many are refused with 503.
  std::size_t max_queued_requests = 10000;
  // Queued commits one transaction may carry; 1: every commit alone.
  std::size_t max_commit_batch = 64;
  // Connections that may run commits at once; the others serve reads meanwhile, and commits
  // arriving while all of these are busy queue up for the next group (fewer, larger
  // transactions cost the server less CPU per commit). 0: a quarter of pool_size, but two
  // (one group commits while the next forms; a group stuck behind another host's row lock
  // does not hold up every commit), and one connection left for reads.
  std::size_t max_commit_connections = 0;
  std::size_t commit_connections() const {
    if (max_commit_connections > 0) return std::min(max_commit_connections, pool_size);
    const std::size_t readers_left = pool_size > 1 ? pool_size - 1 : 1;
    return std::min(std::max<std::size_t>(2, pool_size / 4), readers_left);
  }
  // Hints (docs/cluster.md, "Hints"): every commit notifies the other hosts on the database
  // (LISTEN/NOTIFY on channel processhost_hints) and a listener connection hears theirs.
  // false: neither; hosts sharing the database then catch up by their periodic checks only.
  bool hints = true;
  // The least time between two hint NOTIFYs of this host ("hintIntervalMs"): the hints of the
  // commits meanwhile share the next one. Each NOTIFY costs PostgreSQL a transaction and a
  // wake-up of every listening host; a hint after a quiet interval goes at once.
  std::int64_t hint_interval_ms = 20;
  // How long a call keeps trying while no primary answers (a failover, a restart): a commit
  // that never reached the server, or that a read-only server refused, runs again; a commit
  // whose outcome was not seen is settled by its commit mark (docs/cluster.md, "Failover").
  // Past it: 503. 0: no waiting, the first failure answers.
  std::int64_t failover_window_ms = 10000;
  // Refuse a primary that has no synchronous standby (synchronous_standby_names empty):
  // such a server acknowledges commits no standby has, and a failover loses them. A pooled
  // connection checks this when it opens (a primary's standby setting changes only with a
  // promotion, which ends the connection); refused, the call waits as for a failover, within
  // failoverWindowMs (docs/cluster.md, "Failover"). Off by default: a single server has no
  // standby.
  bool require_synchronous_standby = false;
  // A full libpq URL or key=value string ("url" setting or PROCESSHOST_PG_URL); overrides
  // host..password. Several hosts ("postgresql://h1:5432,h2:5432/db"): libpq tries each and
  // keeps the one that accepts writes (target_session_attrs=read-write unless the URL says).
  std::string url;
  // The URL's port list as written ("5432,5433"), for messages about several hosts.
  std::string url_ports;
  // Where the settings came from, for messages.
  std::filesystem::path source_file;

  // Connection string for database (empty: the configured database), with timeouts.
  std::string conninfo(std::string_view database_override = {}) const;
  // "host:port" of the server, for messages (never the password).
  std::string server() const;
};

using EnvLookup = std::function<std::optional<std::string>(const char* name)>;
std::optional<std::string> process_environment(const char* name);

// plugin_config: the plugin's config value: an object with the settings, a string naming
// the settings file, or an object {"file": "..."}; relative paths resolve against
// config_dir. config_file names the file the object came from (for messages).
// Environment: PROCESSHOST_PG_PASSWORD replaces the password, PROCESSHOST_PG_URL the whole
// connection (its host, port, database and user are then the ones in messages).
PgConfig parse_pg_config(const rapidjson::Value& plugin_config, const std::filesystem::path& config_dir,
                         const std::filesystem::path& config_file, const EnvLookup& env = process_environment);

}  // namespace processhost::plugins::pg_store
