#include "instance_json.hpp"

#include <algorithm>
#include <map>
#include <tuple>
#include <utility>

#include "plugin_common/http_api/json_mapping.hpp"
#include "plugin_common/http_api/json_writer.hpp"

namespace processhost::plugins::management_api {
namespace {

using namespace http_api::json_writer;  // NOLINT(google-build-using-namespace): the writer helpers
using http_api::iso8601_utc;

void identity(Writer& writer, std::string_view name, const std::string& user_id) {
  key(writer, name);
  writer.StartObject();
  field(writer, "userId", user_id);
  writer.EndObject();
}

void optional_text(Writer& writer, std::string_view name, const std::string& value) {
  if (!value.empty()) field(writer, name, value);
}

void write_instance(Writer& writer, const ProcessInstanceRecord& instance, const VersionXmlLookup& xml) {
  writer.StartObject();
  field(writer, "correlationId", instance.correlation_id);
  // A definition is deployed under its process id, so the two names are the same.
  field(writer, "processDefinitionName", instance.process_model_id);
  field(writer, "processModelId", instance.process_model_id);
  field(writer, "processInstanceId", instance.id);
  optional_text(writer, "parentProcessInstanceId", instance.parent_process_instance_id);
  field(writer, "hash", instance.process_model_hash);
  field(writer, "xml", xml ? xml(instance.process_model_id, instance.process_model_hash) : std::string());
  field(writer, "state", name_of(instance.state));
  raw(writer, "error", instance.error);
  identity(writer, "identity", instance.owner_user_id);
  field(writer, "createdAt", iso8601_utc(instance.created_at_ms));
  if (instance.finished_at_ms != 0) field(writer, "finishedAt", iso8601_utc(instance.finished_at_ms));
  writer.EndObject();
}

void write_token(Writer& writer, const FlowNodeInstanceRecord& node, bool on_exit) {
  writer.StartObject();
  field(writer, "processInstanceId", node.process_instance_id);
  field(writer, "processModelId", node.process_model_id);
  field(writer, "correlationId", node.correlation_id);
  field(writer, "flowNodeInstanceId", node.id);
  identity(writer, "identity", node.owner_user_id);
  field(writer, "createdAt", iso8601_utc(on_exit ? node.finished_at_ms : node.created_at_ms));
  field(writer, "caller", "");
  field(writer, "type", on_exit ? "onExit" : "onEnter");
  raw(writer, "payload", on_exit ? node.token_on_exit : node.token_on_enter);
  writer.EndObject();
}

bool has_exit(const FlowNodeInstanceRecord& node) { return node.finished_at_ms != 0 && node.token_on_exit != "null"; }

void write_flow_node_instance(Writer& writer, const FlowNodeInstanceRecord& node) {
  writer.StartObject();
  field(writer, "id", node.id);
  field(writer, "flowNodeId", node.flow_node_id);
  field(writer, "flowNodeType", node.flow_node_type);
  optional_text(writer, "eventType", node.event_type);
  field(writer, "correlationId", node.correlation_id);
  field(writer, "processModelId", node.process_model_id);
  field(writer, "processInstanceId", node.process_instance_id);
  key(writer, "tokens");
  writer.StartArray();
  write_token(writer, node, false);
  if (has_exit(node)) write_token(writer, node, true);
  writer.EndArray();
  field(writer, "state", name_of(node.state));
  if (node.error != "null" && !node.error.empty()) raw(writer, "error", node.error);
  identity(writer, "owner", node.owner_user_id);
  optional_text(writer, "previousFlowNodeInstanceId", node.previous_flow_node_instance_id);
  writer.EndObject();
}

void write_entry(Writer& writer, const TokenHistoryEntry& entry) {
  const auto& node = *entry.node;
  writer.StartObject();
  field(writer, "flowNodeId", node.flow_node_id);
  field(writer, "flowNodeInstanceId", node.id);
  field(writer, "previousFlowNodeInstanceId", node.previous_flow_node_instance_id);
  field(writer, "processInstanceId", node.process_instance_id);
  field(writer, "processModelId", node.process_model_id);
  field(writer, "correlationId", node.correlation_id);
  field(writer, "tokenEventType", entry.on_exit ? "onExit" : "onEnter");
  identity(writer, "identity", node.owner_user_id);
  field(writer, "createdAt", iso8601_utc(entry.at_ms()));
  field(writer, "caller", "");
  raw(writer, "payload", entry.on_exit ? node.token_on_exit : node.token_on_enter);
  writer.EndObject();
}

void write_entry_list(Writer& writer, const std::vector<const TokenHistoryEntry*>& entries, std::size_t total) {
  http_api::json_writer::list(writer, "tokenHistoryEntries", entries, total,
                    [](Writer& item_writer, const TokenHistoryEntry* entry) { write_entry(item_writer, *entry); });
}

// How many instances of nodes precede each on the previousFlowNodeInstanceId chain.
std::map<std::string, std::size_t> path_depths(const std::vector<FlowNodeInstanceRecord>& nodes) {
  std::map<std::string, const FlowNodeInstanceRecord*> by_id;
  for (const auto& node : nodes) by_id[node.id] = &node;
  std::map<std::string, std::size_t> depths;
  for (const auto& node : nodes) {
    std::size_t depth = 0;
    // Bounded by the set's size: a chain can never loop longer than that.
    for (auto previous = by_id.find(node.previous_flow_node_instance_id);
         previous != by_id.end() && depth < nodes.size();
         previous = by_id.find(previous->second->previous_flow_node_instance_id)) {
      ++depth;
    }
    depths[node.id] = depth;
  }
  return depths;
}

}  // namespace

void order_as_begun(std::vector<FlowNodeInstanceRecord>& nodes) {
  const auto depths = path_depths(nodes);
  std::stable_sort(nodes.begin(), nodes.end(), [&](const auto& a, const auto& b) {
    return std::pair(a.created_at_ms, depths.at(a.id)) < std::pair(b.created_at_ms, depths.at(b.id));
  });
}

std::string process_instance_json(const ProcessInstanceRecord& instance, const VersionXmlLookup& xml) {
  return render([&](Writer& writer) { write_instance(writer, instance, xml); });
}

std::string process_instance_list_json(const PagedList<ProcessInstanceRecord>& list, const VersionXmlLookup& xml) {
  return render([&](Writer& writer) {
    http_api::json_writer::list(writer, "processInstances", list.items, list.total_count,
                      [&](Writer& item_writer, const ProcessInstanceRecord& instance) {
                        write_instance(item_writer, instance, xml);
                      });
  });
}

std::string flow_node_instance_list_json(const PagedList<FlowNodeInstanceRecord>& list) {
  return render([&](Writer& writer) {
    http_api::json_writer::list(writer, "flowNodeInstances", list.items, list.total_count, write_flow_node_instance);
  });
}

std::string model_start_event_list_json(const ProcessModelInfo& model) {
  static const std::vector<FlowNodeInfo> kNone;
  const auto& events = model.executable ? model.start_events : kNone;
  return render([&](Writer& writer) {
    http_api::json_writer::list(writer, "events", events, events.size(), [&](Writer& item_writer, const FlowNodeInfo& event) {
      item_writer.StartObject();
      field(item_writer, "id", event.id);
      field(item_writer, "eventName", event.name);
      field(item_writer, "bpmnType", event.bpmn_type);
      field(item_writer, "eventType", "startEvent");
      field(item_writer, "processModelId", model.id);
      item_writer.EndObject();
    });
  });
}

std::string active_token_list_json(const PagedList<FlowNodeInstanceRecord>& list) {
  return render([&](Writer& writer) {
    http_api::json_writer::list(writer, "activeTokens", list.items, list.total_count,
                      [](Writer& item_writer, const FlowNodeInstanceRecord& node) {
                        item_writer.StartObject();
                        field(item_writer, "processInstanceId", node.process_instance_id);
                        field(item_writer, "processModelId", node.process_model_id);
                        field(item_writer, "correlationId", node.correlation_id);
                        field(item_writer, "flowNodeId", node.flow_node_id);
                        field(item_writer, "flowNodeInstanceId", node.id);
                        identity(item_writer, "identity", node.owner_user_id);
                        field(item_writer, "createdAt", iso8601_utc(node.created_at_ms));
                        raw(item_writer, "payload", node.token_on_enter);
                        item_writer.EndObject();
                      });
  });
}

std::vector<TokenHistoryEntry> token_history(const std::vector<FlowNodeInstanceRecord>& nodes) {
  const auto depths = path_depths(nodes);
  std::vector<TokenHistoryEntry> entries;
  entries.reserve(nodes.size() * 2);
  for (const auto& node : nodes) {
    entries.push_back({&node, false, depths.at(node.id)});
    if (has_exit(node)) entries.push_back({&node, true, depths.at(node.id)});
  }
  // A node's exit and the next node's entry often share a millisecond: the path depth, then
  // entry before exit, put them in the order they happened.
  std::stable_sort(entries.begin(), entries.end(), [](const TokenHistoryEntry& a, const TokenHistoryEntry& b) {
    return std::tuple(a.at_ms(), a.depth, a.on_exit) < std::tuple(b.at_ms(), b.depth, b.on_exit);
  });
  return entries;
}

std::string token_history_list_json(const std::vector<TokenHistoryEntry>& entries, PageRequest page) {
  const std::size_t first = std::min(page.offset, entries.size());
  const std::size_t count = page.limit == 0 ? entries.size() - first : std::min(page.limit, entries.size() - first);
  std::vector<const TokenHistoryEntry*> selected;
  for (std::size_t i = first; i < first + count; ++i) selected.push_back(&entries[i]);
  return render([&](Writer& writer) { write_entry_list(writer, selected, entries.size()); });
}

std::string token_history_group_json(const std::vector<TokenHistoryEntry>& entries) {
  std::map<std::string, std::vector<const TokenHistoryEntry*>> by_instance;
  for (const auto& entry : entries) by_instance[entry.node->process_instance_id].push_back(&entry);
  return render([&](Writer& writer) {
    writer.StartObject();
    for (const auto& [instance_id, group] : by_instance) {
      key(writer, instance_id);
      write_entry_list(writer, group, group.size());
    }
    writer.EndObject();
  });
}

}  // namespace processhost::plugins::management_api
