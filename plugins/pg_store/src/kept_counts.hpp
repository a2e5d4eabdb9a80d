#pragma once
// The counts the commits keep (schema migrations 9, "kept counts", and 10, "correlation counts"): which list totals they
// answer, and folding the rows of backends that are gone.
//
// A list's total comes from processhost_waiting_counts or processhost_instance_counts when
// its filters are all kept there (model, state, task kind, lane, event type); a list narrowed
// to a correlation, an instance, an owner or an event name is small or has its own index and
// is counted from that index as before. docs/persistence.md, "Lists".

#include <optional>

#include <pqxx/pqxx>

#include "processhost/services/store.hpp"
#include "store_sql.hpp"

namespace processhost::plugins::pg_store {

// SELECT of the kept total for the query's filters; nullopt when a filter is not kept.
std::optional<BuiltQuery> build_kept_flow_node_count(const FlowNodeQuery& query);
std::optional<BuiltQuery> build_kept_instance_count(const InstanceQuery& query);
// Correlations (schema migration 10): every one, the active ones, a model's.
std::optional<BuiltQuery> build_kept_correlation_count(const CorrelationQuery& query);

// Positions of the kept counts (schema migration 11): the rows of the query's filters per
// range of seconds, "SELECT bucket_from, bucket_to, sum(n) ... ORDER BY bucket_from", which
// list_positions.hpp turns into where a page starts. nullopt as for the totals.
std::optional<BuiltQuery> build_kept_flow_node_positions(const FlowNodeQuery& query);
std::optional<BuiltQuery> build_kept_instance_positions(const InstanceQuery& query);
std::optional<BuiltQuery> build_kept_correlation_positions(const CorrelationQuery& query);

// Moves the count rows of backends no longer connected into shard 0, and folds rows older
// than a minute into ranges of shard 0 of about a thousand entries each, so the rows of a
// database stay about as many as its counted entries / 1,000 plus its keys times its live
// connections and the last minute's seconds. Safe beside running commits; when another host
// is folding at the same time, this call does nothing.
void fold_kept_counts(pqxx::connection& connection);

}  // namespace processhost::plugins::pg_store
