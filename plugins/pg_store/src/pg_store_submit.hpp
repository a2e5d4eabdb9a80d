#pragma once
// PgStore's way of running a call on its pool (submit, run, deliver), shared by the files
// that implement its calls (pg_store.cpp, pg_store_history.cpp).

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

template <class T, class Work>
Result<T> PgStore::run(PgSession& session, Retry retry, Work& work) {
  for (int attempt = 0;; ++attempt) {
    bool fresh = false;
    try {
      auto& connection = session.connection();
      fresh = session.fresh();
      return work(session, connection);
    } catch (...) {
      auto failure = classify_store_exception(std::current_exception());
      if (!failure.connection_lost) return std::move(failure.error);
      session.reset();
      invalidate_connections();
      if (retry == Retry::never || fresh || attempt > 0) return std::move(failure.error);
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
