#pragma once
// Engine values -> the JSON of the Consumer API (reference 3.2, contracts 10.0.0) and of the
// Management API (contracts 13), which shares these types. Optional
// fields are omitted when absent; JsonText values are embedded as they are. The
// totalCount rules of reference 2.5 live here, one function per list type.

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "processhost/services/engine.hpp"

namespace processhost::plugins::http_api {

// Which list wrapper a task query answers with.
enum class TaskListKind { user_tasks, manual_tasks, empty_activities, mixed };

std::string application_info_json(std::string_view name, std::string_view version);
// The model's BPMN document, for the Management API's ProcessModel.xml. Without a lookup
// (the Consumer API) the field is not written.
using ModelXmlLookup = std::function<std::string(const ProcessModelInfo&)>;
std::string process_model_json(const ProcessModelInfo& model, const ModelXmlLookup& xml = {});
// totalCount: matching models before paging.
std::string process_model_list_json(const PagedList<ProcessModelInfo>& list, const ModelXmlLookup& xml = {});
std::string start_result_json(const StartResult& result);
// totalCount: matching instances before paging. owner.token is always "": the API never
// echoes a token, not even the caller's own.
std::string process_instance_list_json(const PagedList<ProcessInstanceInfo>& list);
// totalCount: number of results (the list is not paged).
std::string correlation_result_list_json(const std::vector<CorrelationResult>& results);
// totalCount: number of events returned.
std::string event_list_json(const PagedList<WaitingEvent>& list);
// totalCount: returned items for user/manual/empty lists, before paging for mixed lists.
// Mixed lists order empty activities, manual tasks, user tasks.
std::string task_list_json(TaskListKind kind, const PagedList<WaitingTask>& list);
std::string external_task_array_json(const std::vector<ExternalTask>& tasks);

// The form field types of the API; others are omitted from the JSON.
bool is_api_form_field_type(std::string_view type);
// Unix epoch milliseconds as ISO-8601 UTC with milliseconds ("2020-03-09T10:00:00.000Z"),
// the way JavaScript clients serialise a Date.
std::string iso8601_utc(std::int64_t epoch_ms);

}  // namespace processhost::plugins::http_api
