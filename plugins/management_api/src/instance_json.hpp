#pragma once
// The Management API's views of stored instances (contracts 13): ProcessInstance(List),
// FlowNodeInstance(List) and the token history (TokenHistoryEntryList, TokenHistoryGroup).
// An identity is written as {"userId"}: the owner's token is never kept, so never shown.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "processhost/paging.hpp"
#include "processhost/services/engine.hpp"
#include "processhost/services/store.hpp"

namespace processhost::plugins::management_api {

// The BPMN document of the version (model id, hash) an instance runs; empty when unknown.
using VersionXmlLookup = std::function<std::string(const std::string& model_id, const std::string& hash)>;

std::string process_instance_json(const ProcessInstanceRecord& instance, const VersionXmlLookup& xml);
std::string process_instance_list_json(const PagedList<ProcessInstanceRecord>& list, const VersionXmlLookup& xml);

// Orders flow node instances as they began: by start time, and within one millisecond (the
// store's resolution; a transition often creates several) after the instance they follow.
void order_as_begun(std::vector<FlowNodeInstanceRecord>& nodes);

std::string flow_node_instance_list_json(const PagedList<FlowNodeInstanceRecord>& list);

// One entry per token a flow node instance saw: onEnter when it started, onExit when it
// finished, in the order they happened.
struct TokenHistoryEntry {
  const FlowNodeInstanceRecord* node = nullptr;
  bool on_exit = false;
  std::size_t depth = 0;  // instances before it on its path, within the history
  std::int64_t at_ms() const { return on_exit ? node->finished_at_ms : node->created_at_ms; }
};
std::vector<TokenHistoryEntry> token_history(const std::vector<FlowNodeInstanceRecord>& nodes);

// EventList of a model's start events (those the caller may access), as the Management API
// lists them: {id, eventName, bpmnType, eventType, processModelId}.
std::string model_start_event_list_json(const ProcessModelInfo& model);

// ActiveTokenList: the waiting flow node instances with the token each holds (its entry token).
std::string active_token_list_json(const PagedList<FlowNodeInstanceRecord>& list);

// TokenHistoryEntryList of entries[offset, offset + limit) (limit 0: all), totalCount all.
std::string token_history_list_json(const std::vector<TokenHistoryEntry>& entries, PageRequest page);
// TokenHistoryGroup: {"<processInstanceId>": TokenHistoryEntryList, ...}.
std::string token_history_group_json(const std::vector<TokenHistoryEntry>& entries);

}  // namespace processhost::plugins::management_api
