#include "pg_store.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>
#include <limits>
#include <random>
#include <string_view>
#include <utility>

#include <pqxx/pqxx>

#include "batch_job.hpp"
#include "hint_codec.hpp"
#include "correlation_sql.hpp"
#include "kept_counts.hpp"
#include "list_positions.hpp"
#include "processhost/correlation_grouping.hpp"
#include "pg_store_submit.hpp"
#include "record_codec.hpp"
#include "store_errors.hpp"
#include "store_sql.hpp"

namespace processhost::plugins::pg_store {
namespace {

pqxx::result exec(PgSession& session, pqxx::transaction_base& tx, const Statement& statement,
                  const std::vector<std::string>& params) {
  session.prepare(statement.name, statement.sql);
  return tx.exec_prepared(statement.name, pqxx::prepare::make_dynamic_params(params));
}

pqxx::result exec(PgSession& session, pqxx::transaction_base& tx, const BuiltQuery& query) {
  session.prepare(query.name, query.sql);
  return tx.exec_prepared(query.name, pqxx::prepare::make_dynamic_params(query.params));
}

// A list page: a first page is prepared (while the session has room for it), a later one is
// planned for its offset on each call.
pqxx::result exec_page(PgSession& session, pqxx::transaction_base& tx, const BuiltQuery& query,
                       const PageCut& cut) {
  if (cut.offset == 0 && !cut.backwards && session.prepare_page(query.name, query.sql)) {
    return tx.exec_prepared(query.name, pqxx::prepare::make_dynamic_params(query.params));
  }
  return tx.exec_params(query.sql, pqxx::prepare::make_dynamic_params(query.params));
}

// A list page and its totalCount, read in one snapshot (a read-only repeatable-read
// transaction, so the count and the rows agree while commits go on).
//
// When the kept counts hold the list's filters (kept_counts.hpp), the total is read first,
// whether or not the caller reports it: a sum over a few rows that cuts every page (an
// empty list or a page past the end reads nothing, which matters for the kinds of a mixed
// task list that have no waiting tasks; a page nearer the end is read backwards).
// Otherwise the first page is read first and counted only when full (a page that is not
// full tells its total), and a later page is counted first: the total says whether the page
// lies past the end, and whether it is nearer the end, to be read backwards from there
// (cut_with_total). Both the count and the page's cut read only an index
// (docs/persistence.md, "Lists").
using ListTransaction = pqxx::transaction<pqxx::repeatable_read, pqxx::read_only>;

// What read_page needs of a list kind besides its SQL: its identity and scope for the
// bookmarks, how rows become items, and the key of an item (its place in the order).
template <class Query>
struct ListBookmarking {
  ListBookmarks* bookmarks;  // null: none
  std::string identity;
  ListScope scope;
  std::atomic<std::uint64_t>* positioned_pages = nullptr;  // counts the pages the kept counts placed
};

// A page that starts where a page served earlier ended is read from that page's last key
// (a seek, list_bookmarks.hpp) when the bookmark is still valid; otherwise as before. Every
// page read leaves a bookmark at its end.
//
// A page that would skip more than kPositionedSkip entries from either end, with no bookmark
// near it, starts where the kept counts per second place it (list_positions.hpp), when the
// kept counts hold the list's filters.
constexpr std::uint64_t kPositionedSkip = 1000;

template <class Record, class Query, class BuildPage, class BuildKept, class BuildPositions, class BuildCount,
          class Collect, class KeyOf>
PagedList<Record> read_page(PgSession& session, pqxx::connection& connection, const Query& query,
                            const ListBookmarking<Query>& bookmarking, BuildPage build_page, BuildKept build_kept,
                            BuildPositions build_positions, BuildCount build_count, Collect collect, KeyOf key_of) {
  const auto& page = query.page;
  ListBookmarks::Ticket ticket;
  std::optional<ListBookmarks::Bookmark> bookmark;
  if (bookmarking.bookmarks != nullptr && page.limit != 0) {
    bookmark = bookmarking.bookmarks->find(bookmarking.identity, bookmarking.scope, page.offset, ticket);
  }
  // The seek from the bookmark (skipping the rows between it and the offset) when one is
  // valid, else the given cut.
  const auto seek_or = [&](PageCut cut) {
    if (bookmark) cut = PageCut{page.limit, page.offset - bookmark->position, false, bookmark->key};
    return cut;
  };
  PagedList<Record> list;
  const auto bookmark_end = [&] {
    if (bookmarking.bookmarks != nullptr && !list.items.empty() && page.limit != 0) {
      bookmarking.bookmarks->remember(ticket, page.offset + list.items.size(), key_of(list.items.back()));
    }
  };
  const auto kept = build_kept(query);
  if (!page.count_total && !kept) {
    // Nobody reads the total: one statement, no snapshot to share, so no transaction around
    // it (a BEGIN and a COMMIT more per list call cost the sample flow about a third).
    pqxx::nontransaction single(connection);
    if (page.offset <= static_cast<std::size_t>(std::numeric_limits<std::int64_t>::max())) {
      const auto cut = seek_or(forward_cut(page));
      collect(exec_page(session, single, build_page(query, cut), cut), list.items);
    }
    list.total_count = page.offset + list.items.size();
    bookmark_end();
    return list;
  }
  ListTransaction tx(connection);
  const auto count = [&](const BuiltQuery& statement) {
    return exec(session, tx, statement).at(0)[0].template as<std::size_t>();
  };
  const auto read = [&](const PageCut& cut) {
    // The limit and offset are in the text, not parameters: a LIMIT parameter's generic plan
    // guesses a tenth of the rows and then prefers sorting a (parallel) scan over reading the
    // first rows of the ordered index.
    collect(exec_page(session, tx, build_page(query, cut), cut), list.items);
  };
  if (kept) {
    const auto total = count(*kept);
    if (auto cut = cut_with_total(page, total)) {
      // A forward cut keeps the requested limit (the rows are the same): one prepared
      // statement per limit asked, not per list length.
      if (!cut->backwards) cut->limit = page.limit;
      if (!bookmark && cut->offset > kPositionedSkip) {
        if (const auto positions = build_positions(query)) {
          std::vector<CountRange> ranges;
          for (const auto& row : exec(session, tx, *positions)) {
            ranges.push_back({row[0].template as<std::int64_t>(), row[1].template as<std::int64_t>(),
                              row[2].template as<std::int64_t>()});
          }
          if (const auto start = find_page_position(ranges, page.offset)) {
            cut = PageCut{page.limit, start->skip, false, RowKey{start->from_ms, ""}};
            if (bookmarking.positioned_pages != nullptr) ++*bookmarking.positioned_pages;
          }
        }
      }
      read(seek_or(*cut));
    }
    list.total_count = page.count_total ? total : page.offset + list.items.size();
  } else if (page.offset == 0) {
    read(forward_cut(page));
    const bool full = page.limit != 0 && list.items.size() == page.limit;
    list.total_count = full ? count(build_count(query)) : list.items.size();
  } else {
    list.total_count = count(build_count(query));
    if (const auto cut = cut_with_total(page, list.total_count)) read(seek_or(*cut));
  }
  tx.commit();
  bookmark_end();
  return list;
}

// Decoded rows appended to the page's items.
template <class Decode>
auto append_rows(Decode decode) {
  return [decode](const pqxx::result& result, auto& items) {
    items.reserve(items.size() + result.size());
    for (const auto& row : result) items.push_back(decode(row));
  };
}

template <class Record>
RowKey key_of_row(const Record& record) {
  return {record.created_at_ms, record.id};
}

// A definition statement and, when hint is set, its hint in one transaction: the other hosts
// hear of the change once it committed, never of one that did not.
Result<Ok> run_definition_statement(PgSession& session, pqxx::connection& connection, const Statement& statement,
                                    const std::vector<std::string>& params, const std::optional<std::string>& hint) {
  if (!hint) {
    pqxx::nontransaction tx(connection);
    exec(session, tx, statement, params);
    return Ok{};
  }
  pqxx::work tx(connection);
  exec(session, tx, statement, params);
  tx.exec_params("SELECT pg_notify($1, $2)", kHintChannel, *hint);
  tx.commit();
  return Ok{};
}

// 64 random bits in hex: tells this process's hints from other hosts'.
std::string random_host_id() {
  std::random_device device;
  std::uniform_int_distribution<std::uint64_t> bits;
  const std::uint64_t value = (static_cast<std::uint64_t>(device()) << 32) ^ device() ^ bits(device);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id(16, '0');
  for (int i = 0; i < 16; ++i) id[static_cast<std::size_t>(i)] = kHex[(value >> (4 * i)) & 0xf];
  return id;
}

}  // namespace

PgStore::PgStore(PgConfig config, Logger* logger)
    : config_(std::move(config)), logger_(logger), host_id_(random_host_id()) {
  // Unique per store object, so that marks of hosts committing in the same millisecond differ.
  std::random_device random;
  const std::uint64_t prefix = (static_cast<std::uint64_t>(random()) << 32) ^ random();
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(prefix));
  mark_prefix_ = text;
}

PgStore::~PgStore() { stop(); }

std::uint64_t PgStore::subscribe_hints(StoreHintHandler handler) {
  if (!hints_) return 0;
  return hints_->subscribe(std::move(handler));
}

void PgStore::unsubscribe_hints(std::uint64_t subscription) {
  if (hints_) hints_->unsubscribe(subscription);
}

BootstrapOutcome PgStore::start() {
  auto outcome = bootstrap_database(config_);
  pool_ = std::make_unique<StorePool>(StorePool::Options{
      .threads = config_.pool_size,
      .max_queued = config_.max_queued_requests,
      .max_batch = config_.max_commit_batch,
      .max_batch_workers = config_.commit_connections(),
      .make_context =
          [this, conninfo = config_.conninfo()] {
            return std::make_unique<PgSession>(conninfo, epoch_, config_.require_synchronous_standby);
          },
      .run_batch = [this](PgSession& session, std::vector<BatchJob>& jobs) { run_commit_batch(session, jobs); },
      .drop_batch_job = [](BatchJob& job, const JobDropped& dropped) { job.complete(dropped_error(dropped)); },
  });
  pool_->start();
  // Without hints the subscription stays (other hosts may still write here: the engine's
  // periodic checks depend on it), it only never hears anything.
  hints_ = std::make_unique<HintListener>(config_.conninfo(), host_id_, logger_,
                                          std::chrono::milliseconds(config_.hint_interval_ms));
  if (config_.hints) hints_->start(std::chrono::seconds(config_.connect_timeout_seconds + 1));
  // Another host's commit may move any list's rows: its hint (or a notice that hints were
  // missed) erases every bookmark. Without hints nothing tells of such commits: no bookmarks.
  bookmarks_.set_enabled(config_.hints);
  if (config_.hints) {
    hints_->subscribe([this](const StoreHints& hints) {
      if (!hints.instances.empty() || hints.missed) bookmarks_.forget_all();
    });
  }
  return outcome;
}

// The listener first: its thread runs this library's code and must end before it can go.
void PgStore::stop() noexcept {
  stopping_.store(true);  // calls waiting for a primary give up now
  if (hints_) hints_->stop();
  if (pool_) pool_->stop();
}

void PgStore::save_definition(ProcessDefinitionRecord definition, Callback<Ok> done) {
  std::optional<std::string> hint;
  if (config_.hints) hint = encode_notification(host_id_, encode_definition_hint(definition.process_model_id, false));
  submit<Ok>(std::move(done), Retry::on_dropped_connection,
             [definition = std::move(definition), hint = std::move(hint)](PgSession& session,
                                                                          pqxx::connection& connection) -> Result<Ok> {
               return run_definition_statement(session, connection, sql::kSaveDefinition,
                                               {definition.process_model_id, definition.hash, definition.xml,
                                                std::to_string(definition.deployed_at_ms)},
                                               hint);
             });
}

void PgStore::load_definitions(Callback<std::vector<ProcessDefinitionRecord>> done) {
  submit<std::vector<ProcessDefinitionRecord>>(
      std::move(done), Retry::on_dropped_connection,
      [](PgSession& session, pqxx::connection& connection) -> Result<std::vector<ProcessDefinitionRecord>> {
        pqxx::nontransaction tx(connection);
        std::vector<ProcessDefinitionRecord> definitions;
        for (const auto& row : exec(session, tx, sql::kLoadDefinitions, {})) definitions.push_back(decode_definition(row));
        return definitions;
      });
}

void PgStore::delete_definitions(std::string process_model_id, std::int64_t deleted_at_ms, Callback<Ok> done) {
  std::optional<std::string> hint;
  if (config_.hints) hint = encode_notification(host_id_, encode_definition_hint(process_model_id, true));
  submit<Ok>(std::move(done), Retry::on_dropped_connection,
             [process_model_id = std::move(process_model_id), deleted_at_ms, hint = std::move(hint)](
                 PgSession& session, pqxx::connection& connection) -> Result<Ok> {
               return run_definition_statement(session, connection, sql::kDeleteDefinitions,
                                               {process_model_id, std::to_string(deleted_at_ms)}, hint);
             });
}

void PgStore::attach_metrics(MetricsService& metrics) {
  metrics_ = &metrics;
  commit_seconds_.store(&metrics.histogram("processhost_store_commit_seconds",
                                           "Time from a commit's request to its transaction's end, in seconds",
                                           latency_buckets_seconds()),
                        std::memory_order_release);
  collector_ = metrics.add_collector([this](MetricSampleWriter& writer) {
    if (!pool_) return;
    const auto usage = pool_->usage();
    const char* help = "pg_store connections by what they do now";
    writer.gauge("processhost_store_pool_connections", help, {{"state", "busy"}}, static_cast<double>(usage.busy));
    writer.gauge("processhost_store_pool_connections", help, {{"state", "idle"}},
                 static_cast<double>(usage.threads - std::min(usage.threads, usage.busy)));
    writer.gauge("processhost_store_queued_requests", "pg_store requests waiting for a connection", {},
                 static_cast<double>(usage.queued));
  });
}

void PgStore::detach_metrics() noexcept {
  if (metrics_ != nullptr && collector_ != 0) metrics_->remove_collector(collector_);
  collector_ = 0;
}

void PgStore::load_instance(std::string process_instance_id, Callback<std::optional<ProcessInstanceRecord>> done) {
  submit<std::optional<ProcessInstanceRecord>>(
      std::move(done), Retry::on_dropped_connection,
      [id = std::move(process_instance_id)](PgSession& session,
                                            pqxx::connection& connection) -> Result<std::optional<ProcessInstanceRecord>> {
        pqxx::nontransaction tx(connection);
        const auto result = exec(session, tx, sql::kLoadInstance, {id});
        if (result.empty()) return std::optional<ProcessInstanceRecord>();
        return std::optional<ProcessInstanceRecord>(decode_instance(result[0]));
      });
}

void PgStore::query_instances(InstanceQuery query, Callback<PagedList<ProcessInstanceRecord>> done) {
  submit<PagedList<ProcessInstanceRecord>>(
      std::move(done), Retry::on_dropped_connection,
      [this, query = std::move(query)](PgSession& session,
                                       pqxx::connection& connection) -> Result<PagedList<ProcessInstanceRecord>> {
        const ListBookmarking<InstanceQuery> bookmarking{
            &bookmarks_, list_identity(query),
            ListScope{ListTable::instances, query.process_model_id, std::nullopt, query.correlation_id,
                      query.owner_user_id},
            &positioned_pages_};
        return read_page<ProcessInstanceRecord>(
            session, connection, query, bookmarking, build_instance_query, build_kept_instance_count,
            build_kept_instance_positions, build_instance_count,
            append_rows([](const pqxx::row& row) { return decode_instance(row); }), key_of_row<ProcessInstanceRecord>);
      });
}

void PgStore::query_flow_nodes(FlowNodeQuery query, Callback<PagedList<FlowNodeInstanceRecord>> done) {
  submit<PagedList<FlowNodeInstanceRecord>>(
      std::move(done), Retry::on_dropped_connection,
      [this, query = std::move(query)](PgSession& session,
                                       pqxx::connection& connection) -> Result<PagedList<FlowNodeInstanceRecord>> {
        const ListBookmarking<FlowNodeQuery> bookmarking{
            &bookmarks_, list_identity(query),
            ListScope{ListTable::flow_nodes, query.process_model_id, query.process_instance_id, query.correlation_id,
                      query.owner_user_id},
            &positioned_pages_};
        return read_page<FlowNodeInstanceRecord>(
            session, connection, query, bookmarking, build_flow_node_query, build_kept_flow_node_count,
            build_kept_flow_node_positions, build_flow_node_count,
            append_rows([](const pqxx::row& row) { return decode_flow_node(row); }), key_of_row<FlowNodeInstanceRecord>);
      });
}

void PgStore::query_correlations(CorrelationQuery query, Callback<PagedList<CorrelationRecord>> done) {
  submit<PagedList<CorrelationRecord>>(
      std::move(done), Retry::on_dropped_connection,
      [this, query = std::move(query)](PgSession& session,
                                       pqxx::connection& connection) -> Result<PagedList<CorrelationRecord>> {
        const ListBookmarking<CorrelationQuery> bookmarking{
            &bookmarks_, correlation_list_identity(query),
            ListScope{ListTable::instances, query.process_model_id, std::nullopt, query.correlation_id,
                      query.owner_user_id},
            &positioned_pages_};
        // The page's instances, grouped: in index order, so the correlations come in theirs.
        const auto collect = [](const pqxx::result& result, std::vector<CorrelationRecord>& items) {
          std::vector<ProcessInstanceRecord> instances;
          instances.reserve(result.size());
          for (const auto& row : result) instances.push_back(decode_instance(row));
          for (auto& correlation : group_into_correlations(std::move(instances))) items.push_back(std::move(correlation));
        };
        // A correlation's place: its first matching instance.
        const auto key_of = [](const CorrelationRecord& correlation) {
          return RowKey{correlation.instances.front().created_at_ms, correlation.instances.front().id};
        };
        return read_page<CorrelationRecord>(session, connection, query, bookmarking, build_correlation_query,
                                            build_kept_correlation_count, build_kept_correlation_positions,
                                            build_correlation_count, collect, key_of);
      });
}

void PgStore::query_results(std::string correlation_id, std::string process_model_id,
                            Callback<std::vector<CorrelationResultRecord>> done) {
  submit<std::vector<CorrelationResultRecord>>(
      std::move(done), Retry::on_dropped_connection,
      [correlation_id = std::move(correlation_id), process_model_id = std::move(process_model_id)](
          PgSession& session, pqxx::connection& connection) -> Result<std::vector<CorrelationResultRecord>> {
        pqxx::nontransaction tx(connection);
        const auto result = process_model_id.empty()
                                ? exec(session, tx, sql::kResultsByCorrelation, {correlation_id})
                                : exec(session, tx, sql::kResultsByCorrelationAndModel,
                                       {correlation_id, process_model_id});
        std::vector<CorrelationResultRecord> results;
        for (const auto& row : result) results.push_back(decode_correlation_result(row));
        return results;
      });
}

void PgStore::due_timers(std::int64_t until_ms, std::size_t max, Callback<std::vector<TimerRecord>> done) {
  submit<std::vector<TimerRecord>>(
      std::move(done), Retry::on_dropped_connection,
      [until_ms, max](PgSession& session, pqxx::connection& connection) -> Result<std::vector<TimerRecord>> {
        pqxx::nontransaction tx(connection);
        std::vector<TimerRecord> timers;
        for (const auto& row : exec(session, tx, sql::kDueTimers, {std::to_string(until_ms), std::to_string(max)})) {
          timers.push_back(decode_timer(row));
        }
        return timers;
      });
}

void PgStore::next_timer_due(Callback<std::optional<std::int64_t>> done) {
  submit<std::optional<std::int64_t>>(
      std::move(done), Retry::on_dropped_connection,
      [](PgSession& session, pqxx::connection& connection) -> Result<std::optional<std::int64_t>> {
        pqxx::nontransaction tx(connection);
        const auto field = exec(session, tx, sql::kNextTimerDue, {}).at(0)[0];
        if (field.is_null()) return std::optional<std::int64_t>();
        return std::optional<std::int64_t>(field.as<std::int64_t>());
      });
}

// Not retried: a lost answer may have locked tasks; they are offered again once
// lock_until_ms has passed.
void PgStore::lock_external_tasks(std::string topic, std::string worker_id, std::size_t max, std::int64_t now_ms,
                                  std::int64_t lock_until_ms, Callback<std::vector<ExternalTaskRecord>> done) {
  submit<std::vector<ExternalTaskRecord>>(
      std::move(done), Retry::never,
      [topic = std::move(topic), worker_id = std::move(worker_id), max, now_ms, lock_until_ms](
          PgSession& session, pqxx::connection& connection) -> Result<std::vector<ExternalTaskRecord>> {
        pqxx::nontransaction tx(connection);
        std::vector<ExternalTaskRecord> tasks;
        for (const auto& row : exec(session, tx, sql::kLockExternalTasks,
                                    {topic, std::to_string(now_ms), std::to_string(max), worker_id,
                                     std::to_string(lock_until_ms)})) {
          tasks.push_back(decode_external_task(row));
        }
        std::sort(tasks.begin(), tasks.end(), [](const auto& a, const auto& b) {
          return std::tie(a.task.created_at_ms, a.task.id) < std::tie(b.task.created_at_ms, b.task.id);
        });
        return tasks;
      });
}

void PgStore::load_external_task(std::string external_task_id, Callback<std::optional<ExternalTaskRecord>> done) {
  submit<std::optional<ExternalTaskRecord>>(
      std::move(done), Retry::on_dropped_connection,
      [id = std::move(external_task_id)](PgSession& session,
                                         pqxx::connection& connection) -> Result<std::optional<ExternalTaskRecord>> {
        pqxx::nontransaction tx(connection);
        const auto result = exec(session, tx, sql::kLoadExternalTask, {id});
        if (result.empty()) return std::optional<ExternalTaskRecord>();
        return std::optional<ExternalTaskRecord>(decode_external_task(result[0]));
      });
}

void PgStore::update_external_task(ExternalTaskRecord task, std::int64_t expected_version, Callback<Ok> done) {
  submit<Ok>(std::move(done), Retry::never,
             [task = std::move(task), expected_version](PgSession& session, pqxx::connection& connection) -> Result<Ok> {
               pqxx::nontransaction tx(connection);
               const auto result =
                   exec(session, tx, sql::kUpdateExternalTask, external_task_update_params(task, expected_version));
               if (result.affected_rows() == 1) return Ok{};
               return make_error(ErrorStatus::conflict, "external task '" + task.task.id +
                                                            "' is no longer at version " +
                                                            std::to_string(expected_version));
             });
}

}  // namespace processhost::plugins::pg_store
