#pragma once
// The resumable state of one process instance: waiting tokens, partial joins, open
// sub-process scopes. Serialized into ProcessInstanceRecord::runtime_state on every commit
// so that any host can continue the instance from the store.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "processhost/engine/process_model.hpp"
#include "processhost/result.hpp"
#include "processhost/services/store.hpp"
#include "instance/token.hpp"

namespace processhost::engine {

// A parallel join that has seen some, not all, of its incoming branches.
struct JoinState {
  std::size_t gateway = kNoIndex;
  std::uint64_t scope = 0;
  std::vector<std::pair<std::string, JsonText>> arrived;  // source node id -> its result
  History history;                                         // merged histories of arrived branches
  std::string previous_flow_node_instance_id;
};

// An embedded sub-process that is running; the parent token waits inside it.
struct ScopeState {
  std::uint64_t id = 0;
  std::uint64_t parent_scope = 0;
  std::size_t node = kNoIndex;  // the sub-process node
  std::string flow_node_instance_id;
  std::string previous_flow_node_instance_id;
  std::int64_t entered_at_ms = 0;
  JsonText payload_on_enter = "{}";
  History parent_history;
  JsonText result = "{}";  // payload at the last inner end event reached
  std::uint64_t loop = 0;  // the outer token's Token::loop (a run of a looping sub-process)
  JsonText loop_variables;  // and its Token::loop_variables
  std::uint64_t compensation = 0;  // a compensation handler's scope: the outer token's Token::compensation
};

// A looping activity at work: its runs so far and the token it continues with when done.
struct LoopState {
  std::uint64_t id = 0;
  std::size_t node = kNoIndex;
  std::uint64_t scope = 0;
  std::string flow_node_instance_id;  // the loop as a whole; its runs come from it
  std::string previous_flow_node_instance_id;
  std::int64_t entered_at_ms = 0;
  JsonText payload = "{}";  // as the token arrived
  History history;
  std::vector<JsonText> items;    // camunda:collection's items; empty otherwise
  std::size_t total = 0;          // multi-instance: how many runs; standard loop: 0
  std::size_t started = 0;
  std::size_t completed = 0;
  std::vector<JsonText> results;  // by loopCounter; "null" until that run completed
};

// A completed activity with a compensation handler: what its handler runs with when the
// activity is compensated (the token as it completed).
struct CompensableActivity {
  std::size_t node = kNoIndex;
  std::uint64_t scope = 0;
  std::string flow_node_instance_id;  // of the completed activity
  JsonText payload = "{}";
  History history;
};

// A compensation throw or end event at work: its handlers run one after the other, in reverse
// order of completion; the thrower waits (its token in InstanceState::waiting) until the last.
struct CompensationRun {
  std::uint64_t id = 0;
  std::string thrower_flow_node_instance_id;
  std::vector<CompensableActivity> pending;  // next one last
};

struct InstanceState {
  ProcessInstanceRecord record;
  std::shared_ptr<const ProcessModel> model;
  std::vector<Token> waiting;  // suspended at tasks
  std::vector<JoinState> joins;
  std::vector<ScopeState> scopes;
  std::vector<LoopState> loops;
  std::vector<CompensableActivity> compensable;  // in completion order
  std::vector<CompensationRun> compensations;
  // Models with conditional events: every result of the instance in the order it was made,
  // the data their conditions see beside the waiting token's own (ProcessModel::has_conditional_events).
  History data;
  std::uint64_t next_scope_id = 1;  // ids of scopes, loops and compensation runs

  const Token* find_waiting(std::string_view flow_node_instance_id) const;
};

JsonText serialize_runtime_state(const InstanceState& state);
// Restores waiting tokens, joins and scopes from record.runtime_state against model.
Status restore_runtime_state(InstanceState& state);

}  // namespace processhost::engine
