#pragma once
// The SQL of the correlation list: one page of correlation ids grouped from the instance
// table, then the matching instances of exactly those correlations (one statement).

#include "store_sql.hpp"

namespace processhost::plugins::pg_store {

// Rows in the column order of decode_instance, runtime_state as 'null', ordered by
// created_at_ms, then id; group_into_correlations orders the page's correlations again.
BuiltQuery build_correlation_query(const CorrelationQuery& query);
// SELECT count(DISTINCT correlation_id) with the same filters.
BuiltQuery build_correlation_count(const CorrelationQuery& query);

}  // namespace processhost::plugins::pg_store
