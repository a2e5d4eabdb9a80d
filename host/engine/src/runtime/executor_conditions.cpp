// Conditional events (BPMN 2.0, 10.5.7): intermediate catch events, boundary events and
// start events of event sub-processes that wait for a condition over the instance's data.
// ProcessHost has no variable store, so a model with conditional events keeps the instance's
// results in the order they were made (InstanceState::data, one entry per node, the latest);
// a waiting conditional event sees its own token's variables with that data over them. After
// every run that changed the data, each waiting conditional event's condition is evaluated
// again, and the event happens when the condition becomes true (was false, or was not yet
// evaluated, and is true now) - so a non-interrupting one that stays true fires once, and again
// only after its condition was false in between. A condition that throws counts as false.
#include <algorithm>

#include "runtime/executor.hpp"

namespace processhost::engine {
namespace {

// Rounds of firing per run: a model whose conditional events keep triggering each other
// stops here instead of spinning.
constexpr int kMaxRounds = 64;

}  // namespace

void Executor::note_data(const std::string& node_id, const JsonText& result) {
  std::erase_if(state_.data, [&](const auto& entry) { return entry.first == node_id; });
  state_.data.emplace_back(node_id, result);
}

// The view a condition sees: the waiting token's history and payload (as the result of the
// waiting node), then the instance's data in the order it was made; token.current is the
// instance's latest result, so what changed last wins for variables too.
Result<bool> Executor::condition_holds(const Token& token, const FlowNode& node) {
  if (state_.data.empty()) return run_condition(token, *node.condition, node.id);
  Token view = token;
  view.history.emplace_back(model().nodes[token.node].id, token.payload);
  for (const auto& entry : state_.data) {
    std::erase_if(view.history, [&](const auto& own) { return own.first == entry.first; });
    view.history.push_back(entry);
  }
  view.payload = state_.data.back().second;
  return run_condition(view, *node.condition, node.id);
}

void Executor::wait_for_condition(Token&& token, const FlowNode& node) {
  auto holds = condition_holds(token, node);
  if (holds && *holds) {
    JsonText payload = token.payload;
    leave(std::move(token), node, std::move(payload));
    return;
  }
  token.cycle_fired = 0;  // for conditional events: whether the condition held when last evaluated
  suspend(std::move(token), node);
}

void Executor::reevaluate_conditions() {
  for (int round = 0; round < kMaxRounds && !stopped(); ++round) {
    std::vector<std::string> waiting;
    for (const auto& token : state_.waiting) {
      if (model().nodes[token.node].event == EventDefinition::conditional) waiting.push_back(token.flow_node_instance_id);
    }
    bool fired = false;
    for (const auto& id : waiting) {
      if (stopped()) return;
      auto token = std::find_if(state_.waiting.begin(), state_.waiting.end(),
                                [&](const Token& candidate) { return candidate.flow_node_instance_id == id; });
      if (token == state_.waiting.end()) continue;  // ended by an event that fired before it
      auto holds = condition_holds(*token, model().nodes[token->node]);
      const bool now = holds && *holds;
      const bool before = token->cycle_fired != 0;
      token->cycle_fired = now ? 1 : 0;
      if (!now || before) continue;
      resume(id, "{}");
      fired = true;
    }
    if (!fired) return;
  }
}

}  // namespace processhost::engine
