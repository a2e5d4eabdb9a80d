#pragma once
// Helpers for Store tests: wait for a callback, build records, compare JSON by value.

#include <future>
#include <string>
#include <utility>

#include <rapidjson/document.h>

#include "processhost/services/store.hpp"

namespace processhost::test {

// Calls call(callback) and waits for the callback's result.
template <class T, class Call>
Result<T> await_result(Call&& call) {
  std::promise<Result<T>> promise;
  auto future = promise.get_future();
  call([&promise](Result<T> result) { promise.set_value(std::move(result)); });
  return future.get();
}

inline bool json_equal(const std::string& a, const std::string& b) {
  rapidjson::Document left;
  rapidjson::Document right;
  left.Parse(a.c_str());
  right.Parse(b.c_str());
  return !left.HasParseError() && !right.HasParseError() && left == right;
}

inline ProcessInstanceRecord make_instance(std::string id, std::string model = "model_a",
                                           std::string correlation = "corr_1", std::string owner = "alice",
                                           std::int64_t created_at_ms = 1000) {
  ProcessInstanceRecord instance;
  instance.id = std::move(id);
  instance.process_model_id = std::move(model);
  instance.process_model_hash = "hash_1";
  instance.correlation_id = std::move(correlation);
  instance.owner_user_id = std::move(owner);
  instance.owner_identity = R"({"userId":")" + instance.owner_user_id + R"(","claims":["lane_a"]})";
  instance.state = ProcessInstanceState::running;
  instance.created_at_ms = created_at_ms;
  instance.runtime_state = R"({"tokens":[{"at":"task_1","payload":{"x":1}}]})";
  return instance;
}

inline FlowNodeInstanceRecord make_node(const ProcessInstanceRecord& instance, std::string id,
                                        std::string flow_node_id, std::int64_t created_at_ms,
                                        std::string type = "bpmn:UserTask", FlowNodeState state = FlowNodeState::suspended,
                                        std::string lane = "") {
  FlowNodeInstanceRecord node;
  node.id = std::move(id);
  node.process_instance_id = instance.id;
  node.process_model_id = instance.process_model_id;
  node.correlation_id = instance.correlation_id;
  node.owner_user_id = instance.owner_user_id;
  node.flow_node_id = std::move(flow_node_id);
  node.flow_node_name = "Name of " + node.flow_node_id;
  node.flow_node_type = std::move(type);
  node.flow_node_lane = std::move(lane);
  node.state = state;
  node.token_on_enter = R"({"current":{"n":)" + std::to_string(created_at_ms) + R"(},"history":{}})";
  node.created_at_ms = created_at_ms;
  return node;
}

inline ChangeSet creation(ProcessInstanceRecord instance, std::vector<FlowNodeInstanceRecord> nodes = {}) {
  ChangeSet changes;
  changes.instance = std::move(instance);
  changes.instance.version = 1;
  changes.expected_version = 0;
  changes.flow_node_instances = std::move(nodes);
  return changes;
}

inline ChangeSet transition(ProcessInstanceRecord instance, std::int64_t expected_version,
                            std::vector<FlowNodeInstanceRecord> nodes = {}) {
  ChangeSet changes;
  changes.instance = std::move(instance);
  changes.instance.version = expected_version + 1;
  changes.expected_version = expected_version;
  changes.flow_node_instances = std::move(nodes);
  return changes;
}

inline ExternalTaskRecord make_external_task(const ProcessInstanceRecord& instance, std::string id,
                                             std::string topic, std::int64_t created_at_ms) {
  ExternalTaskRecord record;
  record.task.id = std::move(id);
  record.task.topic = std::move(topic);
  record.task.flow_node_instance_id = "fni_" + record.task.id;
  record.task.correlation_id = instance.correlation_id;
  record.task.process_model_id = instance.process_model_id;
  record.task.process_instance_id = instance.id;
  record.task.payload = R"({"amount":42})";
  record.task.state = ExternalTaskState::pending;
  record.task.created_at_ms = created_at_ms;
  record.owner_identity = instance.owner_identity;
  record.version = 1;
  return record;
}

}  // namespace processhost::test
