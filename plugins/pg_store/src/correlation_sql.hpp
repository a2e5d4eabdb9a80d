#pragma once
// The SQL of the correlation list: one page of correlations cut from the instance indexes
// (each correlation at its first matching instance), then the matching instances of exactly
// those correlations (one statement).

#include "store_sql.hpp"

namespace processhost::plugins::pg_store {

// Rows in the column order of decode_instance, runtime_state as 'null', ordered by
// created_at_ms, then id: group_into_correlations groups them in that order, which is the
// correlations' order (their first matching instance's created_at_ms, then its id).
// cut counts correlations; cut.after is the first matching instance of the correlation
// before the page.
BuiltQuery build_correlation_query(const CorrelationQuery& query, const PageCut& cut);
// SELECT count(DISTINCT correlation_id) with the same filters (when the kept counts do not
// hold them, kept_counts.hpp).
BuiltQuery build_correlation_count(const CorrelationQuery& query);
// The list's identity for its bookmarks (list_bookmarks.hpp).
std::string correlation_list_identity(const CorrelationQuery& query);

}  // namespace processhost::plugins::pg_store
