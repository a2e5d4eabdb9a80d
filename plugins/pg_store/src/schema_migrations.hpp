#pragma once
// The versioned schema of pg_store. Migrations run at start-up, in order, each in its own
// transaction, while the session holds an advisory lock, so hosts that start together
// apply each migration exactly once. Applied versions are recorded in
// processhost_schema_migrations(version, name, applied_at).
//
// Errors: pqxx exceptions pass through (start-up turns them into a message).

#include <string_view>
#include <vector>

#include <pqxx/pqxx>

namespace processhost::plugins::pg_store {

struct Migration {
  int version;
  std::string_view name;
  std::string_view sql;
};

// Every migration, oldest first. Never edit one that has shipped: add a new version.
const std::vector<Migration>& schema_migrations();

// Applies the missing migrations; returns the schema version afterwards.
int apply_schema_migrations(pqxx::connection& connection);

// The advisory lock key that serialises migrations across hosts.
inline constexpr long long kMigrationLockKey = 0x70726f6368737431LL;

}  // namespace processhost::plugins::pg_store
