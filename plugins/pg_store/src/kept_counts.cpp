#include "kept_counts.hpp"

#include <string>
#include <utility>
#include <vector>

namespace processhost::plugins::pg_store {
namespace {

// A total from the kept rows: one row per key and live backend, summed.
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

std::optional<BuiltQuery> build_kept_flow_node_count(const FlowNodeQuery& query) {
  // Only waiting (suspended) flow nodes are kept, per model, kind, lane and event type.
  if (query.state != FlowNodeState::suspended || query.process_instance_id || query.correlation_id ||
      query.owner_user_id || query.event_name) {
    return std::nullopt;
  }
  KeptCount count("kept_waiting_", "processhost_waiting_counts");
  if (query.process_model_id) count.equals("process_model_id", *query.process_model_id, 'm');
  if (query.event_type) count.equals("event_type", *query.event_type, 'e');
  if (query.events_only) count.condition("event_type <> ''", 'E');
  if (!query.flow_node_types.empty()) count.any_of("flow_node_type", query.flow_node_types, 't');
  if (query.lanes) count.lanes(*query.lanes);
  return count.query();
}

std::optional<BuiltQuery> build_kept_instance_count(const InstanceQuery& query) {
  if (query.correlation_id || query.owner_user_id) return std::nullopt;
  KeptCount count("kept_instances_", "processhost_instance_counts");
  if (query.process_model_id) count.equals("process_model_id", *query.process_model_id, 'm');
  if (query.state) count.equals("state", std::string(name_of(*query.state)), 's');
  return count.query();
}

std::optional<BuiltQuery> build_kept_correlation_count(const CorrelationQuery& query) {
  // Kept: every correlation, the active ones (a running instance), a model's (schema
  // migration 10). A correlation or an owner narrows to few instances: counted from its index.
  if (query.correlation_id || query.owner_user_id) return std::nullopt;
  if (query.process_model_id) {
    if (query.state) return std::nullopt;
    return BuiltQuery{"kept_correlations_m",
                      "SELECT coalesce(sum(n_model_correlations), 0) FROM processhost_instance_counts"
                      " WHERE process_model_id = $1",
                      {*query.process_model_id}};
  }
  if (!query.state) {
    return BuiltQuery{"kept_correlations_", "SELECT coalesce(sum(n_correlations), 0) FROM processhost_instance_counts",
                      {}};
  }
  if (*query.state != ProcessInstanceState::running) return std::nullopt;
  return BuiltQuery{"kept_correlations_Srunning",
                    "SELECT coalesce(sum(n_active_correlations), 0) FROM processhost_instance_counts", {}};
}

void fold_kept_counts(pqxx::connection& connection) {
  // A backend's rows are folded once it is gone: no commit writes them any more, so the
  // DELETE takes no lock a commit waits for. Each table in one statement of its own.
  pqxx::nontransaction tx(connection);
  tx.exec(
      "WITH gone AS (DELETE FROM processhost_instance_counts c WHERE shard <> 0"
      "  AND NOT EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.pid = c.shard)"
      "  RETURNING process_model_id, state, n, n_correlations, n_model_correlations, n_active_correlations)"
      " INSERT INTO processhost_instance_counts AS c"
      " SELECT process_model_id, state, 0, sum(n), sum(n_correlations), sum(n_model_correlations),"
      "  sum(n_active_correlations) FROM gone GROUP BY 1, 2"
      " ON CONFLICT (process_model_id, state, shard) DO UPDATE SET n = c.n + EXCLUDED.n,"
      " n_correlations = c.n_correlations + EXCLUDED.n_correlations,"
      " n_model_correlations = c.n_model_correlations + EXCLUDED.n_model_correlations,"
      " n_active_correlations = c.n_active_correlations + EXCLUDED.n_active_correlations");
  tx.exec(
      "WITH gone AS (DELETE FROM processhost_waiting_counts c WHERE shard <> 0"
      "  AND NOT EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.pid = c.shard)"
      "  RETURNING process_model_id, flow_node_type, flow_node_lane, event_type, n)"
      " INSERT INTO processhost_waiting_counts AS c"
      " SELECT process_model_id, flow_node_type, flow_node_lane, event_type, 0, sum(n) FROM gone GROUP BY 1, 2, 3, 4"
      " ON CONFLICT (process_model_id, flow_node_type, flow_node_lane, event_type, shard)"
      " DO UPDATE SET n = c.n + EXCLUDED.n");
  // Keys nothing waits at any more (a model's tasks all done) leave no rows behind.
  tx.exec("DELETE FROM processhost_waiting_counts WHERE shard = 0 AND n = 0");
  tx.exec(
      "DELETE FROM processhost_instance_counts WHERE shard = 0 AND n = 0 AND n_correlations = 0"
      " AND n_model_correlations = 0 AND n_active_correlations = 0");
}

}  // namespace processhost::plugins::pg_store
