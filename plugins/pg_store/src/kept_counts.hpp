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

// Moves the count rows of backends no longer connected into shard 0, so the rows of a
// database stay as many as its keys times its live connections. Safe beside running commits
// and another host folding at the same time.
void fold_kept_counts(pqxx::connection& connection);

}  // namespace processhost::plugins::pg_store
