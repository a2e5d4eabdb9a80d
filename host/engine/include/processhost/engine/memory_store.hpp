#pragma once
// The built-in volatile Store: everything lives in this process and is lost at exit.
// Used when no store plugin is loaded.
//
// Threading: every method is thread-safe and completes its callback inline, on the
// calling thread, after releasing the store's lock. Commits check the instance version
// (409 on mismatch) exactly as a durable store must.
// History retention removes ended instances from every list and lookup; the strings of a
// packed instance stay in the store's arena until the store is destroyed (bounded by the
// instances created, as before). Run times are of the flow nodes the store still holds:
// those of running instances.
// Memory: flow node instances of an instance are dropped when the instance ends (finished,
// terminated, error); instances and correlation results are kept, packed (about 370 bytes
// for an ended instance with one result instead of about 1.7 KiB as full records).

#include <deque>
#include <unordered_map>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

#include "processhost/services/store.hpp"

namespace processhost::engine {

class InstanceTables;
class TimerTable;

class MemoryStore final : public Store {
 public:
  MemoryStore();
  ~MemoryStore() override;
  MemoryStore(const MemoryStore&) = delete;
  MemoryStore& operator=(const MemoryStore&) = delete;

  void save_definition(ProcessDefinitionRecord definition, Callback<Ok> done) override;
  void load_definitions(Callback<std::vector<ProcessDefinitionRecord>> done) override;
  void delete_definitions(std::string process_model_id, std::int64_t deleted_at_ms, Callback<Ok> done) override;
  void commit(ChangeSet changes, Callback<Ok> done) override;
  void claim_start_key(std::string start_key, std::string instance_id, std::int64_t now_ms,
                       Callback<std::string> done) override;
  void load_instance(std::string process_instance_id,
                     Callback<std::optional<ProcessInstanceRecord>> done) override;
  void query_instances(InstanceQuery query, Callback<PagedList<ProcessInstanceRecord>> done) override;
  void query_flow_nodes(FlowNodeQuery query, Callback<PagedList<FlowNodeInstanceRecord>> done) override;
  // Groups every matching instance, then pages the correlations.
  void query_correlations(CorrelationQuery query, Callback<PagedList<CorrelationRecord>> done) override;
  void query_results(std::string correlation_id, std::string process_model_id,
                     Callback<std::vector<CorrelationResultRecord>> done) override;
  void due_timers(std::int64_t until_ms, std::size_t max, Callback<std::vector<TimerRecord>> done) override;
  void next_timer_due(Callback<std::optional<std::int64_t>> done) override;
  void claim_due_timers(std::string owner, std::int64_t now_ms, std::int64_t lease_until_ms, std::size_t max,
                        Callback<TimerClaim> done) override;
  void lock_external_tasks(std::string topic, std::string worker_id, std::size_t max, std::int64_t now_ms,
                           std::int64_t lock_until_ms, Callback<std::vector<ExternalTaskRecord>> done) override;
  void load_external_task(std::string external_task_id, Callback<std::optional<ExternalTaskRecord>> done) override;
  void update_external_task(ExternalTaskRecord task, std::int64_t expected_version, Callback<Ok> done) override;
  void record_cronjob_execution(CronjobExecutionRecord execution, Callback<Ok> done) override;
  void query_cronjob_history(CronjobHistoryQuery query, Callback<PagedList<CronjobExecutionRecord>> done) override;
  void claim_cron_tick(CronTickClaim claim, Callback<bool> done) override;
  void remove_cron_claims(std::int64_t ticked_before_ms, Callback<std::size_t> done) override;
  void flow_node_runtimes(FlowNodeRuntimeQuery query, Callback<PagedList<FlowNodeRuntimeRecord>> done) override;
  void remove_ended_instances(std::int64_t finished_before_ms, std::size_t max, Callback<std::size_t> done) override;

 private:
  std::mutex mutex_;
  // Start keys and the instances they started; start_key_ages_ in claim order, so keys past
  // their lifetime leave from its front (memory stays bounded by a day of keyed starts).
  std::unordered_map<std::string, std::string> start_keys_;
  std::deque<std::pair<std::int64_t, std::string>> start_key_ages_;
  std::unique_ptr<InstanceTables> tables_;  // instances, their flow nodes and results

  std::map<std::pair<std::string, std::string>, ProcessDefinitionRecord> definitions_;
  std::unique_ptr<TimerTable> timers_;  // timers and cron tick claims
  std::map<std::string, ExternalTaskRecord> external_tasks_;
  std::vector<CronjobExecutionRecord> cron_history_;  // in execution order
};

}  // namespace processhost::engine
