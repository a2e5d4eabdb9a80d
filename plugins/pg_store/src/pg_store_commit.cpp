// PgStore's commit path: group commit, and what happens when the primary goes away while
// commits run (docs/cluster.md, "Failover"; pg_store.hpp).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <set>
#include <string_view>
#include <thread>
#include <utility>

#include <pqxx/pqxx>

#include "batch_job.hpp"
#include "kept_counts.hpp"
#include "hint_codec.hpp"
#include "pg_store.hpp"
#include "pg_store_submit.hpp"
#include "record_codec.hpp"
#include "store_errors.hpp"
#include "store_sql.hpp"

namespace processhost::plugins::pg_store {
namespace {

using Clock = std::chrono::steady_clock;

// How long commit marks are kept: far longer than any commit can stay in flight on a server
// (statementTimeoutMs, a failover), so a fence never meets a commit whose mark was removed.
constexpr std::int64_t kMarkLifetimeMs = 10 * 60 * 1000;
constexpr std::int64_t kCleanUpEveryMs = 60 * 1000;

std::int64_t wall_clock_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Twelve hex digits: marks sort by time as text (the column's collation is "C").
std::string time_prefix(std::int64_t ms) {
  char text[13];
  std::snprintf(text, sizeof text, "%012llx", static_cast<unsigned long long>(ms));
  return text;
}

pqxx::result exec(PgSession& session, pqxx::transaction_base& tx, const BuiltQuery& query) {
  session.prepare(query.name, query.sql);
  return tx.exec_prepared(query.name, pqxx::prepare::make_dynamic_params(query.params));
}

pqxx::result exec(PgSession& session, pqxx::transaction_base& tx, const Statement& statement,
                  const std::vector<std::string>& params) {
  session.prepare(statement.name, statement.sql);
  return tx.exec_prepared(statement.name, pqxx::prepare::make_dynamic_params(params));
}

Status commit_outcome(const ChangeSet& changes, const pqxx::result& result) {
  if (result.at(0)[0].as<std::int64_t>() == 1) return Ok{};
  if (changes.expected_version == 0) {
    return make_error(ErrorStatus::conflict, "process instance '" + changes.instance.id + "' already exists");
  }
  return make_error(ErrorStatus::conflict, "process instance '" + changes.instance.id + "' is no longer at version " +
                                               std::to_string(changes.expected_version) +
                                               ": another transition advanced it");
}

// The commit of a new instance inserts it without ON CONFLICT: an existing id is a unique
// violation of the instance key, the conflict commit_outcome reports for an update.
bool new_instance_exists(const BuiltQuery& statement, const pqxx::unique_violation& error) {
  return statement.name.rfind("commit_insert_", 0) == 0 &&
         std::string_view(error.what()).find("processhost_process_instances_pkey") != std::string_view::npos;
}

// The statement as SQL text for a multi-statement query: EXECUTE of the statement prepared
// on this connection, its parameters as quoted literals (the server casts them to the
// statement's parameter types, as it does for bound parameters).
std::string execute_text(PgSession& session, pqxx::transaction_base& tx, const BuiltQuery& query) {
  session.prepare(query.name, query.sql);
  tx.conn().prepare_now(query.name);
  std::string text = "EXECUTE " + query.name + "(";
  for (std::size_t i = 0; i < query.params.size(); ++i) {
    if (i > 0) text += ", ";
    text += tx.quote(query.params[i]);
  }
  text += ")";
  return text;
}

}  // namespace

// How one try of a group ended.
struct PgStore::CommitAttempt {
  enum class End {
    done,              // outcomes holds each job's answer
    not_applied,       // nothing was committed: no connection, or no primary refused it
    unknown,           // the connection broke while the group ran: maybe committed
    statement_failed,  // a statement failed (the group rolled back); error says why
  };
  End end = End::done;
  std::vector<Status> outcomes;
  Error error;
};

std::string PgStore::next_mark() {
  char counter[17];
  std::snprintf(counter, sizeof counter, "%016llx",
                static_cast<unsigned long long>(mark_counter_.fetch_add(1, std::memory_order_relaxed)));
  return time_prefix(wall_clock_ms()) + mark_prefix_ + counter;
}

bool PgStore::wait_for_primary(Clock::time_point deadline, int attempt) const {
  const auto now = Clock::now();
  if (stopping_.load() || now >= deadline) return false;
  // 50, 100, 200 ms, then every 250 ms: a planned switch-over is over in about a second, and
  // each try is one refused connection per host on the way.
  const auto pause = std::chrono::milliseconds(std::min(250, 50 << std::min(attempt, 3)));
  std::this_thread::sleep_for(std::min<Clock::duration>(pause, deadline - now));
  return !stopping_.load();
}

Error PgStore::window_error(const Error& last) const {
  if (config_.failover_window_ms == 0) return last;
  std::string reason = last.message;
  if (reason.rfind("store unavailable: ", 0) == 0) reason.erase(0, 19);
  return make_error(ErrorStatus::unavailable, "store unavailable: no primary accepted the call within " +
                                                  std::to_string(config_.failover_window_ms) + " ms (" + reason + ")");
}

void PgStore::commit(ChangeSet changes, Callback<Ok> done) {
  if (!pool_) {
    deliver<Ok>(done, make_error(ErrorStatus::unavailable, "store unavailable: pg_store is not started"));
    return;
  }
  // What the other hosts hear once this commit applied (docs/cluster.md, "Hints"); empty when
  // nothing another host holds or waits for changes.
  std::string hint;
  if (config_.hints) hint = encode_instance_hint(changes);
  auto statement = build_commit(changes.expected_version == 0, change_set_params(changes), next_mark());
  done = around_change(changed_rows(changes), std::move(done));
  auto shared_changes = std::make_shared<const ChangeSet>(std::move(changes));
  auto shared_done = std::make_shared<Callback<Ok>>(std::move(done));
  const auto posted = Clock::now();
  pool_->post_batch(BatchJob{
      std::move(statement),
      [shared_changes](const pqxx::result& result) { return commit_outcome(*shared_changes, result); },
      [this, shared_done, posted, hint = std::move(hint)](Status status) {
        // Queueing, the group's round trip and the WAL flush: what a transition waits for.
        if (auto* histogram = commit_seconds_.load(std::memory_order_acquire)) {
          histogram->observe(std::chrono::duration<double>(Clock::now() - posted).count());
        }
        // Completed with Ok only once its transaction committed (or its mark says it did).
        if (status.ok() && !hint.empty()) send_hints({&hint});
        deliver<Ok>(*shared_done, std::move(status));
      }});
}

Callback<Ok> PgStore::around_change(std::vector<ChangedRow> rows, Callback<Ok> done) {
  const auto change = bookmarks_.begin_change(std::move(rows));
  return [this, change, done = std::move(done)](Result<Ok> result) {
    bookmarks_.end_change(change);
    done(std::move(result));
  };
}

// The listener gathers what arrives within a few milliseconds into one NOTIFY
// (HintListener::publish), so hints are handed over one commit at a time.
void PgStore::send_hints(const std::vector<const std::string*>& hints) {
  if (hints.empty() || !hints_) return;
  std::vector<std::string> copies;
  copies.reserve(hints.size());
  for (const auto* hint : hints) copies.push_back(*hint);
  hints_->publish(std::move(copies));
}

void PgStore::run_commit_batch(PgSession& session, std::vector<BatchJob>& jobs) {
  std::vector<BatchJob*> pending;
  pending.reserve(jobs.size());
  for (auto& job : jobs) pending.push_back(&job);
  commit_jobs(session, std::move(pending));
  maybe_clean_up(session);
}

// One job alone is one statement in autocommit. A group is one multi-statement query,
// BEGIN, the commits' statements, COMMIT: a single round trip whatever the group's size.
// The server runs the statements after BEGIN in order and stops at the first that fails.
PgStore::CommitAttempt PgStore::attempt_commits(PgSession& session, const std::vector<BatchJob*>& jobs) {
  pqxx::connection* connection = nullptr;
  try {
    connection = &session.connection();
  } catch (...) {
    return {CommitAttempt::End::not_applied, {}, classify_store_exception(std::current_exception()).error};
  }
  CommitAttempt attempt;
  try {
    pqxx::nontransaction tx(*connection);
    if (jobs.size() == 1) {
      auto& job = *jobs.front();
      try {
        attempt.outcomes.push_back(job.outcome(exec(session, tx, job.statement)));
      } catch (const pqxx::unique_violation& e) {
        if (!new_instance_exists(job.statement, e)) throw;
        attempt.outcomes.push_back(make_error(ErrorStatus::conflict, "process instance '" +
                                                                         job.statement.params.at(0) + "' already exists"));
      }
      return attempt;
    }
    pqxx::pipeline group(tx);
    group.retain(static_cast<int>(jobs.size()) + 2);
    const auto begin_id = group.insert("BEGIN");
    std::vector<pqxx::pipeline::query_id> ids;
    ids.reserve(jobs.size());
    for (auto* job : jobs) ids.push_back(group.insert(execute_text(session, tx, job->statement)));
    const auto commit_id = group.insert("COMMIT");
    group.complete();
    group.retrieve(begin_id);
    for (std::size_t i = 0; i < jobs.size(); ++i) attempt.outcomes.push_back(jobs[i]->outcome(group.retrieve(ids[i])));
    // Throws when a statement before it failed: the server stops at the first error, so
    // COMMIT runs only after every statement of the group succeeded.
    group.retrieve(commit_id);
    return attempt;
  } catch (...) {
    auto failure = classify_store_exception(std::current_exception());
    attempt.outcomes.clear();
    attempt.error = std::move(failure.error);
    attempt.end = failure.not_primary      ? CommitAttempt::End::not_applied
                  : failure.connection_lost ? CommitAttempt::End::unknown
                                            : CommitAttempt::End::statement_failed;
    return attempt;
  }
}

void PgStore::commit_jobs(PgSession& session, std::vector<BatchJob*> pending) {
  const auto deadline = Clock::now() + std::chrono::milliseconds(config_.failover_window_ms);
  for (int attempt = 0;; ++attempt) {
    auto tried = attempt_commits(session, pending);
    switch (tried.end) {
      case CommitAttempt::End::done:
        for (std::size_t i = 0; i < pending.size(); ++i) pending[i]->complete(std::move(tried.outcomes[i]));
        return;
      case CommitAttempt::End::statement_failed:
        if (pending.size() == 1) {
          pending.front()->complete(std::move(tried.error));
          return;
        }
        // One statement failed and took the group down with it: find out which, alone, on a
        // new connection (the old one may still hold the failed transaction, or a cancel
        // request of the unfinished group that must not reach the reruns).
        session.reset();
        for (auto* job : pending) commit_jobs(session, {job});
        return;
      case CommitAttempt::End::not_applied:
        break;
      case CommitAttempt::End::unknown: {
        session.reset();
        invalidate_connections();
        auto lost = settle_commits(session, pending);
        if (!lost) {
          const auto error = make_error(
              ErrorStatus::unavailable,
              "store unavailable: the connection broke during the commit and no primary answered to tell whether it "
              "committed (" + one_line(tried.error.message) + ")");
          for (auto* job : pending) job->complete(error);
          return;
        }
        pending = std::move(*lost);  // the committed ones are answered
        if (pending.empty()) return;
        break;
      }
    }
    session.reset();
    invalidate_connections();
    if (!wait_for_primary(deadline, attempt)) {
      const auto error = window_error(tried.error);
      for (auto* job : pending) job->complete(error);
      return;
    }
    // A mark fenced by settle_commits is spent: each try commits under a new one.
    for (auto* job : pending) job->statement.params.back() = next_mark();
  }
}

std::optional<std::vector<BatchJob*>> PgStore::settle_commits(PgSession& session, const std::vector<BatchJob*>& jobs) {
  std::vector<std::string> marks;
  marks.reserve(jobs.size());
  for (const auto* job : jobs) marks.push_back(job->statement.params.back());
  // A full window from the loss on: the answer must not be a guess, so it gets the time a
  // failover takes, whatever the commit's own tries used up.
  const auto deadline = Clock::now() + std::chrono::milliseconds(config_.failover_window_ms);
  for (int attempt = 0;; ++attempt) {
    try {
      auto& connection = session.connection();
      pqxx::nontransaction tx(connection);
      std::set<std::string, std::less<>> fenced;
      for (const auto& row : exec(session, tx, sql::kFenceCommitMarks, {pg_text_array(marks)})) {
        fenced.insert(row[0].as<std::string>());
      }
      std::vector<BatchJob*> lost;
      for (auto* job : jobs) {
        if (fenced.contains(job->statement.params.back())) {
          lost.push_back(job);
        } else {
          job->complete(Ok{});
        }
      }
      if (logger_) {
        logger_->info("pg_store: settled " + std::to_string(jobs.size()) + " commit(s) whose answer was lost: " +
                      std::to_string(jobs.size() - lost.size()) + " committed, " + std::to_string(lost.size()) +
                      " not (run again)");
      }
      return lost;
    } catch (...) {
      auto failure = classify_store_exception(std::current_exception());
      session.reset();
      if (!failure.connection_lost && !failure.not_primary) {
        if (logger_) logger_->error("pg_store: cannot settle commits: " + failure.error.message);
        return std::nullopt;
      }
      if (!wait_for_primary(deadline, attempt)) return std::nullopt;
    }
  }
}

void PgStore::maybe_clean_up(PgSession& session) {
  const std::int64_t now = wall_clock_ms();
  std::int64_t due = next_clean_up_ms_.load();
  if (now < due || !next_clean_up_ms_.compare_exchange_strong(due, now + kCleanUpEveryMs)) return;
  try {
    pqxx::nontransaction tx(session.connection());
    exec(session, tx, sql::kDeleteOldCommitMarks, {time_prefix(now - kMarkLifetimeMs)});
    exec(session, tx, sql::kDeleteOldStartKeys, {std::to_string(now - Store::kStartKeyLifetimeMs)});
  } catch (...) {
    // Left for the next round; the connection is checked before its next use.
    auto failure = classify_store_exception(std::current_exception());
    if (failure.connection_lost || failure.not_primary) session.reset();
    if (logger_) logger_->warn("pg_store: removing old commit marks failed: " + failure.error.message);
  }
  // The kept counts' rows of the last minutes fold into ranges (kept_counts.hpp), so list
  // totals and positions read about one row per thousand entries.
  try {
    fold_kept_counts(session.connection());
  } catch (...) {
    auto failure = classify_store_exception(std::current_exception());
    if (failure.connection_lost || failure.not_primary) session.reset();
    if (logger_) logger_->warn("pg_store: folding the kept list counts failed: " + failure.error.message);
  }
}

void PgStore::claim_start_key(std::string start_key, std::string instance_id, std::int64_t now_ms,
                              Callback<std::string> done) {
  // Repeating a claim is harmless (its second insert finds the first), so it runs again on a
  // new connection like a read.
  submit<std::string>(std::move(done), Retry::on_dropped_connection,
                      [start_key = std::move(start_key), instance_id = std::move(instance_id), now_ms](
                          PgSession& session, pqxx::connection& connection) -> Result<std::string> {
                        pqxx::nontransaction tx(connection);
                        const auto inserted =
                            exec(session, tx, sql::kClaimStartKey, {start_key, instance_id, std::to_string(now_ms)});
                        if (!inserted.empty()) return inserted[0][0].as<std::string>();
                        // A separate statement: the insert's snapshot may predate the other
                        // claim it waited for.
                        const auto recorded = exec(session, tx, sql::kLoadStartKey, {start_key});
                        if (!recorded.empty()) return recorded[0][0].as<std::string>();
                        return make_error(ErrorStatus::conflict, "the Idempotency-Key expired while it was claimed; "
                                                                 "send the start again");
                      });
}

}  // namespace processhost::plugins::pg_store
