#pragma once
// Store implementations under one contract test: each harness gives a fresh, empty store.

#include <memory>
#include <string>

#include "pg_store.hpp"
#include "processhost/engine/memory_store.hpp"
#include "processhost/services/store.hpp"

namespace processhost::test {

class StoreHarness {
 public:
  virtual ~StoreHarness() = default;
  virtual Store& store() = 0;
};

// A PgStore on the shared private cluster, empty at the start: either on this program's
// reused database (tables emptied first) or on a database of its own, dropped at the end.
class PgStoreHarness final : public StoreHarness {
 public:
  explicit PgStoreHarness(std::size_t pool_size = 4, bool own_database = false);
  ~PgStoreHarness() override;
  Store& store() override { return *store_; }
  plugins::pg_store::PgStore& pg_store() { return *store_; }
  const plugins::pg_store::PgConfig& config() const { return config_; }
  static std::unique_ptr<StoreHarness> create() { return std::make_unique<PgStoreHarness>(); }

 private:
  static std::string reused_database_name();

  plugins::pg_store::PgConfig config_;
  bool own_database_;
  std::unique_ptr<plugins::pg_store::PgStore> store_;
};

// The engine's in-process store, which every Store test checks pg_store against.
class MemoryStoreHarness final : public StoreHarness {
 public:
  Store& store() override { return store_; }
  static std::unique_ptr<StoreHarness> create() { return std::make_unique<MemoryStoreHarness>(); }

 private:
  engine::MemoryStore store_;
};

// Settings for database name on the shared cluster (the database need not exist).
plugins::pg_store::PgConfig cluster_config(const std::string& database, std::size_t pool_size = 4);

}  // namespace processhost::test
