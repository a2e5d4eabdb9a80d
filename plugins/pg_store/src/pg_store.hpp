#pragma once
// PgStore: the Store service on PostgreSQL (libpqxx 6).
//
// Every call is queued to a worker pool with one connection per thread (poolSize) and
// completes through its callback on that worker thread. A commit is one SQL statement;
// alone it runs in autocommit (one transaction, one round trip). Commits that queue up
// while every connection is busy share one transaction (group commit), each its own
// statement, all sent as one multi-statement query (one round trip): a conflict in one
// (0 rows) leaves the others alone, and a statement error rolls the group back and reruns
// each commit alone. Every callback runs after the
// transaction holding its change set committed. Errors: 409 when the instance's version moved (or a new instance's id exists),
// 503 "store unavailable: ..." when the server is unreachable or dropped the connection
// (the connection is discarded and reopened on the next call), 500 otherwise.
//
// Failover (docs/cluster.md, "Failover"): for failoverWindowMs a call keeps trying while no
// primary answers. Reads run again on a new connection; a commit runs again when it never
// reached the server or a server that is no primary refused it (SQLSTATE 25006); a commit
// whose answer was lost is settled by its commit mark (recorded in its own transaction):
// found, it succeeded; not found, the mark is inserted (so the lost attempt can never commit
// later) and the commit runs again with a new mark. Only past the window: 503.
//
// Hints (docs/cluster.md): unless the config turns them off, every commit that applied hands a
// hint of what it changed to the HintListener once its transaction committed, which sends
// them to the other hosts on the database (NOTIFY, gathered over a few milliseconds, only
// while another host listens) and hears theirs for subscribe_hints. Deployments and deletions
// of models notify in their own transaction.
//
// Lists (docs/persistence.md, "Lists"): pages cut from indexes; a page that follows one
// served earlier is a seek from that page's last key while nothing before it changed
// (list_bookmarks.hpp), otherwise LIMIT/OFFSET (from the nearer end when the total is known).
//
// Lifecycle: start() creates the database when missing, migrates the schema, then starts
// the workers; stop() fails queued calls with 503 and joins the workers. Calls before
// start() or after stop() complete with 503 at once.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "database_bootstrap.hpp"
#include "hint_listener.hpp"
#include "list_bookmarks.hpp"
#include "pg_config.hpp"
#include "plugin_common/worker_pool.hpp"
#include "processhost/logger.hpp"
#include "processhost/services/metrics.hpp"
#include "processhost/services/store.hpp"

namespace processhost::plugins::pg_store {

class PgSession;
struct BatchJob;

class PgStore final : public Store {
 public:
  // logger may be null; it is told about callbacks that throw.
  PgStore(PgConfig config, Logger* logger);
  ~PgStore() override;
  PgStore(const PgStore&) = delete;
  PgStore& operator=(const PgStore&) = delete;

  // Control plane; throws std::runtime_error with a message naming file, server and remedy.
  BootstrapOutcome start();
  void stop() noexcept;
  const PgConfig& config() const { return config_; }
  // After start(): times commits into metrics and samples the pool at each scrape, until
  // detach_metrics() (before stop(): the collector is this plugin's code).
  void attach_metrics(MetricsService& metrics);
  void detach_metrics() noexcept;

  void save_definition(ProcessDefinitionRecord definition, Callback<Ok> done) override;
  void load_definitions(Callback<std::vector<ProcessDefinitionRecord>> done) override;
  void delete_definitions(std::string process_model_id, std::int64_t deleted_at_ms, Callback<Ok> done) override;
  void commit(ChangeSet changes, Callback<Ok> done) override;
  void claim_start_key(std::string start_key, std::string instance_id, std::int64_t now_ms,
                       Callback<std::string> done) override;
  void load_instance(std::string process_instance_id, Callback<std::optional<ProcessInstanceRecord>> done) override;
  void query_instances(InstanceQuery query, Callback<PagedList<ProcessInstanceRecord>> done) override;
  void query_flow_nodes(FlowNodeQuery query, Callback<PagedList<FlowNodeInstanceRecord>> done) override;
  void query_correlations(CorrelationQuery query, Callback<PagedList<CorrelationRecord>> done) override;
  void query_results(std::string correlation_id, std::string process_model_id,
                     Callback<std::vector<CorrelationResultRecord>> done) override;
  void due_timers(std::int64_t until_ms, std::size_t max, Callback<std::vector<TimerRecord>> done) override;
  void next_timer_due(Callback<std::optional<std::int64_t>> done) override;
  // pg_store_claims.cpp: due timers under a lease, cron ticks once across hosts.
  void claim_due_timers(std::string owner, std::int64_t now_ms, std::int64_t lease_until_ms, std::size_t max,
                        Callback<TimerClaim> done) override;
  void claim_cron_tick(CronTickClaim claim, Callback<bool> done) override;
  void remove_cron_claims(std::int64_t ticked_before_ms, Callback<std::size_t> done) override;
  void lock_external_tasks(std::string topic, std::string worker_id, std::size_t max, std::int64_t now_ms,
                           std::int64_t lock_until_ms, Callback<std::vector<ExternalTaskRecord>> done) override;
  void load_external_task(std::string external_task_id, Callback<std::optional<ExternalTaskRecord>> done) override;
  void update_external_task(ExternalTaskRecord task, std::int64_t expected_version, Callback<Ok> done) override;
  // pg_store_history.cpp: cron history, run-time aggregates, history retention.
  void record_cronjob_execution(CronjobExecutionRecord execution, Callback<Ok> done) override;
  void query_cronjob_history(CronjobHistoryQuery query, Callback<PagedList<CronjobExecutionRecord>> done) override;
  void flow_node_runtimes(FlowNodeRuntimeQuery query, Callback<PagedList<FlowNodeRuntimeRecord>> done) override;
  void remove_ended_instances(std::int64_t finished_before_ms, std::size_t max, Callback<std::size_t> done) override;
  std::uint64_t subscribe_hints(StoreHintHandler handler) override;
  void unsubscribe_hints(std::uint64_t subscription) override;
  // Pages read by a seek from a bookmark since start (list_bookmarks.hpp).
  std::uint64_t bookmarked_pages() const { return bookmarks_.seeks(); }
  // Pages whose start the kept counts placed since start (list_positions.hpp).
  std::uint64_t positioned_pages() const { return positioned_pages_.load(); }
  // This store's id in the hints it sends (random per process).
  const std::string& host_id() const { return host_id_; }

 private:
  enum class Retry { never, on_dropped_connection };

  // Runs work(session) on a worker and hands its Result<T> to done.
  template <class T, class Work>
  void submit(Callback<T> done, Retry retry, Work work);
  template <class T, class Work>
  Result<T> run(PgSession& session, Retry retry, Work& work);
  template <class T>
  void deliver(const Callback<T>& done, Result<T> result);
  // Runs queued commits in one transaction; completes each after that transaction committed.
  void run_commit_batch(PgSession& session, std::vector<BatchJob>& jobs);
  struct CommitAttempt;
  // One try of jobs in one transaction (pg_store_commit.cpp).
  CommitAttempt attempt_commits(PgSession& session, const std::vector<BatchJob*>& jobs);
  // Tries jobs until each is decided or the failover window has passed; completes each.
  void commit_jobs(PgSession& session, std::vector<BatchJob*> pending);
  // After a lost answer: completes the jobs whose marks are stored with Ok, fences the
  // others and returns them (to run again); nullopt when no primary answered in time.
  std::optional<std::vector<BatchJob*>> settle_commits(PgSession& session, const std::vector<BatchJob*>& jobs);
  // A new commit mark: the time in hex, this store's random prefix, a counter.
  std::string next_mark();
  // Waits before the next try while no primary answers (a short backoff); false when the
  // window has passed or the store stops.
  bool wait_for_primary(std::chrono::steady_clock::time_point deadline, int attempt) const;
  // The 503 of a call that gave up after the window.
  Error window_error(const Error& last) const;
  // Removes old commit marks and start keys, at most once a minute, on the caller's session.
  void maybe_clean_up(PgSession& session);
  // Hands the hints of applied commits to the listener, which sends them (HintListener::publish).
  void send_hints(const std::vector<const std::string*>& hints);
  // Erases the list bookmarks a change may touch, now and once it has ended (done runs after).
  Callback<Ok> around_change(std::vector<ChangedRow> rows, Callback<Ok> done);
  // Makes every connection of the pool reconnect before its next use.
  void invalidate_connections() { epoch_.fetch_add(1); }

  PgConfig config_;
  Logger* logger_;
  std::atomic<bool> stopping_{false};
  std::string mark_prefix_;
  std::atomic<std::uint64_t> mark_counter_{0};
  std::atomic<std::int64_t> next_clean_up_ms_{0};
  const std::string host_id_;
  std::unique_ptr<HintListener> hints_;
  // Bookmarks of list pages (list_bookmarks.hpp): 64 lists, 16 bookmarks each.
  ListBookmarks bookmarks_{64, 16};
  std::atomic<std::uint64_t> positioned_pages_{0};
  std::atomic<std::uint64_t> epoch_{0};  // shared by the pool's sessions (PgSession)
  std::unique_ptr<WorkerPool<PgSession, BatchJob>> pool_;
  MetricsService* metrics_ = nullptr;
  std::atomic<MetricHistogram*> commit_seconds_{nullptr};  // the host's cell, once attached
  std::uint64_t collector_ = 0;
};

}  // namespace processhost::plugins::pg_store
