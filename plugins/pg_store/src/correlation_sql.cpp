#include "correlation_sql.hpp"

#include <cstdint>
#include <limits>
#include <string>

namespace processhost::plugins::pg_store {
namespace {

// The instance columns without runtime_state, the engine's resumable state: a list never
// needs it, and it is the largest column of a running instance.
constexpr const char* kListedInstanceColumns =
    "id, process_model_id, process_model_hash, correlation_id, parent_process_instance_id, owner_user_id, "
    "owner_identity::text, state, error::text, version, created_at_ms, finished_at_ms, 'null'";

// The filters as "column = $n" conditions (the state inlined, as the other list queries do,
// so the partial index on running instances applies); the name tells the shape apart.
struct Filters {
  std::string name = "correlations_";
  std::string conditions;  // "a AND b", or empty
  std::vector<std::string> params;

  void add(const char* column, const std::string& value, char tag) {
    params.push_back(value);
    append(std::string(column) + " = $" + std::to_string(params.size()), tag);
  }
  void append(const std::string& condition, char tag) {
    if (!conditions.empty()) conditions += " AND ";
    conditions += condition;
    name += tag;
  }
  std::string where() const { return conditions.empty() ? std::string() : " WHERE " + conditions; }
};

Filters filters_of(const CorrelationQuery& query) {
  Filters filters;
  if (query.state) {
    filters.append("state = '" + std::string(name_of(*query.state)) + "'", 'S');
    filters.name += name_of(*query.state);
  }
  if (query.correlation_id) filters.add("correlation_id", *query.correlation_id, 'c');
  if (query.process_model_id) filters.add("process_model_id", *query.process_model_id, 'm');
  if (query.owner_user_id) filters.add("owner_user_id", *query.owner_user_id, 'o');
  return filters;
}

}  // namespace

BuiltQuery build_correlation_query(const CorrelationQuery& query) {
  Filters filters = filters_of(query);
  const std::uint64_t limit = query.page.limit == 0
                                  ? static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())
                                  : query.page.limit;
  filters.params.push_back(std::to_string(limit));
  const std::string limit_param = "$" + std::to_string(filters.params.size());
  filters.params.push_back(std::to_string(query.page.offset));
  const std::string offset_param = "$" + std::to_string(filters.params.size());
  const std::string table = " FROM processhost_process_instances";
  BuiltQuery built;
  built.name = filters.name + "_page";
  built.sql = "WITH page AS (SELECT correlation_id" + table + filters.where() +
              " GROUP BY correlation_id ORDER BY min(created_at_ms), correlation_id LIMIT " + limit_param +
              "::bigint OFFSET " + offset_param + "::bigint) SELECT " + kListedInstanceColumns + table +
              (filters.conditions.empty() ? " WHERE " : filters.where() + " AND ") +
              "correlation_id IN (SELECT correlation_id FROM page) ORDER BY created_at_ms, id";
  built.params = std::move(filters.params);
  return built;
}

BuiltQuery build_correlation_count(const CorrelationQuery& query) {
  Filters filters = filters_of(query);
  return {filters.name + "_count",
          "SELECT count(DISTINCT correlation_id) FROM processhost_process_instances" + filters.where(),
          std::move(filters.params)};
}

}  // namespace processhost::plugins::pg_store
