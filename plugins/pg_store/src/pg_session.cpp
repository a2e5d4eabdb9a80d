#include "pg_session.hpp"

#include <poll.h>

#include <utility>

namespace processhost::plugins::pg_store {

PgSession::PgSession(std::string conninfo, std::atomic<std::uint64_t>& epoch)
    : PgSession(std::move(conninfo), epoch, false) {}

PgSession::PgSession(std::string conninfo, std::atomic<std::uint64_t>& epoch, bool require_synchronous_standby)
    : conninfo_(std::move(conninfo)), epoch_(epoch), require_synchronous_standby_(require_synchronous_standby) {}

pqxx::connection& PgSession::connection() {
  fresh_ = false;
  if (connection_ && (connected_epoch_ != epoch_.load() || stale())) reset();
  if (!connection_) {
    connected_epoch_ = epoch_.load();
    connection_ = std::make_unique<pqxx::connection>(conninfo_);
    // Every statement of pg_store has a fixed shape whose selectivity does not hinge on its
    // parameter values (list queries are prepared per filter shape, known states inlined), so
    // the generic plan is the one wanted; without this, shapes whose custom plans look cheaper
    // (an array parameter, a LIMIT) are planned again on every call.
    connection_->set_variable("plan_cache_mode", "force_generic_plan");
    // No JIT: a count over a million index entries is costed above jit_above_cost, and its
    // compilation (about 150 ms) took longer than the scan itself. The store's statements
    // are short index reads and single-row writes, which JIT never pays off for.
    connection_->set_variable("jit", "off");
    if (require_synchronous_standby_) check_synchronous_standby();
    fresh_ = true;
  }
  return *connection_;
}

void PgSession::prepare(const std::string& name, const std::string& sql) {
  if (prepared_.insert(name).second) connection_->prepare(name, sql);
}

bool PgSession::prepare_page(const std::string& name, const std::string& sql) {
  if (prepared_.contains(name)) return true;
  if (prepared_pages_ >= kMaxPreparedPages) return false;
  connection_->prepare(name, sql);
  prepared_.insert(name);
  ++prepared_pages_;
  return true;
}

// pg_auto_failover starts a promoted standby with synchronous replication off and turns it on
// once another standby follows it (a second or two); until then the new primary would
// acknowledge commits that live on it alone.
void PgSession::check_synchronous_standby() {
  std::string names;
  {
    pqxx::nontransaction tx(*connection_);
    names = tx.exec1("SELECT current_setting('synchronous_standby_names')")[0].as<std::string>();
  }
  if (names.find_first_not_of(" \t") != std::string::npos) return;
  reset();
  throw NoSynchronousStandby(
      "the primary has no synchronous standby (synchronous_standby_names is empty), and requireSynchronousStandby is "
      "set: its commits would not survive a failover");
}

void PgSession::reset() {
  prepared_.clear();
  prepared_pages_ = 0;
  connection_.reset();
}

// An idle connection has nothing to read: we never LISTEN, so readable data means the
// server sent a termination notice or closed the socket (shutdown, restart, admin kill).
bool PgSession::stale() const {
  const int fd = connection_->sock();
  if (fd < 0) return true;
  pollfd descriptor{fd, POLLIN, 0};
  return ::poll(&descriptor, 1, 0) != 0;
}

}  // namespace processhost::plugins::pg_store
