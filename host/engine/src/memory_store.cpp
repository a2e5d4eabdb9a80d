#include "processhost/engine/memory_store.hpp"

#include "paging.hpp"

#include <algorithm>

namespace processhost::engine {
namespace {

bool matches(const FlowNodeQuery& query, const FlowNodeInstanceRecord& record) {
  if (!query.flow_node_types.empty() &&
      std::find(query.flow_node_types.begin(), query.flow_node_types.end(), record.flow_node_type) ==
          query.flow_node_types.end()) {
    return false;
  }
  if (query.state && record.state != *query.state) return false;
  if (query.process_model_id && record.process_model_id != *query.process_model_id) return false;
  if (query.process_instance_id && record.process_instance_id != *query.process_instance_id) return false;
  if (query.correlation_id && record.correlation_id != *query.correlation_id) return false;
  if (query.owner_user_id && record.owner_user_id != *query.owner_user_id) return false;
  if (query.event_type && record.event_type != *query.event_type) return false;
  if (query.event_name && record.event_name != *query.event_name) return false;
  if (query.events_only && record.event_type.empty()) return false;
  if (query.lanes && !record.flow_node_lane.empty() &&
      std::find(query.lanes->begin(), query.lanes->end(), record.flow_node_lane) == query.lanes->end()) {
    return false;
  }
  return true;
}

}  // namespace

void MemoryStore::save_definition(ProcessDefinitionRecord definition, Callback<Ok> done) {
  {
    std::lock_guard lock(mutex_);
    auto key = std::make_pair(definition.process_model_id, definition.hash);
    definitions_.try_emplace(std::move(key), std::move(definition));
  }
  done(Ok{});
}

void MemoryStore::load_definitions(Callback<std::vector<ProcessDefinitionRecord>> done) {
  std::vector<ProcessDefinitionRecord> all;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [key, definition] : definitions_) all.push_back(definition);
  }
  std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.deployed_at_ms < b.deployed_at_ms; });
  done(std::move(all));
}

void MemoryStore::commit(ChangeSet changes, Callback<Ok> done) {
  std::unique_lock lock(mutex_);
  auto& incoming = changes.instance;
  auto existing = instances_.find(incoming.id);
  const std::int64_t current = existing == instances_.end() ? 0 : existing->second.version;
  if (current != changes.expected_version) {
    lock.unlock();
    done(make_error(ErrorStatus::conflict, "process instance " + incoming.id + " is at version " +
                                               std::to_string(current) + ", expected " +
                                               std::to_string(changes.expected_version)));
    return;
  }
  const std::string instance_id = incoming.id;
  const bool ended = incoming.state != "running";
  // The records of an instance that ends in this commit would be dropped below at once.
  for (auto& record : ended ? std::vector<FlowNodeInstanceRecord>{} : std::move(changes.flow_node_instances)) {
    auto [entry, inserted] = flow_nodes_.try_emplace(record.id);
    if (inserted) {
      flow_nodes_of_instance_[instance_id].push_back(record.id);
    } else if (entry->second.state == "suspended") {
      suspended_.erase({entry->second.created_at_ms, entry->second.id});
    }
    if (record.state == "suspended" && !ended) suspended_.insert({record.created_at_ms, record.id});
    entry->second = std::move(record);
  }
  for (auto& timer : changes.timers_armed) timers_[timer.id] = std::move(timer);
  for (const auto& id : changes.timers_cancelled) timers_.erase(id);
  for (auto& result : changes.correlation_results) results_[result.correlation_id].push_back(std::move(result));
  for (auto& task : changes.external_tasks) external_tasks_[task.task.id] = std::move(task);
  if (ended) {
    // A volatile store keeps what the API asks for after the end: the instance and its results.
    if (auto nodes = flow_nodes_of_instance_.find(instance_id); nodes != flow_nodes_of_instance_.end()) {
      for (const auto& id : nodes->second) {
        auto record = flow_nodes_.find(id);
        if (record == flow_nodes_.end()) continue;
        suspended_.erase({record->second.created_at_ms, id});
        flow_nodes_.erase(record);
      }
      flow_nodes_of_instance_.erase(nodes);
    }
  }
  if (existing == instances_.end()) {
    instance_order_.insert({incoming.created_at_ms, instance_id});
    instances_.emplace(instance_id, std::move(incoming));
  } else {
    existing->second = std::move(incoming);
  }
  lock.unlock();
  done(Ok{});
}

void MemoryStore::load_instance(std::string process_instance_id,
                                Callback<std::optional<ProcessInstanceRecord>> done) {
  std::optional<ProcessInstanceRecord> record;
  {
    std::lock_guard lock(mutex_);
    auto found = instances_.find(process_instance_id);
    if (found != instances_.end()) record = found->second;
  }
  done(std::move(record));
}

void MemoryStore::query_instances(InstanceQuery query, Callback<PagedList<ProcessInstanceRecord>> done) {
  std::vector<ProcessInstanceRecord> found;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [created, id] : instance_order_) {
      const auto& record = instances_.at(id);
      if (query.correlation_id && record.correlation_id != *query.correlation_id) continue;
      if (query.process_model_id && record.process_model_id != *query.process_model_id) continue;
      if (query.owner_user_id && record.owner_user_id != *query.owner_user_id) continue;
      if (query.state && record.state != *query.state) continue;
      found.push_back(record);
    }
  }
  done(take_page(std::move(found), query.page));
}

void MemoryStore::query_flow_nodes(FlowNodeQuery query, Callback<PagedList<FlowNodeInstanceRecord>> done) {
  std::vector<FlowNodeInstanceRecord> found;
  {
    std::lock_guard lock(mutex_);
    if (query.process_instance_id) {
      // The per-instance list is the index a durable store would use for this filter.
      if (auto nodes = flow_nodes_of_instance_.find(*query.process_instance_id); nodes != flow_nodes_of_instance_.end()) {
        for (const auto& id : nodes->second) {
          const auto& record = flow_nodes_.at(id);
          if (matches(query, record)) found.push_back(record);
        }
      }
      std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) {
        return std::tie(a.created_at_ms, a.id) < std::tie(b.created_at_ms, b.id);
      });
    } else if (query.state && *query.state == "suspended") {
      for (const auto& [created, id] : suspended_) {
        const auto& record = flow_nodes_.at(id);
        if (matches(query, record)) found.push_back(record);
      }
    } else {
      for (const auto& [id, record] : flow_nodes_) {
        if (matches(query, record)) found.push_back(record);
      }
      std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) {
        return std::tie(a.created_at_ms, a.id) < std::tie(b.created_at_ms, b.id);
      });
    }
  }
  done(take_page(std::move(found), query.page));
}

void MemoryStore::query_results(std::string correlation_id, std::string process_model_id,
                                Callback<std::vector<CorrelationResultRecord>> done) {
  std::vector<CorrelationResultRecord> found;
  {
    std::lock_guard lock(mutex_);
    if (auto results = results_.find(correlation_id); results != results_.end()) {
      for (const auto& result : results->second) {
        if (process_model_id.empty() || result.process_model_id == process_model_id) found.push_back(result);
      }
    }
  }
  done(std::move(found));
}

void MemoryStore::due_timers(std::int64_t until_ms, std::size_t max, Callback<std::vector<TimerRecord>> done) {
  std::vector<TimerRecord> due;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [id, timer] : timers_) {
      if (timer.due_at_ms <= until_ms) due.push_back(timer);
    }
  }
  std::sort(due.begin(), due.end(), [](const auto& a, const auto& b) { return a.due_at_ms < b.due_at_ms; });
  if (due.size() > max) due.resize(max);
  done(std::move(due));
}

void MemoryStore::next_timer_due(Callback<std::optional<std::int64_t>> done) {
  std::optional<std::int64_t> next;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [id, timer] : timers_) {
      if (!next || timer.due_at_ms < *next) next = timer.due_at_ms;
    }
  }
  done(next);
}

void MemoryStore::lock_external_tasks(std::string topic, std::string worker_id, std::size_t max, std::int64_t now_ms,
                                      std::int64_t lock_until_ms, Callback<std::vector<ExternalTaskRecord>> done) {
  std::vector<ExternalTaskRecord> locked;
  {
    std::lock_guard lock(mutex_);
    for (auto& [id, record] : external_tasks_) {
      if (locked.size() >= max) break;
      auto& task = record.task;
      if (task.topic != topic || task.state != "pending" || task.lock_expiration_ms > now_ms) continue;
      task.worker_id = worker_id;
      task.lock_expiration_ms = lock_until_ms;
      ++record.version;
      locked.push_back(record);
    }
  }
  done(std::move(locked));
}

void MemoryStore::load_external_task(std::string external_task_id, Callback<std::optional<ExternalTaskRecord>> done) {
  std::optional<ExternalTaskRecord> record;
  {
    std::lock_guard lock(mutex_);
    auto found = external_tasks_.find(external_task_id);
    if (found != external_tasks_.end()) record = found->second;
  }
  done(std::move(record));
}

void MemoryStore::update_external_task(ExternalTaskRecord task, std::int64_t expected_version, Callback<Ok> done) {
  std::unique_lock lock(mutex_);
  auto found = external_tasks_.find(task.task.id);
  if (found == external_tasks_.end() || found->second.version != expected_version) {
    lock.unlock();
    done(make_error(ErrorStatus::conflict, "external task " + task.task.id + " changed meanwhile"));
    return;
  }
  task.version = expected_version + 1;
  found->second = std::move(task);
  lock.unlock();
  done(Ok{});
}

}  // namespace processhost::engine
