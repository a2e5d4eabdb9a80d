#include "processhost/engine/memory_store.hpp"

#include "store/instance_tables.hpp"
#include "store/paging.hpp"
#include "store/timer_table.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "processhost/correlation_grouping.hpp"

namespace processhost::engine {

MemoryStore::MemoryStore()
    : tables_(std::make_unique<InstanceTables>()), timers_(std::make_unique<TimerTable>()) {}

MemoryStore::~MemoryStore() = default;

void MemoryStore::save_definition(ProcessDefinitionRecord definition, Callback<Ok> done) {
  {
    std::lock_guard lock(mutex_);
    auto key = std::make_pair(definition.process_model_id, definition.hash);
    std::int64_t latest_deployment = 0;
    for (const auto& [other_key, other] : definitions_) {
      if (other_key.first == definition.process_model_id && other.deleted_at_ms == 0) {
        latest_deployment = std::max(latest_deployment, other.deployed_at_ms);
      }
    }
    auto [stored, inserted] = definitions_.try_emplace(std::move(key), definition);
    // Deployed anew: a version of a deleted model, or one earlier than the model's latest.
    if (!inserted && (stored->second.deleted_at_ms != 0 || stored->second.deployed_at_ms < latest_deployment)) {
      stored->second.deleted_at_ms = 0;
      stored->second.deployed_at_ms = definition.deployed_at_ms;
    }
  }
  done(Ok{});
}

void MemoryStore::delete_definitions(std::string process_model_id, std::int64_t deleted_at_ms, Callback<Ok> done) {
  {
    std::lock_guard lock(mutex_);
    InstanceQuery running;
    running.process_model_id = process_model_id;
    running.state = ProcessInstanceState::running;
    std::set<std::string> hashes_in_use;
    for (const auto& instance : tables_->query(running)) hashes_in_use.insert(instance.process_model_hash);
    for (auto entry = definitions_.begin(); entry != definitions_.end();) {
      auto& definition = entry->second;
      if (definition.process_model_id != process_model_id) {
        ++entry;
      } else if (!hashes_in_use.contains(definition.hash)) {
        entry = definitions_.erase(entry);
      } else {
        if (definition.deleted_at_ms == 0) definition.deleted_at_ms = deleted_at_ms;
        ++entry;
      }
    }
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

void MemoryStore::claim_start_key(std::string start_key, std::string instance_id, std::int64_t now_ms,
                                  Callback<std::string> done) {
  std::string recorded;
  {
    std::lock_guard lock(mutex_);
    while (!start_key_ages_.empty() && start_key_ages_.front().first < now_ms - kStartKeyLifetimeMs) {
      start_keys_.erase(start_key_ages_.front().second);
      start_key_ages_.pop_front();
    }
    auto [entry, inserted] = start_keys_.try_emplace(start_key, std::move(instance_id));
    if (inserted) start_key_ages_.emplace_back(now_ms, std::move(start_key));
    recorded = entry->second;
  }
  done(std::move(recorded));
}

void MemoryStore::commit(ChangeSet changes, Callback<Ok> done) {
  std::unique_lock lock(mutex_);
  if (const auto current = tables_->commit(changes)) {
    lock.unlock();
    done(make_error(ErrorStatus::conflict, "process instance " + changes.instance.id + " is at version " +
                                               std::to_string(*current) + ", expected " +
                                               std::to_string(changes.expected_version)));
    return;
  }
  for (auto& timer : changes.timers_armed) timers_->arm(std::move(timer));
  for (const auto& id : changes.timers_cancelled) timers_->cancel(id);
  for (auto& task : changes.external_tasks) external_tasks_[task.task.id] = std::move(task);
  lock.unlock();
  done(Ok{});
}

void MemoryStore::load_instance(std::string process_instance_id,
                                Callback<std::optional<ProcessInstanceRecord>> done) {
  std::optional<ProcessInstanceRecord> record;
  {
    std::lock_guard lock(mutex_);
    record = tables_->load(process_instance_id);
  }
  done(std::move(record));
}

void MemoryStore::query_instances(InstanceQuery query, Callback<PagedList<ProcessInstanceRecord>> done) {
  std::vector<ProcessInstanceRecord> found;
  {
    std::lock_guard lock(mutex_);
    found = tables_->query(query);
  }
  done(take_page(std::move(found), query.page));
}

void MemoryStore::query_flow_nodes(FlowNodeQuery query, Callback<PagedList<FlowNodeInstanceRecord>> done) {
  std::vector<FlowNodeInstanceRecord> found;
  {
    std::lock_guard lock(mutex_);
    found = tables_->query(query);
  }
  done(take_page(std::move(found), query.page));
}

void MemoryStore::query_correlations(CorrelationQuery query, Callback<PagedList<CorrelationRecord>> done) {
  InstanceQuery instances;
  instances.correlation_id = std::move(query.correlation_id);
  instances.process_model_id = std::move(query.process_model_id);
  instances.owner_user_id = std::move(query.owner_user_id);
  instances.state = query.state;
  std::vector<ProcessInstanceRecord> found;
  {
    std::lock_guard lock(mutex_);
    found = tables_->query(instances);
  }
  done(take_page(group_into_correlations(std::move(found)), query.page));
}

void MemoryStore::query_results(std::string correlation_id, std::string process_model_id,
                                Callback<std::vector<CorrelationResultRecord>> done) {
  std::vector<CorrelationResultRecord> found;
  {
    std::lock_guard lock(mutex_);
    found = tables_->results(correlation_id, process_model_id);
  }
  done(std::move(found));
}

void MemoryStore::due_timers(std::int64_t until_ms, std::size_t max, Callback<std::vector<TimerRecord>> done) {
  std::vector<TimerRecord> due;
  {
    std::lock_guard lock(mutex_);
    due = timers_->due(until_ms, max);
  }
  done(std::move(due));
}

void MemoryStore::next_timer_due(Callback<std::optional<std::int64_t>> done) {
  std::optional<std::int64_t> next;
  {
    std::lock_guard lock(mutex_);
    next = timers_->next_due();
  }
  done(next);
}

void MemoryStore::claim_due_timers(std::string, std::int64_t now_ms, std::int64_t lease_until_ms, std::size_t max,
                                   Callback<TimerClaim> done) {
  TimerClaim claimed;
  {
    std::lock_guard lock(mutex_);
    claimed = timers_->claim(now_ms, lease_until_ms, max);
  }
  done(std::move(claimed));
}

void MemoryStore::claim_cron_tick(CronTickClaim claim, Callback<bool> done) {
  bool claimed = false;
  {
    std::lock_guard lock(mutex_);
    claimed = timers_->claim_tick(claim);
  }
  done(claimed);
}

void MemoryStore::remove_cron_claims(std::int64_t ticked_before_ms, Callback<std::size_t> done) {
  std::size_t removed = 0;
  {
    std::lock_guard lock(mutex_);
    removed = timers_->remove_ticks_before(ticked_before_ms);
  }
  done(removed);
}

void MemoryStore::lock_external_tasks(std::string topic, std::string worker_id, std::size_t max, std::int64_t now_ms,
                                      std::int64_t lock_until_ms, Callback<std::vector<ExternalTaskRecord>> done) {
  std::vector<ExternalTaskRecord> locked;
  {
    std::lock_guard lock(mutex_);
    for (auto& [id, record] : external_tasks_) {
      if (locked.size() >= max) break;
      auto& task = record.task;
      if (task.topic != topic || task.state != ExternalTaskState::pending || task.lock_expiration_ms > now_ms) continue;
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

namespace processhost::engine {
namespace {

// percentile_cont: linear interpolation between the closest ranks of sorted values.
double percentile(const std::vector<std::int64_t>& sorted, double fraction) {
  const double position = fraction * static_cast<double>(sorted.size() - 1);
  const auto below = static_cast<std::size_t>(position);
  const std::size_t above = std::min(below + 1, sorted.size() - 1);
  const double weight = position - static_cast<double>(below);
  return static_cast<double>(sorted[below]) * (1 - weight) + static_cast<double>(sorted[above]) * weight;
}

}  // namespace

void MemoryStore::record_cronjob_execution(CronjobExecutionRecord execution, Callback<Ok> done) {
  {
    std::lock_guard lock(mutex_);
    cron_history_.push_back(std::move(execution));
  }
  done(Ok{});
}

void MemoryStore::query_cronjob_history(CronjobHistoryQuery query, Callback<PagedList<CronjobExecutionRecord>> done) {
  std::vector<CronjobExecutionRecord> found;
  {
    std::lock_guard lock(mutex_);
    for (const auto& entry : cron_history_) {
      if (query.process_model_id && entry.process_model_id != *query.process_model_id) continue;
      if (query.start_event_id && entry.start_event_id != *query.start_event_id) continue;
      if (query.crontab && entry.crontab != *query.crontab) continue;
      found.push_back(entry);
    }
  }
  std::stable_sort(found.begin(), found.end(), [](const auto& a, const auto& b) {
    return std::tie(a.executed_at_ms, a.process_instance_id) < std::tie(b.executed_at_ms, b.process_instance_id);
  });
  done(take_page(std::move(found), query.page));
}

void MemoryStore::flow_node_runtimes(FlowNodeRuntimeQuery query, Callback<PagedList<FlowNodeRuntimeRecord>> done) {
  FlowNodeQuery nodes;
  nodes.process_model_id = query.process_model_id;
  nodes.state = FlowNodeState::finished;
  std::map<std::string, std::vector<std::int64_t>> runtimes;  // flow node id -> run times, ordered by id
  {
    std::lock_guard lock(mutex_);
    for (const auto& node : tables_->query(nodes)) {
      if (query.flow_node_id && node.flow_node_id != *query.flow_node_id) continue;
      if (node.finished_at_ms == 0) continue;
      runtimes[node.flow_node_id].push_back(node.finished_at_ms - node.created_at_ms);
    }
  }
  std::vector<FlowNodeRuntimeRecord> records;
  for (auto& [flow_node_id, values] : runtimes) {
    std::sort(values.begin(), values.end());
    FlowNodeRuntimeRecord record;
    record.process_model_id = query.process_model_id;
    record.flow_node_id = flow_node_id;
    record.count = values.size();
    double sum = 0;
    for (const auto value : values) sum += static_cast<double>(value);
    record.mean_ms = sum / static_cast<double>(values.size());
    record.first_quartile_ms = percentile(values, 0.25);
    record.median_ms = percentile(values, 0.5);
    record.third_quartile_ms = percentile(values, 0.75);
    record.min_ms = values.front();
    record.max_ms = values.back();
    records.push_back(std::move(record));
  }
  done(take_page(std::move(records), query.page));
}

void MemoryStore::remove_ended_instances(std::int64_t finished_before_ms, std::size_t max, Callback<std::size_t> done) {
  std::size_t count = 0;
  {
    std::lock_guard lock(mutex_);
    const auto removed = tables_->remove_ended(finished_before_ms, max);
    count = removed.size();
    if (count > 0) {
      const std::set<std::string> ids(removed.begin(), removed.end());
      std::erase_if(cron_history_, [&](const auto& entry) { return ids.contains(entry.process_instance_id); });
      timers_->remove_if([&](const TimerRecord& timer) { return ids.contains(timer.process_instance_id); });
      std::erase_if(external_tasks_,
                    [&](const auto& entry) { return ids.contains(entry.second.task.process_instance_id); });
    }
  }
  done(count);
}

}  // namespace processhost::engine
