// PgStore's history calls: the cron execution history, the run-time aggregates of flow
// nodes (computed by PostgreSQL: only one row per flow node reaches the host) and history
// retention (batches of expired instances deleted with everything they own, in one
// statement and one short transaction each). Schema: migration 5 (schema_migrations.cpp).
#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include <pqxx/pqxx>

#include "pg_store.hpp"
#include "pg_store_submit.hpp"
#include "store_sql.hpp"

namespace processhost::plugins::pg_store {
namespace {

pqxx::result exec_query(PgSession& session, pqxx::transaction_base& tx, const BuiltQuery& query) {
  session.prepare(query.name, query.sql);
  return tx.exec_prepared(query.name, pqxx::prepare::make_dynamic_params(query.params));
}

// LIMIT and OFFSET of a page; limit 0 (no limit) as the largest bigint.
void add_page(BuiltQuery& query, const PageRequest& page) {
  const auto limit = page.limit == 0 ? std::numeric_limits<std::int64_t>::max() : static_cast<std::int64_t>(page.limit);
  query.params.push_back(std::to_string(limit));
  query.sql += " LIMIT $" + std::to_string(query.params.size()) + "::bigint";
  query.params.push_back(std::to_string(page.offset));
  query.sql += " OFFSET $" + std::to_string(query.params.size()) + "::bigint";
}

// " AND column = $n" for each filter that is set; the shape goes into the statement's name.
void add_filter(BuiltQuery& query, const char* column, const std::optional<std::string>& value, char tag) {
  if (!value) return;
  query.params.push_back(*value);
  query.sql += std::string(" AND ") + column + " = $" + std::to_string(query.params.size());
  query.name += tag;
}

constexpr const char* kRecordCronExecution =
    "INSERT INTO processhost_cronjob_history"
    " (process_model_id, start_event_id, crontab, process_instance_id, executed_at_ms) VALUES ($1, $2, $3, $4, $5)";

BuiltQuery cron_history_query(const CronjobHistoryQuery& query, bool count_only) {
  BuiltQuery built;
  built.name = count_only ? "cron_history_count_" : "cron_history_";
  built.sql = count_only ? "SELECT count(*) FROM processhost_cronjob_history WHERE true"
                         : "SELECT process_model_id, start_event_id, crontab, process_instance_id, executed_at_ms"
                           " FROM processhost_cronjob_history WHERE true";
  add_filter(built, "process_model_id", query.process_model_id, 'm');
  add_filter(built, "start_event_id", query.start_event_id, 's');
  add_filter(built, "crontab", query.crontab, 'c');
  if (!count_only) {
    built.sql += " ORDER BY executed_at_ms, seq";
    add_page(built, query.page);
  }
  return built;
}

// Finished flow node instances of the model; run time = finished_at_ms - created_at_ms. They
// are found through the model's instances (processhost_instances_by_model, then
// processhost_nodes_by_instance): an index of finished nodes by model would cost every
// flow node write an entry for this operator's read.
BuiltQuery runtime_query(const FlowNodeRuntimeQuery& query, bool count_only) {
  BuiltQuery built;
  built.name = count_only ? "runtime_count_" : "runtime_";
  built.params.push_back(query.process_model_id);
  const std::string rows =
      " FROM processhost_process_instances i JOIN processhost_flow_node_instances n ON n.process_instance_id = i.id"
      " WHERE i.process_model_id = $1 AND n.state = 'finished' AND n.finished_at_ms > 0";
  if (count_only) {
    built.sql = "SELECT count(DISTINCT flow_node_id)" + rows;
    add_filter(built, "flow_node_id", query.flow_node_id, 'f');
    return built;
  }
  built.sql =
      "SELECT flow_node_id, count(*), avg(run), percentile_cont(0.25) WITHIN GROUP (ORDER BY run),"
      " percentile_cont(0.5) WITHIN GROUP (ORDER BY run), percentile_cont(0.75) WITHIN GROUP (ORDER BY run),"
      " min(run), max(run), count(*) OVER ()"
      " FROM (SELECT flow_node_id, n.finished_at_ms - n.created_at_ms AS run" +
      rows;
  add_filter(built, "flow_node_id", query.flow_node_id, 'f');
  built.sql += ") runs GROUP BY flow_node_id ORDER BY flow_node_id";
  add_page(built, query.page);
  return built;
}

// One batch of retention: expired instances (SKIP LOCKED: two hosts on one database take
// different batches), found through processhost_instances_by_state, and every row that
// belongs to them.
static_assert(name_of(ProcessInstanceState::finished) == "finished" &&
              name_of(ProcessInstanceState::terminated) == "terminated" && name_of(ProcessInstanceState::error) == "error");
constexpr const char* kRemoveEndedInstances =
    "WITH doomed AS ("
    "  SELECT id FROM processhost_process_instances"
    "  WHERE state IN ('finished', 'terminated', 'error') AND finished_at_ms > 0 AND finished_at_ms < $1"
    "  LIMIT $2 FOR UPDATE SKIP LOCKED),"
    " nodes AS (DELETE FROM processhost_flow_node_instances n USING doomed WHERE n.process_instance_id = doomed.id),"
    " results AS (DELETE FROM processhost_correlation_results r USING doomed WHERE r.process_instance_id = doomed.id),"
    " timers AS (DELETE FROM processhost_timers t USING doomed WHERE t.process_instance_id = doomed.id),"
    " tasks AS (DELETE FROM processhost_external_tasks e USING doomed WHERE e.process_instance_id = doomed.id),"
    " crons AS (DELETE FROM processhost_cronjob_history c USING doomed WHERE c.process_instance_id = doomed.id)"
    " DELETE FROM processhost_process_instances i USING doomed WHERE i.id = doomed.id";

}  // namespace

void PgStore::record_cronjob_execution(CronjobExecutionRecord execution, Callback<Ok> done) {
  submit<Ok>(std::move(done), Retry::never,
             [execution = std::move(execution)](PgSession& session, pqxx::connection& connection) -> Result<Ok> {
               pqxx::nontransaction tx(connection);
               session.prepare("record_cron_execution", kRecordCronExecution);
               tx.exec_prepared("record_cron_execution", execution.process_model_id, execution.start_event_id,
                                execution.crontab, execution.process_instance_id, execution.executed_at_ms);
               return Ok{};
             });
}

void PgStore::query_cronjob_history(CronjobHistoryQuery query, Callback<PagedList<CronjobExecutionRecord>> done) {
  submit<PagedList<CronjobExecutionRecord>>(
      std::move(done), Retry::on_dropped_connection,
      [query = std::move(query)](PgSession& session,
                                 pqxx::connection& connection) -> Result<PagedList<CronjobExecutionRecord>> {
        pqxx::nontransaction tx(connection);
        PagedList<CronjobExecutionRecord> list;
        for (const auto& row : exec_query(session, tx, cron_history_query(query, false))) {
          list.items.push_back({row[0].as<std::string>(), row[1].as<std::string>(), row[2].as<std::string>(),
                                row[3].as<std::string>(), row[4].as<std::int64_t>()});
        }
        // A page that is not full (or the first, empty one) tells the total; otherwise an
        // index-served count (a window count would read every matching row for each page).
        const std::size_t rows = list.items.size();
        const bool full = query.page.limit != 0 && rows == query.page.limit;
        if (!full && (rows > 0 || query.page.offset == 0)) {
          list.total_count = query.page.offset + rows;
        } else {
          list.total_count = exec_query(session, tx, cron_history_query(query, true)).at(0)[0].as<std::size_t>();
        }
        return list;
      });
}

void PgStore::flow_node_runtimes(FlowNodeRuntimeQuery query, Callback<PagedList<FlowNodeRuntimeRecord>> done) {
  submit<PagedList<FlowNodeRuntimeRecord>>(
      std::move(done), Retry::on_dropped_connection,
      [query = std::move(query)](PgSession& session,
                                 pqxx::connection& connection) -> Result<PagedList<FlowNodeRuntimeRecord>> {
        pqxx::nontransaction tx(connection);
        PagedList<FlowNodeRuntimeRecord> list;
        for (const auto& row : exec_query(session, tx, runtime_query(query, false))) {
          FlowNodeRuntimeRecord record;
          record.process_model_id = query.process_model_id;
          record.flow_node_id = row[0].as<std::string>();
          record.count = row[1].as<std::size_t>();
          record.mean_ms = row[2].as<double>();
          record.first_quartile_ms = row[3].as<double>();
          record.median_ms = row[4].as<double>();
          record.third_quartile_ms = row[5].as<double>();
          record.min_ms = row[6].as<std::int64_t>();
          record.max_ms = row[7].as<std::int64_t>();
          list.total_count = row[8].as<std::size_t>();
          list.items.push_back(std::move(record));
        }
        if (list.items.empty() && query.page.offset > 0) {
          list.total_count = exec_query(session, tx, runtime_query(query, true)).at(0)[0].as<std::size_t>();
        }
        return list;
      });
}

void PgStore::remove_ended_instances(std::int64_t finished_before_ms, std::size_t max, Callback<std::size_t> done) {
  // Removed instances and flow nodes shift every list: no bookmark outlives a removal; a
  // round that removed nothing (most) leaves them.
  done = [this, done = std::move(done)](Result<std::size_t> result) {
    if (!result.ok() || result.value() > 0) bookmarks_.forget_all();
    done(std::move(result));
  };
  submit<std::size_t>(std::move(done), Retry::never,
                      [finished_before_ms, max](PgSession& session, pqxx::connection& connection) -> Result<std::size_t> {
                        pqxx::work tx(connection);
                        session.prepare("remove_ended_instances", kRemoveEndedInstances);
                        const auto removed = tx.exec_prepared("remove_ended_instances", finished_before_ms,
                                                              static_cast<std::int64_t>(max));
                        tx.commit();
                        return static_cast<std::size_t>(removed.affected_rows());
                      });
}

}  // namespace processhost::plugins::pg_store
