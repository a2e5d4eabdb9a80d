#include "kept_counts.hpp"

#include <string>
#include <utility>
#include <vector>

namespace processhost::plugins::pg_store {
namespace {

// A total from the kept rows (one row per key, second or folded range, and live backend),
// summed; or the same rows per range of seconds, for where a page starts.
class KeptCount {
 public:
  KeptCount(std::string name, const char* table) : name_(std::move(name)), table_(table) {}

  void equals(const char* column, const std::string& value, char tag) {
    params_.push_back(value);
    add(std::string(column) + " = $" + std::to_string(params_.size()), tag);
  }
  void any_of(const char* column, const std::vector<std::string>& values, char tag) {
    params_.push_back(pg_text_array(values));
    add(std::string(column) + " = ANY($" + std::to_string(params_.size()) + "::text[])", tag);
  }
  void condition(const std::string& text, char tag) { add(text, tag); }
  // As the list's own lane condition: the lane-less nodes and the caller's lanes.
  void lanes(const std::vector<std::string>& values) {
    params_.push_back(pg_text_array(values));
    add("(flow_node_lane = '' OR flow_node_lane = ANY($" + std::to_string(params_.size()) + "::text[]))", 'l');
  }

  BuiltQuery query() const {
    return {name_, std::string("SELECT coalesce(sum(n), 0) FROM ") + table_ + where_, params_};
  }
  // The same rows per range of seconds, in order (schema migration 11).
  BuiltQuery positions() const {
    return {name_ + "_positions",
            std::string("SELECT bucket_from, bucket_to, sum(n) FROM ") + table_ + where_ +
                " GROUP BY bucket_from, bucket_to ORDER BY bucket_from, bucket_to",
            params_};
  }

 private:
  void add(const std::string& text, char tag) {
    where_ += where_.empty() ? " WHERE " : " AND ";
    where_ += text;
    name_ += tag;
  }

  std::string name_;
  const char* table_;
  std::string where_;
  std::vector<std::string> params_;
};

}  // namespace

namespace {

std::optional<KeptCount> kept_flow_nodes(const FlowNodeQuery& query) {
  // Only waiting (suspended) flow nodes are kept, per model, kind, lane and event type, and
  // per owner as well (schema migration 12).
  if (query.state != FlowNodeState::suspended || query.process_instance_id || query.correlation_id ||
      query.event_name) {
    return std::nullopt;
  }
  KeptCount count(query.owner_user_id ? "kept_owner_waiting_" : "kept_waiting_",
                  query.owner_user_id ? "processhost_owner_waiting_counts" : "processhost_waiting_counts");
  if (query.owner_user_id) count.equals("owner_user_id", *query.owner_user_id, 'o');
  if (query.process_model_id) count.equals("process_model_id", *query.process_model_id, 'm');
  if (query.event_type) count.equals("event_type", *query.event_type, 'e');
  if (query.events_only) count.condition("event_type <> ''", 'E');
  if (!query.flow_node_types.empty()) count.any_of("flow_node_type", query.flow_node_types, 't');
  if (query.lanes) count.lanes(*query.lanes);
  return count;
}

std::optional<KeptCount> kept_instances(const InstanceQuery& query) {
  if (query.correlation_id) return std::nullopt;
  KeptCount count(query.owner_user_id ? "kept_owner_instances_" : "kept_instances_",
                  query.owner_user_id ? "processhost_owner_instance_counts" : "processhost_instance_counts");
  if (query.owner_user_id) count.equals("owner_user_id", *query.owner_user_id, 'o');
  if (query.process_model_id) count.equals("process_model_id", *query.process_model_id, 'm');
  if (query.state) count.equals("state", std::string(name_of(*query.state)), 's');
  return count;
}

}  // namespace

std::optional<BuiltQuery> build_kept_flow_node_count(const FlowNodeQuery& query) {
  if (auto count = kept_flow_nodes(query)) return count->query();
  return std::nullopt;
}

std::optional<BuiltQuery> build_kept_instance_count(const InstanceQuery& query) {
  if (auto count = kept_instances(query)) return count->query();
  return std::nullopt;
}

std::optional<BuiltQuery> build_kept_flow_node_positions(const FlowNodeQuery& query) {
  if (auto count = kept_flow_nodes(query)) return count->positions();
  return std::nullopt;
}

std::optional<BuiltQuery> build_kept_instance_positions(const InstanceQuery& query) {
  if (auto count = kept_instances(query)) return count->positions();
  return std::nullopt;
}

namespace {

// Which counter of processhost_instance_counts holds a correlation list, and its filter.
struct KeptCorrelations {
  std::string name;
  const char* counter;
  std::optional<std::string> model;
};

std::optional<KeptCorrelations> kept_correlations(const CorrelationQuery& query) {
  // Kept: every correlation, the active ones (a running instance), a model's (schema
  // migration 10). A correlation or an owner narrows to few instances: counted from its index.
  if (query.correlation_id || query.owner_user_id) return std::nullopt;
  if (query.process_model_id) {
    if (query.state) return std::nullopt;
    return KeptCorrelations{"kept_correlations_m", "n_model_correlations", query.process_model_id};
  }
  if (!query.state) return KeptCorrelations{"kept_correlations_", "n_correlations", std::nullopt};
  if (*query.state != ProcessInstanceState::running) return std::nullopt;
  return KeptCorrelations{"kept_correlations_Srunning", "n_active_correlations", std::nullopt};
}

BuiltQuery kept_correlation_query(const KeptCorrelations& kept, const std::string& name, const std::string& head,
                                  const std::string& tail) {
  BuiltQuery built{name, head + " FROM processhost_instance_counts", {}};
  if (kept.model) {
    built.sql += " WHERE process_model_id = $1";
    built.params.push_back(*kept.model);
  }
  built.sql += tail;
  return built;
}

}  // namespace

std::optional<BuiltQuery> build_kept_correlation_count(const CorrelationQuery& query) {
  const auto kept = kept_correlations(query);
  if (!kept) return std::nullopt;
  return kept_correlation_query(*kept, kept->name, std::string("SELECT coalesce(sum(") + kept->counter + "), 0)", "");
}

std::optional<BuiltQuery> build_kept_correlation_positions(const CorrelationQuery& query) {
  // A correlation counts in the second of its first matching instance (schema migration 11).
  const auto kept = kept_correlations(query);
  if (!kept) return std::nullopt;
  return kept_correlation_query(*kept, kept->name + "_positions",
                                std::string("SELECT bucket_from, bucket_to, sum(") + kept->counter + ")",
                                " GROUP BY bucket_from, bucket_to ORDER BY bucket_from, bucket_to");
}

namespace {

// One table of kept counts, for the fold's statements: its key columns (without the second
// and the shard) and its counters.
struct CountTable {
  const char* name;
  std::vector<std::string> key;
  std::vector<std::string> counters;  // n first
};

std::string joined(const std::vector<std::string>& parts, const std::string& prefix = {},
                   const std::string& suffix = {}) {
  std::string text;
  for (const auto& part : parts) text += (text.empty() ? "" : ", ") + prefix + part + suffix;
  return text;
}

std::string sums(const std::vector<std::string>& counters) {
  std::string text;
  for (const auto& counter : counters) text += (text.empty() ? "sum(" : ", sum(") + counter + ") AS " + counter;
  return text;
}

// ON CONFLICT ... DO UPDATE: every counter added, the range widened.
std::string merge_clause(const CountTable& table) {
  std::string text = " ON CONFLICT (" + joined(table.key) + ", bucket_from, shard) DO UPDATE SET bucket_to = "
                     "greatest(c.bucket_to, EXCLUDED.bucket_to)";
  for (const auto& counter : table.counters) text += ", " + counter + " = c." + counter + " + EXCLUDED." + counter;
  return text;
}

// About how many entries a folded range counts: a page found in it skips at most this many
// index entries from the range's start (a few hundred microseconds).
constexpr int kFoldedRangeEntries = 1000;

constexpr const char* kCutoff = "(extract(epoch FROM now())::bigint - 60)";

// The rows of the last minute of backends that are gone move into shard 0 as they are (no
// commit writes them any more, so the DELETE takes no lock a commit waits for).
std::string fold_gone(const CountTable& table) {
  const std::string key = joined(table.key);
  return "WITH gone AS (DELETE FROM " + std::string(table.name) + " c WHERE shard <> 0 AND bucket_to >= " + kCutoff +
         " AND NOT EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.pid = c.shard) RETURNING " + key +
         ", bucket_from, bucket_to, " + joined(table.counters) + ") INSERT INTO " + table.name + " AS c (" + key +
         ", bucket_from, bucket_to, shard, " + joined(table.counters) + ") SELECT " + key +
         ", bucket_from, max(bucket_to), 0, " + sums(table.counters) + " FROM gone GROUP BY " + key + ", bucket_from" +
         merge_clause(table);
}

// Rows older than a minute, of every shard, become ranges of shard 0 with about a thousand
// entries each. Overlapping ranges (a second counted in a range and again in a row of its own:
// a change to an entry of an old second) first join into islands: an island counts exactly
// the entries created within it, so islands are summed in order and cut into groups, and an
// island that counts nothing goes. The list pages read islands the same way
// (list_positions.hpp).
std::string fold_old(const CountTable& table) {
  const std::string key = joined(table.key);
  const std::string window = " OVER (PARTITION BY " + key + " ORDER BY bucket_from, bucket_to";
  std::string having;
  for (const auto& counter : table.counters) having += (having.empty() ? " HAVING sum(" : " OR sum(") + counter + ") <> 0";
  return "WITH old AS (DELETE FROM " + std::string(table.name) + " WHERE bucket_to < " + kCutoff + " RETURNING " +
         key + ", bucket_from, bucket_to, " + joined(table.counters) +
         "), reached AS (SELECT *, max(bucket_to)" + window +
         " ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS reach FROM old),"
         " islands AS (SELECT *, count(*) FILTER (WHERE reach IS NULL OR bucket_from > reach)" + window +
         " ROWS UNBOUNDED PRECEDING) AS island FROM reached),"
         " island_sums AS (SELECT " + key + ", min(bucket_from) AS bucket_from, max(bucket_to) AS bucket_to, " +
         sums(table.counters) + " FROM islands GROUP BY " + key + ", island),"
         " grouped AS (SELECT *, div(sum(n)" + window + " ROWS UNBOUNDED PRECEDING) - n, " +
         std::to_string(kFoldedRangeEntries) + ") AS grp FROM island_sums)"
         " INSERT INTO " + table.name + " AS c (" + key + ", bucket_from, bucket_to, shard, " + joined(table.counters) +
         ") SELECT " + key + ", min(bucket_from), max(bucket_to), 0, " + sums(table.counters) + " FROM grouped GROUP BY " +
         key + ", grp" + having + merge_clause(table);
}

}  // namespace

void fold_kept_counts(pqxx::connection& connection) {
  static const CountTable kTables[] = {
      {"processhost_instance_counts",
       {"process_model_id", "state"},
       {"n", "n_correlations", "n_model_correlations", "n_active_correlations"}},
      {"processhost_waiting_counts", {"process_model_id", "flow_node_type", "flow_node_lane", "event_type"}, {"n"}},
      {"processhost_owner_instance_counts", {"owner_user_id", "process_model_id", "state"}, {"n"}},
      {"processhost_owner_waiting_counts",
       {"owner_user_id", "process_model_id", "flow_node_type", "flow_node_lane", "event_type"},
       {"n"}},
  };
  // One host folds at a time (a fold that saw only part of an island could not tell an
  // island that counts nothing); another host's fold is simply skipped. Each table is folded
  // in a transaction of its own, so a fold never holds rows of one table while it waits for
  // another's, as a commit that changes old seconds of two tables may (fewer deadlocks; one
  // that still happens is a conflict the engine runs again, store_errors.cpp).
  {
    pqxx::nontransaction lock(connection);
    if (!lock.exec("SELECT pg_try_advisory_lock(16011)").at(0)[0].as<bool>()) return;
  }
  const auto unlock = [&connection] {
    pqxx::nontransaction tx(connection);
    tx.exec("SELECT pg_advisory_unlock(16011)");
  };
  try {
    for (const auto& table : kTables) {
      pqxx::work tx(connection);
      tx.exec(fold_gone(table));
      tx.exec(fold_old(table));
      tx.commit();
    }
  } catch (...) {
    try {
      unlock();
    } catch (...) {
      // The lock ends with the session anyway.
    }
    throw;
  }
  unlock();
}

}  // namespace processhost::plugins::pg_store
