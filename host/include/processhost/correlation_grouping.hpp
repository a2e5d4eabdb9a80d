#pragma once
// Groups instance records into correlations in the order CorrelationQuery defines (first
// instance's created_at_ms, then that instance's id). Shared by the stores, so that the memory
// store and a database store list the same correlations in the same order.

#include <algorithm>
#include <string>
#include <tuple>
#include <unordered_map>
#include <utility>
#include <vector>

#include "processhost/services/store.hpp"

namespace processhost {

// instances: ordered by created_at_ms, then id. Each correlation keeps that order.
inline std::vector<CorrelationRecord> group_into_correlations(std::vector<ProcessInstanceRecord> instances) {
  std::vector<CorrelationRecord> correlations;
  std::unordered_map<std::string, std::size_t> position;
  for (auto& instance : instances) {
    auto [found, added] = position.try_emplace(instance.correlation_id, correlations.size());
    if (added) {
      CorrelationRecord correlation;
      correlation.correlation_id = instance.correlation_id;
      correlation.created_at_ms = instance.created_at_ms;
      correlations.push_back(std::move(correlation));
    }
    instance.runtime_state = "null";
    correlations[found->second].instances.push_back(std::move(instance));
  }
  // Appearance order, (created_at_ms, instance id) of each correlation's first instance, is
  // the query's order: a database store walks its index in it (pg_store, correlation_sql.cpp).
  return correlations;
}

}  // namespace processhost
