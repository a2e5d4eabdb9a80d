#pragma once
// PgStore's way of running a call on its pool (submit, run, deliver), shared by the files
// that implement its calls (pg_store.cpp, pg_store_history.cpp).

#include <chrono>
#include <exception>
#include <memory>
#include <string>
#include <utility>

#include "batch_job.hpp"
#include "pg_session.hpp"
#include "pg_store.hpp"
#include "store_errors.hpp"

namespace processhost::plugins::pg_store {

// The answer to a call the pool did not run.
inline Error dropped_error(const JobDropped& dropped) {
  switch (dropped.reason) {
    case JobDropped::Reason::stopping:
      return make_error(ErrorStatus::unavailable, "store unavailable: the store is stopping");
    case JobDropped::Reason::not_running:
      return make_error(ErrorStatus::unavailable, "store unavailable: the store is not running");
    case JobDropped::Reason::queue_full:
      break;
  }
  return make_error(ErrorStatus::unavailable, "store unavailable: " + std::to_string(dropped.waiting) +
                                                  " requests already wait for a connection");
}

template <class T>
void PgStore::deliver(const Callback<T>& done, Result<T> result) {
  try {
    done(std::move(result));
  } catch (const std::exception& e) {
    if (logger_) logger_->error(std::string("a store callback threw: ") + e.what());
  } catch (...) {
    if (logger_) logger_->error("a store callback threw a non-standard exception");
  }
}

// Runs work until it answers. A call that failed for want of a primary (no connection, the
// connection broke, a read-only server refused it) runs again on a new connection while the
// failover window lasts, when that is safe: always for reads (Retry::on_dropped_connection),
// otherwise only when the call certainly changed nothing (it never reached the server, or a
// server that is no primary refused it). An idle connection found broken on its first use
// is replaced at once, window or not.
template <class T, class Work>
Result<T> PgStore::run(PgSession& session, Retry retry, Work& work) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(config_.failover_window_ms);
  for (int attempt = 0;; ++attempt) {
    bool fresh = false;
    bool sent = false;
    try {
      auto& connection = session.connection();
      fresh = session.fresh();
      sent = true;
      return work(session, connection);
    } catch (...) {
      auto failure = classify_store_exception(std::current_exception());
      if (!failure.connection_lost && !failure.not_primary) return std::move(failure.error);
      session.reset();
      invalidate_connections();
      const bool repeatable = retry == Retry::on_dropped_connection || !sent || failure.not_primary;
      if (!repeatable) return std::move(failure.error);
      if (attempt == 0 && sent && !fresh && retry == Retry::on_dropped_connection) continue;
      if (!wait_for_primary(deadline, attempt)) return window_error(failure.error);
    }
  }
}

template <class T, class Work>
void PgStore::submit(Callback<T> done, Retry retry, Work work) {
  if (!pool_) {
    deliver<T>(done, make_error(ErrorStatus::unavailable, "store unavailable: pg_store is not started"));
    return;
  }
  auto shared_done = std::make_shared<Callback<T>>(std::move(done));
  pool_->post({
      .run = [this, shared_done, retry, work = std::move(work)](PgSession& session) mutable {
        deliver<T>(*shared_done, run<T>(session, retry, work));
      },
      .drop = [this, shared_done](const JobDropped& dropped) { deliver<T>(*shared_done, dropped_error(dropped)); }});
}

}  // namespace processhost::plugins::pg_store
