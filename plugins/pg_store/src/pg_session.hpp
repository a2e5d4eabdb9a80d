#pragma once
// One pooled database connection, owned by one worker thread. It connects lazily, checks
// before each use that the server has not dropped it meanwhile, and prepares statements
// on first use. Its statements use generic plans (plan_cache_mode = force_generic_plan). After a connection error the owner calls reset(); the next use reconnects.
//
// Threading: used by its worker thread only. Errors: pqxx exceptions pass through.

#include <atomic>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <unordered_set>

#include <pqxx/pqxx>

namespace processhost::plugins::pg_store {

// The server connected to is a primary without a synchronous standby, and the store requires
// one: treated like a server that is not the primary (store_errors.hpp).
class NoSynchronousStandby : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class PgSession {
 public:
  // epoch is shared by all sessions of a pool: bumping it makes every session reconnect
  // before its next use (the server restarted, so every connection is gone).
  PgSession(std::string conninfo, std::atomic<std::uint64_t>& epoch);
  // With require_synchronous_standby, a new connection to a server whose
  // synchronous_standby_names is empty is closed again and connection() throws
  // NoSynchronousStandby (pg_config.hpp, "requireSynchronousStandby").
  PgSession(std::string conninfo, std::atomic<std::uint64_t>& epoch, bool require_synchronous_standby);

  // The open connection; connects when there is none. Throws pqxx::broken_connection.
  pqxx::connection& connection();
  // Prepares name as sql on this connection unless already done.
  void prepare(const std::string& name, const std::string& sql);
  // Prepares a list page's statement, whose text holds its limit: callers choose limits, so
  // a connection keeps at most kMaxPreparedPages of them (the first ones used) and false
  // says "not prepared: run it as a one-off statement".
  bool prepare_page(const std::string& name, const std::string& sql);
  static constexpr std::size_t kMaxPreparedPages = 64;
  // True when the last connection() call opened a new connection.
  bool fresh() const { return fresh_; }
  void reset();

 private:
  bool stale() const;
  void check_synchronous_standby();

  std::string conninfo_;
  std::atomic<std::uint64_t>& epoch_;
  bool require_synchronous_standby_ = false;
  std::uint64_t connected_epoch_ = 0;
  std::unique_ptr<pqxx::connection> connection_;
  std::unordered_set<std::string> prepared_;
  std::size_t prepared_pages_ = 0;
  bool fresh_ = false;
};

}  // namespace processhost::plugins::pg_store
