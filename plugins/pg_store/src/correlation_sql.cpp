#include "correlation_sql.hpp"

#include <algorithm>
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

// The filters as "alias.column = $n" conditions (the state inlined, as the other list queries
// do, so the index on state applies); the name tells the shape apart. Written once per alias
// of the instance table the statement reads, with the same parameters.
struct Filters {
  std::string name = "correlations_";
  std::vector<std::pair<std::string, std::string>> conditions;  // column, "= $n" or "= 'literal'"
  std::vector<std::string> params;

  void add(const char* column, const std::string& value, char tag) {
    params.push_back(value);
    conditions.emplace_back(column, "= $" + std::to_string(params.size()));
    name += tag;
  }
  void literal(const char* column, std::string_view value, char tag) {
    conditions.emplace_back(column, "= '" + std::string(value) + "'");
    name += tag;
    name += value;
  }
  // "a.x = $1 AND a.y = 'z'" for alias a, or "" without filters.
  std::string on(const std::string& alias) const {
    std::string text;
    for (const auto& [column, test] : conditions) {
      if (!text.empty()) text += " AND ";
      text += alias + "." + column + " " + test;
    }
    return text;
  }
  std::string where(const std::string& alias, const std::string& more = {}) const {
    std::string text = on(alias);
    if (!more.empty()) text += (text.empty() ? "" : " AND ") + more;
    return text.empty() ? std::string() : " WHERE " + text;
  }
};

Filters filters_of(const CorrelationQuery& query) {
  Filters filters;
  if (query.state) filters.literal("state", name_of(*query.state), 'S');
  if (query.correlation_id) filters.add("correlation_id", *query.correlation_id, 'c');
  if (query.process_model_id) filters.add("process_model_id", *query.process_model_id, 'm');
  if (query.owner_user_id) filters.add("owner_user_id", *query.owner_user_id, 'o');
  return filters;
}

constexpr const char* kTable = "processhost_process_instances";

}  // namespace

BuiltQuery build_correlation_query(const CorrelationQuery& query, const PageCut& cut) {
  Filters filters = filters_of(query);
  const std::uint64_t no_limit = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  const std::string limit_text = cut.limit == 0 ? "ALL" : std::to_string(std::min(cut.limit, no_limit));
  // A correlation's place is its first matching instance's: walking the filtered instances in
  // index order, an instance opens its correlation when the first matching instance of that
  // correlation (one probe of processhost_instances_by_correlation, ordered, LIMIT 1) is
  // itself. A scalar subquery, so that the planner keeps the ordered walk that LIMIT stops
  // early instead of joining every instance.
  std::string opens = "i.id = (SELECT o.id FROM " + std::string(kTable) + " o WHERE o.correlation_id = i.correlation_id";
  if (const auto own = filters.on("o"); !own.empty()) opens += " AND " + own;
  opens += " ORDER BY o.created_at_ms, o.id LIMIT 1)";
  std::string name = filters.name;
  if (cut.after) {
    filters.params.push_back(std::to_string(cut.after->created_at_ms));
    const std::string at = "$" + std::to_string(filters.params.size());
    filters.params.push_back(cut.after->id);
    const std::string id = "$" + std::to_string(filters.params.size());
    opens = "(i.created_at_ms, i.id) > (" + at + "::bigint, " + id + ") AND " + opens;
    name += "_after";
  } else if (cut.backwards) {
    name += "_back";
  } else if (cut.offset == 0) {
    name += "_first";
  } else {
    name += "_page";
  }
  name += limit_text;
  const char* order = cut.backwards ? " ORDER BY i.created_at_ms DESC, i.id DESC" : " ORDER BY i.created_at_ms, i.id";
  BuiltQuery built;
  built.name = name;
  built.sql = "WITH page AS (SELECT i.correlation_id FROM " + std::string(kTable) + " i" + filters.where("i", opens) +
              order + " LIMIT " + limit_text;
  if (cut.offset != 0) built.sql += " OFFSET " + std::to_string(std::min(cut.offset, no_limit));
  built.sql += ") SELECT " + std::string(kListedInstanceColumns) + " FROM " + kTable + " r" +
               filters.where("r", "r.correlation_id IN (SELECT correlation_id FROM page)") +
               " ORDER BY r.created_at_ms, r.id";
  built.params = std::move(filters.params);
  return built;
}

std::string correlation_list_identity(const CorrelationQuery& query) {
  const Filters filters = filters_of(query);
  std::string text = filters.name;
  for (const auto& param : filters.params) {
    text += '\0';
    text += param;
  }
  return text;
}

BuiltQuery build_correlation_count(const CorrelationQuery& query) {
  Filters filters = filters_of(query);
  return {filters.name + "_count",
          "SELECT count(DISTINCT i.correlation_id) FROM " + std::string(kTable) + " i" + filters.where("i"),
          std::move(filters.params)};
}

}  // namespace processhost::plugins::pg_store
