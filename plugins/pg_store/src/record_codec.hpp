#pragma once
// Between Store records and the statements of store_sql.hpp: statement parameters from
// records, records from result rows (in the column order of those statements).
//
// JSON columns are jsonb: values come back semantically equal, but normalised (object keys
// sorted, whitespace after ':' and ','). Errors: pqxx conversion exceptions pass through.

#include <cstdint>
#include <string>
#include <vector>

#include <pqxx/pqxx>

#include "processhost/services/store.hpp"

namespace processhost::plugins::pg_store {

// The 18 parameters of a change set for build_commit (store_sql.hpp). A flow node listed twice keeps
// its last state; a timer both armed and cancelled in one change set ends cancelled.
std::vector<std::string> change_set_params(const ChangeSet& changes);

// The 16 parameters of sql::kUpdateExternalTask.
std::vector<std::string> external_task_update_params(const ExternalTaskRecord& record, std::int64_t expected_version);

ProcessDefinitionRecord decode_definition(const pqxx::row& row);
ProcessInstanceRecord decode_instance(const pqxx::row& row);
FlowNodeInstanceRecord decode_flow_node(const pqxx::row& row);
TimerRecord decode_timer(const pqxx::row& row);
CorrelationResultRecord decode_correlation_result(const pqxx::row& row);
ExternalTaskRecord decode_external_task(const pqxx::row& row);

}  // namespace processhost::plugins::pg_store
