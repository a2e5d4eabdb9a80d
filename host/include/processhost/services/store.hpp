#pragma once
// The store service: the engine's only way to durable state. A built-in memory store
// serves when no store plugin provides this service.
//
// Threading: calls return at once and complete through the callback, inline or on a store
// thread; callbacks must not block. Errors: 409 conflict when a commit's expected version
// does not match (another host advanced the instance), 503 unavailable when the backing
// database cannot be reached. Times are unix epoch milliseconds.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "processhost/callback.hpp"
#include "processhost/external_task.hpp"
#include "processhost/json.hpp"
#include "processhost/paging.hpp"
#include "processhost/result.hpp"
#include "processhost/states.hpp"

namespace processhost {

struct ProcessDefinitionRecord {
  std::string process_model_id;
  std::string hash;  // content hash of xml; (process_model_id, hash) is unique
  std::string xml;
  std::int64_t deployed_at_ms = 0;
  // 0: deployed. Otherwise the model was deleted then, and this version is kept only because
  // instances still ran it: they resume from it after a restart, but it is no model's latest.
  std::int64_t deleted_at_ms = 0;
};

struct ProcessInstanceRecord {
  std::string id;
  std::string process_model_id;
  std::string process_model_hash;
  std::string correlation_id;
  std::string parent_process_instance_id;  // empty: none
  std::string owner_user_id;
  JsonText owner_identity = "null";  // user id and claims, never the token
  ProcessInstanceState state = ProcessInstanceState::running;
  JsonText error = "null";
  std::int64_t version = 0;  // 1 on creation, +1 on every commit
  std::int64_t created_at_ms = 0;
  std::int64_t finished_at_ms = 0;  // 0: not finished
  JsonText runtime_state = "null";  // the engine's resumable state; opaque to the store
};

struct FlowNodeInstanceRecord {
  std::string id;
  std::string process_instance_id;
  std::string process_model_id;
  std::string correlation_id;
  std::string owner_user_id;
  std::string flow_node_id;
  std::string flow_node_name;
  std::string flow_node_type;  // "bpmn:UserTask", ...
  std::string flow_node_lane;  // empty: no lane
  std::string event_type;      // "messageEvent", "signalEvent", "timerEvent", or empty
  std::string event_name;      // message / signal name a suspended event waits for
  FlowNodeState state = FlowNodeState::running;
  std::string previous_flow_node_instance_id;
  JsonText token_on_enter = "null";
  JsonText token_on_exit = "null";
  JsonText error = "null";
  std::int64_t created_at_ms = 0;
  std::int64_t finished_at_ms = 0;
};

struct TimerRecord {
  std::string id;
  std::string process_instance_id;
  std::string flow_node_instance_id;
  std::int64_t due_at_ms = 0;
};

// Timers claimed by one host (Store::claim_due_timers).
struct TimerClaim {
  std::vector<TimerRecord> timers;  // claimed by this call, earliest first
  // The earliest timer due after the claim's now_ms, if any: when to claim again at the latest.
  std::optional<std::int64_t> next_due_ms;
};

// One tick of a cron start event, claimed by the first host to start it (Store::claim_cron_tick).
struct CronTickClaim {
  std::string process_model_id;
  std::string start_event_id;
  std::int64_t tick_ms = 0;  // the tick's scheduled time: the same on every host
  std::string claimed_by;    // the claiming host, for operators
  std::int64_t claimed_at_ms = 0;
};

struct CorrelationResultRecord {
  std::string correlation_id;
  std::string process_model_id;
  std::string process_instance_id;
  std::string end_event_id;
  std::string end_event_lane;
  JsonText token_payload = "null";
  std::int64_t created_at_ms = 0;
};

struct ExternalTaskRecord {
  ExternalTask task;
  std::string owner_identity;  // JSON, as on the instance
  std::int64_t version = 0;
};

// Everything one engine transition changed. Committed atomically or not at all.
struct ChangeSet {
  ProcessInstanceRecord instance;  // state after the transition
  // The version the instance had before (0: the instance is new). Mismatch: 409.
  std::int64_t expected_version = 0;
  std::vector<FlowNodeInstanceRecord> flow_node_instances;  // inserted or replaced by id
  std::vector<TimerRecord> timers_armed;
  std::vector<std::string> timers_cancelled;  // timer ids
  std::vector<CorrelationResultRecord> correlation_results;
  std::vector<ExternalTaskRecord> external_tasks;  // inserted or replaced by id
};

struct FlowNodeQuery {
  std::vector<std::string> flow_node_types;  // empty: any
  std::optional<FlowNodeState> state;
  std::optional<std::string> process_model_id;
  std::optional<std::string> process_instance_id;
  std::optional<std::string> correlation_id;
  std::optional<std::string> owner_user_id;
  std::optional<std::string> event_type;
  std::optional<std::string> event_name;
  bool events_only = false;  // event_type not empty
  // Visible lanes: nullopt = every lane; otherwise nodes without a lane or in one of these.
  std::optional<std::vector<std::string>> lanes;
  PageRequest page;  // ordered by created_at_ms, then id
};

struct InstanceQuery {
  std::optional<std::string> correlation_id;
  std::optional<std::string> process_model_id;
  std::optional<std::string> owner_user_id;
  std::optional<ProcessInstanceState> state;
  PageRequest page;  // ordered by created_at_ms, then id
};

// A correlation: the instances that share a correlation id.
struct CorrelationRecord {
  std::string correlation_id;
  std::int64_t created_at_ms = 0;  // its first listed instance's
  // The instances the query matched (never all of the correlation's when a filter is set),
  // ordered by created_at_ms, then id. runtime_state is left "null": lists never need it.
  std::vector<ProcessInstanceRecord> instances;
};

// The filters select instances; a correlation is listed when one of its instances matches,
// with the matching ones.
struct CorrelationQuery {
  std::optional<std::string> correlation_id;
  std::optional<std::string> process_model_id;
  std::optional<std::string> owner_user_id;
  std::optional<ProcessInstanceState> state;
  // Pages correlations (total_count counts correlations), ordered by their first matching
  // instance's created_at_ms, then that instance's id.
  PageRequest page;
};

// One start of an instance by a cron start event.
struct CronjobExecutionRecord {
  std::string process_model_id;
  std::string start_event_id;
  std::string crontab;
  std::string process_instance_id;
  std::int64_t executed_at_ms = 0;
};

struct CronjobHistoryQuery {
  std::optional<std::string> process_model_id;
  std::optional<std::string> start_event_id;
  std::optional<std::string> crontab;
  PageRequest page;  // ordered by executed_at_ms, then process_instance_id
};

// Run times (finished_at_ms - created_at_ms) of one flow node's finished instances.
struct FlowNodeRuntimeRecord {
  std::string process_model_id;
  std::string flow_node_id;
  std::size_t count = 0;
  double mean_ms = 0;
  double first_quartile_ms = 0;  // quartiles interpolate linearly (percentile_cont)
  double median_ms = 0;
  double third_quartile_ms = 0;
  std::int64_t min_ms = 0;
  std::int64_t max_ms = 0;
};

struct FlowNodeRuntimeQuery {
  std::string process_model_id;
  std::optional<std::string> flow_node_id;  // nullopt: every flow node of the model
  PageRequest page;                         // ordered by flow_node_id
};

// Hints: what other hosts sharing the store committed (docs/cluster.md, "Hints"). A hint only
// makes a host act sooner (drop a cached instance, answer a waiting request, wake a long poll,
// scan for timers, read the definitions); every one may be lost, late or spurious, so whoever
// acts on one reads the store for the truth.
struct InstanceHint {
  std::string process_instance_id;
  std::int64_t version = 0;  // the instance's version after the commit (expected_version + 1)
  // The instance ended, or reached an end event (the commit recorded a correlation result).
  bool ended = false;
  // Topics of external tasks the commit created; all_topics: too many to list, every topic.
  std::vector<std::string> external_task_topics;
  bool all_topics = false;
  std::optional<std::int64_t> earliest_timer_due_ms;  // the earliest timer the commit armed
};

// A model was deployed, or deleted, by another host.
struct DefinitionHint {
  std::string process_model_id;
  bool deleted = false;
};

struct StoreHints {
  std::vector<InstanceHint> instances;
  std::vector<DefinitionHint> definitions;
  // Hints may have been lost (the channel was down for a while): every cache, waiting request
  // and schedule taken from the store is to be checked again.
  bool missed = false;
};

using StoreHintHandler = std::function<void(StoreHints)>;

class Store {
 public:
  static constexpr std::string_view kServiceId = "processhost.store/1";
  virtual ~Store() = default;

  virtual void save_definition(ProcessDefinitionRecord definition, Callback<Ok> done) = 0;
  virtual void load_definitions(Callback<std::vector<ProcessDefinitionRecord>> done) = 0;
  // Deletes the model process_model_id: every stored version that no running instance runs is
  // removed, the others are kept marked deleted (deleted_at_ms). Saving a deleted version again
  // deploys it again. An unknown id is no error.
  virtual void delete_definitions(std::string process_model_id, std::int64_t deleted_at_ms, Callback<Ok> done) = 0;

  virtual void commit(ChangeSet changes, Callback<Ok> done) = 0;

  // Idempotent starts: records that start_key (a client's Idempotency-Key with its user and
  // model) starts instance instance_id, unless the key is recorded already; completes with
  // the instance id recorded for the key: instance_id, or the one of an earlier start. A
  // start with a key always creates the instance this answers, so a retried start finds
  // the instance its first attempt created (or creates it, when that attempt failed before
  // its commit). Keys are kept for at least kStartKeyLifetimeMs. Stores that keep no keys
  // answer 400 (the default).
  static constexpr std::int64_t kStartKeyLifetimeMs = 24LL * 60 * 60 * 1000;
  virtual void claim_start_key(std::string start_key, std::string instance_id, std::int64_t now_ms,
                               Callback<std::string> done) {
    (void)start_key;
    (void)instance_id;
    (void)now_ms;
    done(make_error(ErrorStatus::bad_request, "this store does not support idempotent starts (Idempotency-Key)"));
  }

  virtual void load_instance(std::string process_instance_id,
                             Callback<std::optional<ProcessInstanceRecord>> done) = 0;
  virtual void query_instances(InstanceQuery query, Callback<PagedList<ProcessInstanceRecord>> done) = 0;
  virtual void query_flow_nodes(FlowNodeQuery query, Callback<PagedList<FlowNodeInstanceRecord>> done) = 0;
  virtual void query_correlations(CorrelationQuery query, Callback<PagedList<CorrelationRecord>> done) = 0;
  virtual void query_results(std::string correlation_id, std::string process_model_id,
                             Callback<std::vector<CorrelationResultRecord>> done) = 0;

  // Timers due at or before until_ms, earliest first, at most max.
  virtual void due_timers(std::int64_t until_ms, std::size_t max, Callback<std::vector<TimerRecord>> done) = 0;
  // The earliest armed timer's due time, if any.
  virtual void next_timer_due(Callback<std::optional<std::int64_t>> done) = 0;
  // Several hosts on one store: claims up to max timers due at or before now_ms that no host
  // holds (never claimed, or their lease ended at or before now_ms), earliest first, for owner until
  // lease_until_ms. A claimed timer is offered to no other caller until its lease ends; firing
  // it (a commit that cancels it) removes it. Concurrent callers get disjoint timers.
  virtual void claim_due_timers(std::string owner, std::int64_t now_ms, std::int64_t lease_until_ms,
                                std::size_t max, Callback<TimerClaim> done) = 0;

  // Atomically locks up to max pending tasks of topic whose lock has expired (or never
  // was set) for worker_id until lock_until_ms; returns them locked.
  virtual void lock_external_tasks(std::string topic, std::string worker_id, std::size_t max,
                                   std::int64_t now_ms, std::int64_t lock_until_ms,
                                   Callback<std::vector<ExternalTaskRecord>> done) = 0;
  virtual void load_external_task(std::string external_task_id,
                                  Callback<std::optional<ExternalTaskRecord>> done) = 0;
  // Replaces the task if its version is still expected_version (else 409).
  virtual void update_external_task(ExternalTaskRecord task, std::int64_t expected_version, Callback<Ok> done) = 0;

  // Cron history: one record per instance a cron start event started; kept until history
  // retention removes the instance (remove_ended_instances).
  virtual void record_cronjob_execution(CronjobExecutionRecord execution, Callback<Ok> done) = 0;
  virtual void query_cronjob_history(CronjobHistoryQuery query,
                                     Callback<PagedList<CronjobExecutionRecord>> done) = 0;
  // One instance per cron tick across hosts: records the claim unless one for the same model,
  // start event and tick exists. Completes with true when this call recorded it (start the
  // instance), false when another caller had (do not).
  virtual void claim_cron_tick(CronTickClaim claim, Callback<bool> done) = 0;
  // Removes the claims of ticks before ticked_before_ms; completes with how many.
  virtual void remove_cron_claims(std::int64_t ticked_before_ms, Callback<std::size_t> done) = 0;

  // Aggregated run times of the finished flow node instances of a model, one record per flow
  // node that has any; computed where the rows are (SQL aggregates in a database).
  virtual void flow_node_runtimes(FlowNodeRuntimeQuery query, Callback<PagedList<FlowNodeRuntimeRecord>> done) = 0;

  // History retention: removes up to max instances that ended (finished, terminated, error)
  // before finished_before_ms, oldest first, with their flow node instances, correlation
  // results, timers, external tasks and cron history. Completes with how many were removed;
  // fewer than max means none is left.
  virtual void remove_ended_instances(std::int64_t finished_before_ms, std::size_t max,
                                      Callback<std::size_t> done) = 0;

  // Hints of what other hosts commit (above). handler runs on a thread of the store, one
  // batch at a time, must not block. Returns the subscription (one that hears nothing when a
  // shared store's hints are off), 0 when no other host writes to this store (memory store).
  // Subscribe after the store started; unsubscribe before it stops.
  virtual std::uint64_t subscribe_hints(StoreHintHandler handler) {
    (void)handler;
    return 0;
  }
  // Once it returns, the subscription's handler neither runs nor will run.
  virtual void unsubscribe_hints(std::uint64_t subscription) { (void)subscription; }
};

}  // namespace processhost
