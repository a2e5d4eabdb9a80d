#pragma once
// A token: one branch of control flow with its payload and the results seen on its way.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "processhost/engine/process_model.hpp"
#include "processhost/json.hpp"

namespace processhost::engine {

// Results in the order they were produced; when a node ran twice the later entry wins.
using History = std::vector<std::pair<std::string, JsonText>>;

struct Token {
  std::uint64_t scope = 0;  // 0: the process; else the id of the enclosing sub-process scope
  std::size_t node = kNoIndex;  // node the token waits at (suspended tokens)
  std::string flow_node_instance_id;           // of the node it waits at
  std::string previous_flow_node_instance_id;  // of the node it came from
  std::int64_t entered_at_ms = 0;
  JsonText payload = "{}";
  History history;
  std::string attached_to;  // boundary event tokens: flow node instance id of the activity watched
  std::string timer_id;     // the armed TimerRecord this token waits for, empty: none
  // A non-interrupting boundary event with a repeating cycle (R[n]/duration): how often it
  // has fired for this activity instance so far, and when its watch began (the cycle's anchor).
  std::int64_t cycle_fired = 0;
  std::int64_t cycle_anchor_ms = 0;
  std::string child_instance_id;  // call activities: the instance they wait for
  // One run of a looping activity: its LoopState's id (0: none) and the loop's variables
  // ({"loopCounter", "nrOfInstances", <elementVariable>}), which the run's scripts see as
  // token.loop and expressions as variables. The variables stay on the token inside a
  // sub-process run; the id only on the token at the looping activity itself.
  std::uint64_t loop = 0;
  JsonText loop_variables;  // empty: none
  // A compensation handler's token: the CompensationRun it belongs to (0: none).
  std::uint64_t compensation = 0;

  void record(const std::string& node_id, JsonText result);
};

// {"current": payload, "history": {...}[, "loop": {...}]}: the object scripts see as token and this.
std::string token_json(const Token& token);
// The history as one JSON object, later entries winning.
std::string history_json(const History& history);

}  // namespace processhost::engine
