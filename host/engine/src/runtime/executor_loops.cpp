// Looping activities: multi-instance (parallel and sequential) and standard loops (BPMN 2.0,
// 13.2.7-13.2.8). A LoopState stands for the activity as a whole; each run is an ordinary
// visit of the activity by a token that carries the loop's id and variables, so every element
// kind loops without knowing it. When a run leaves the activity, the loop collects its result
// and starts the next run or, when done, leaves the activity itself with the results.
#include <algorithm>
#include <optional>

#include "runtime/executor.hpp"

namespace processhost::engine {
namespace {

// Runs of one loop are bounded: each holds a token and a result in the instance's state.
constexpr std::size_t kMaxRuns = 10000;

Error loop_error(const FlowNode& node, const std::string& what) {
  return make_error(ErrorStatus::unprocessable, "multi-instance activity '" + node.id + "': " + what);
}

std::size_t loop_counter_of(const Token& token) {
  rapidjson::Document variables;
  if (json_parse(token.loop_variables, variables, JsonLimits::for_stored_data()) || !variables.IsObject()) return 0;
  auto counter = variables.FindMember("loopCounter");
  return counter != variables.MemberEnd() && counter->value.IsUint64() ? counter->value.GetUint64() : 0;
}

}  // namespace

bool Executor::is_loop_run(const Token& token, std::size_t node) const {
  if (token.loop == 0) return false;
  return std::any_of(state_.loops.begin(), state_.loops.end(),
                     [&](const LoopState& loop) { return loop.id == token.loop && loop.node == node; });
}

void Executor::start_loop(Token&& token, const FlowNode& node) {
  const LoopDefinition& definition = *node.loop;
  LoopState loop;
  loop.id = state_.next_scope_id++;
  loop.node = token.node;
  loop.scope = token.scope;
  loop.flow_node_instance_id = token.flow_node_instance_id;
  loop.previous_flow_node_instance_id = token.previous_flow_node_instance_id;
  loop.entered_at_ms = token.entered_at_ms;
  loop.payload = token.payload;
  loop.history = token.history;
  if (definition.multi_instance) {
    const Script& count = definition.collection ? *definition.collection : *definition.cardinality;
    auto value = run_expression(token, count, node.id);
    if (!value) {
      fail(token, node, loop_error(node, (definition.collection ? "its collection failed: " : "its loopCardinality failed: ") +
                                             value.error().message));
      return;
    }
    rapidjson::Document document;
    const bool parsed = !json_parse(value.value(), document, JsonLimits::for_stored_data());
    if (definition.collection) {
      if (!parsed || !document.IsArray()) {
        fail(token, node, loop_error(node, "its collection gave " + value.value() + ", not an array"));
        return;
      }
      for (const auto& item : document.GetArray()) loop.items.push_back(json_to_string(item));
      loop.total = loop.items.size();
    } else {
      if (!parsed || !document.IsNumber() || document.GetDouble() < 0 ||
          document.GetDouble() != static_cast<double>(static_cast<std::uint64_t>(document.GetDouble()))) {
        fail(token, node, loop_error(node, "its loopCardinality gave " + value.value() + ", not a whole number"));
        return;
      }
      loop.total = static_cast<std::size_t>(document.GetDouble());
    }
    if (loop.total > kMaxRuns) {
      fail(token, node, loop_error(node, std::to_string(loop.total) + " instances, more than " +
                                             std::to_string(kMaxRuns)));
      return;
    }
    if (loop.total == 0) {
      leave_with(std::move(token), node, "[]", "[]");
      return;
    }
    loop.results.assign(loop.total, "null");
  } else if (definition.test_before && definition.condition) {
    token.loop_variables = R"({"loopCounter":0})";
    auto again = run_condition(token, *definition.condition, node.id);
    token.loop_variables.clear();
    if (!again || !again.value()) {
      JsonText payload = token.payload;
      leave_with(std::move(token), node, "null", std::move(payload));
      return;
    }
  }
  // Boundary events belong to the loop as a whole (the multi-instance body, as in Zeebe and
  // Camunda 7): armed once here, attached to the loop's flow node instance; runs arm none.
  if (!node.boundary_events.empty()) {
    auto watchers = watch_boundaries(token, node);
    if (!watchers) {
      fail(token, node, std::move(watchers).take_error());
      return;
    }
    park_watchers(std::move(watchers.value()));
  }
  state_.loops.push_back(std::move(loop));
  LoopState& started = state_.loops.back();
  const std::size_t first_runs = definition.sequential ? 1 : started.total;
  // start_run may grow state_.loops through nothing but this loop; the id finds it again.
  const std::uint64_t id = started.id;
  for (std::size_t i = 0; i < first_runs; ++i) start_run(id, node);
}

void Executor::start_run(std::uint64_t loop_id, const FlowNode& node) {
  auto found = std::find_if(state_.loops.begin(), state_.loops.end(),
                            [&](const LoopState& loop) { return loop.id == loop_id; });
  LoopState& loop = *found;
  const std::size_t counter = loop.started++;
  Token run;
  run.scope = loop.scope;
  run.payload = loop.payload;
  run.history = loop.history;
  run.flow_node_instance_id = loop.flow_node_instance_id;  // enter() makes it the run's previous
  run.loop = loop.id;
  std::string variables = "{\"loopCounter\":" + std::to_string(counter);
  if (node.loop->multi_instance) variables += ",\"nrOfInstances\":" + std::to_string(loop.total);
  if (!loop.items.empty()) {
    const std::string name = node.loop->element_variable.empty() ? "item" : node.loop->element_variable;
    variables += "," + json_quote(name) + ":" + loop.items[counter];
  }
  run.loop_variables = variables + "}";
  push_arrival(std::move(run), loop.node, kNoIndex);
}

bool Executor::ends_loop_run(Token& token, const FlowNode& node, const JsonText& result) {
  if (token.loop == 0) return false;
  auto found = std::find_if(state_.loops.begin(), state_.loops.end(), [&](const LoopState& loop) {
    return loop.id == token.loop && loop.node == token.node;
  });
  if (found == state_.loops.end()) return false;
  const LoopDefinition& definition = *node.loop;
  LoopState& loop = *found;
  const std::size_t counter = loop_counter_of(token);
  if (definition.multi_instance) {
    if (counter < loop.results.size()) loop.results[counter] = result;
  } else {
    loop.results.assign(1, result);
  }
  ++loop.completed;
  // completionCondition sees the loop's numbers; loopCondition the run that just ended.
  auto condition_holds = [&]() -> std::optional<bool> {
    Token probe = token;
    probe.payload = result;
    if (definition.multi_instance) {
      probe.loop_variables = "{\"loopCounter\":" + std::to_string(counter) +
                             ",\"nrOfInstances\":" + std::to_string(loop.total) +
                             ",\"nrOfCompletedInstances\":" + std::to_string(loop.completed) +
                             ",\"nrOfActiveInstances\":" + std::to_string(loop.started - loop.completed) + "}";
    }
    auto truthy = run_condition(probe, *definition.condition, node.id);
    if (!truthy && !truthy.error().additional_information.empty()) {
      fail(token, node, std::move(truthy).take_error());  // a timeout, not a false condition
      return std::nullopt;
    }
    return truthy && truthy.value();
  };
  bool done = false;
  if (definition.multi_instance) {
    done = loop.completed == loop.total;
    if (!done && definition.condition) {
      const auto holds = condition_holds();
      if (!holds) return true;
      done = *holds;
    }
  } else {
    bool again = true;
    if (definition.condition) {
      const auto holds = condition_holds();
      if (!holds) return true;
      again = *holds;
    }
    if (definition.maximum > 0 && loop.started >= static_cast<std::size_t>(definition.maximum)) again = false;
    done = !again;
  }
  if (!done) {
    // A parallel multi-instance waits for its other runs; the others start the next one.
    if (!definition.multi_instance || (definition.sequential && loop.started < loop.total)) start_run(loop.id, node);
    return true;
  }
  LoopState finished = std::move(loop);
  state_.loops.erase(found);
  cancel_loop_runs(finished.id);
  if (!node.boundary_events.empty()) drop_boundaries(finished.flow_node_instance_id);
  Token outer = body_token(finished);
  JsonText results;
  if (definition.multi_instance) {
    results = "[";
    for (std::size_t i = 0; i < finished.results.size(); ++i) {
      if (i > 0) results += ',';
      results += finished.results[i];
    }
    results += ']';
  } else {
    results = finished.results.empty() ? JsonText("null") : finished.results.front();
  }
  JsonText payload = results;
  leave_with(std::move(outer), node, std::move(results), std::move(payload));
  return true;
}

Token Executor::body_token(const LoopState& loop) {
  Token outer;
  outer.scope = loop.scope;
  outer.node = loop.node;
  outer.flow_node_instance_id = loop.flow_node_instance_id;
  outer.previous_flow_node_instance_id = loop.previous_flow_node_instance_id;
  outer.entered_at_ms = loop.entered_at_ms;
  outer.payload = loop.payload;
  outer.history = loop.history;
  return outer;
}

std::optional<Token> Executor::abandon_loop(std::uint64_t loop_id, FlowNodeState state, JsonText error) {
  auto found = std::find_if(state_.loops.begin(), state_.loops.end(),
                            [&](const LoopState& loop) { return loop.id == loop_id; });
  if (found == state_.loops.end()) return std::nullopt;
  LoopState abandoned = std::move(*found);
  state_.loops.erase(found);
  cancel_loop_runs(abandoned.id);
  drop_boundaries(abandoned.flow_node_instance_id);
  Token outer = body_token(abandoned);
  write_record(outer, model().nodes[abandoned.node], state, "null", std::move(error));
  return outer;
}

std::uint64_t Executor::loop_at(const std::string& flow_node_instance_id) const {
  for (const auto& loop : state_.loops) {
    if (loop.flow_node_instance_id == flow_node_instance_id) return loop.id;
  }
  return 0;
}

void Executor::cancel_loop_runs(std::uint64_t loop_id) {
  for (const auto& waiting : state_.waiting) {
    if (waiting.loop == loop_id) discard_waiting(waiting, FlowNodeState::terminated);
  }
  std::erase_if(state_.waiting, [&](const Token& waiting) { return waiting.loop == loop_id; });
  std::vector<std::string> running;
  for (const auto& scope : state_.scopes) {
    if (scope.loop == loop_id) running.push_back(scope.flow_node_instance_id);
  }
  for (const auto& id : running) interrupt_sub_process(id);
  queue_.erase(std::remove_if(queue_.begin() + static_cast<std::ptrdiff_t>(queue_head_), queue_.end(),
                              [&](const Arrival& arrival) { return arrival.token.loop == loop_id; }),
               queue_.end());
}

}  // namespace processhost::engine
