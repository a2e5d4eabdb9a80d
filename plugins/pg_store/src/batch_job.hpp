#pragma once
// A commit as a job of the store's worker pool: it may share one transaction with other
// commits (pg_store.hpp says how the group is run).

#include <functional>
#include <string>

#include <pqxx/pqxx>

#include "plugin_common/worker_pool.hpp"
#include "pg_session.hpp"
#include "processhost/result.hpp"
#include "store_sql.hpp"

namespace processhost::plugins::pg_store {

// One statement, prepared per shape; outcome() reads its result; complete() reports the
// outcome once the transaction holding the statement has committed (or the job failed).
struct BatchJob {
  BuiltQuery statement;
  std::function<Status(const pqxx::result&)> outcome;
  std::function<void(Status)> complete;
};

// One thread and one database connection (its PgSession) per pooled connection. Sized like
// the connection pool, so a job never waits for a connection once it has a thread, and the
// callers' (I/O, engine) threads never block. Commits are batch jobs: when commits queue up
// (every connection is busy, typically waiting for its WAL flush), the next free worker takes
// them all and runs them in one transaction, so one disk flush serves many transitions.
using StorePool = WorkerPool<PgSession, BatchJob>;

}  // namespace processhost::plugins::pg_store
