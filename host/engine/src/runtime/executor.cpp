#include "runtime/executor.hpp"

#include <algorithm>
#include <chrono>

#include "behaviours/behaviours.hpp"
#include "behaviours/flow_selection.hpp"
#include "model/timer_definition.hpp"
#include "runtime/engine_meters.hpp"
#include "runtime/uuid.hpp"
#include "runtime/worker_pool.hpp"

namespace processhost::engine {

JsonText error_to_json(const Error& error) {
  std::string text = "{\"message\":" + json_quote(error.message) + ",\"code\":";
  text += error.bpmn_code ? json_quote(*error.bpmn_code) : std::to_string(error.http_status());
  if (error.bpmn_name) text += ",\"name\":" + json_quote(*error.bpmn_name);
  if (!error.additional_information.empty()) text += ",\"additionalInformation\":" + error.additional_information;
  return text + "}";
}

Error error_from_json(const JsonText& text) {
  Error error;
  rapidjson::Document document;
  if (json_parse(text, document, JsonLimits::for_stored_data()) || !document.IsObject()) {
    error.message = "the process instance failed";
    return error;
  }
  if (auto message = document.FindMember("message"); message != document.MemberEnd() && message->value.IsString()) {
    error.message = message->value.GetString();
  }
  if (auto code = document.FindMember("code"); code != document.MemberEnd()) {
    if (code->value.IsString()) {
      error.bpmn_code = code->value.GetString();
    } else if (code->value.IsInt()) {
      error.status = static_cast<ErrorStatus>(code->value.GetInt());
    }
  }
  if (auto name = document.FindMember("name"); name != document.MemberEnd() && name->value.IsString()) {
    error.bpmn_name = name->value.GetString();
  }
  if (auto info = document.FindMember("additionalInformation"); info != document.MemberEnd()) {
    error.additional_information = json_to_string(info->value);
  }
  return error;
}

Executor::Executor(InstanceState& state, RunEnvironment environment)
    : state_(state), environment_(std::move(environment)), previous_version_(state.record.version) {}

void Executor::start(std::size_t start_event, JsonText payload) {
  Token token;
  token.payload = std::move(payload);
  const auto& record = state_.record;
  emit(EngineEventKind::process_started, nullptr, {}, token.payload);
  (void)record;
  if (!model().event_starts.empty()) subscribe_event_sub_processes(token);
  if (start_event == kNoIndex) {
    // A process without start event: every node without incoming flow begins at once.
    for (std::size_t i = 0; i + 1 < model().implicit_starts.size(); ++i) {
      push_arrival(Token(token), model().implicit_starts[i], kNoIndex);
    }
    if (!model().implicit_starts.empty()) push_arrival(std::move(token), model().implicit_starts.back(), kNoIndex);
  } else {
    enter({std::move(token), start_event, kNoIndex});
  }
  drain();
}

void Executor::resume(std::string_view flow_node_instance_id, JsonText input) {
  auto found = std::find_if(state_.waiting.begin(), state_.waiting.end(), [&](const Token& token) {
    return token.flow_node_instance_id == flow_node_instance_id;
  });
  if (found == state_.waiting.end()) return;
  Token token = std::move(*found);
  state_.waiting.erase(found);
  if (!token.timer_id.empty()) outcome_.changes.timers_cancelled.push_back(token.timer_id);
  token.timer_id.clear();
  const FlowNode& node = model().nodes[token.node];
  if (node.kind == NodeKind::boundary_event) {
    fire_boundary(std::move(token), node, std::move(input));
  } else if (node.starts_event_sub_process) {
    trigger_event_sub_process(std::move(token), node, std::move(input));
  } else {
    if (!token.attached_to.empty()) settle_event_gateway(token);
    drop_boundaries(token.flow_node_instance_id);
    behaviour_for(node).resume(*this, std::move(token), node, std::move(input));
  }
  drain();
}

bool Executor::fire_timer(const std::string& timer_id) {
  for (const auto& token : state_.waiting) {
    if (token.timer_id == timer_id) {
      const std::string id = token.flow_node_instance_id;
      resume(id, "{}");
      return true;
    }
  }
  return false;
}

bool Executor::fail_waiting(std::string_view flow_node_instance_id, Error error) {
  auto found = std::find_if(state_.waiting.begin(), state_.waiting.end(), [&](const Token& token) {
    return token.flow_node_instance_id == flow_node_instance_id;
  });
  if (found == state_.waiting.end()) return false;
  Token token = std::move(*found);
  state_.waiting.erase(found);
  if (!token.timer_id.empty()) outcome_.changes.timers_cancelled.push_back(token.timer_id);
  drop_boundaries(token.flow_node_instance_id);
  fail(token, model().nodes[token.node], std::move(error));
  drain();
  return true;
}

std::shared_ptr<const ProcessModel> Executor::find_model(const std::string& process_model_id) const {
  return environment_.find_model ? environment_.find_model(process_model_id) : nullptr;
}

void Executor::call(Token&& token, const FlowNode& node, std::shared_ptr<const ProcessModel> called,
                    std::size_t start_event, JsonText payload) {
  token.child_instance_id = make_uuid();
  outcome_.calls.push_back({token.child_instance_id, std::move(called), start_event, std::move(payload)});
  suspend(std::move(token), node);
}

bool Executor::child_ended(const std::string& child_instance_id, Result<JsonText> result) {
  std::string waiting_id;
  for (const auto& token : state_.waiting) {
    if (!child_instance_id.empty() && token.child_instance_id == child_instance_id) {
      waiting_id = token.flow_node_instance_id;
    }
  }
  if (waiting_id.empty()) return false;
  if (result) {
    resume(waiting_id, std::move(result.value()));
    return true;
  }
  return fail_waiting(waiting_id, std::move(result).take_error());
}

void Executor::create_external_task(Token&& token, const FlowNode& node, std::string topic, JsonText payload) {
  ExternalTaskRecord record;
  auto& task = record.task;
  task.id = make_uuid();
  task.topic = std::move(topic);
  task.flow_node_instance_id = token.flow_node_instance_id;
  task.correlation_id = state_.record.correlation_id;
  task.process_model_id = state_.record.process_model_id;
  task.process_instance_id = state_.record.id;
  task.payload = std::move(payload);
  task.state = ExternalTaskState::pending;
  task.created_at_ms = environment_.now_ms;
  record.owner_identity = state_.record.owner_identity;
  record.version = 1;
  outcome_.new_task_topics.push_back(record.task.topic);
  outcome_.changes.external_tasks.push_back(std::move(record));
  suspend(std::move(token), node);
}

// A "${...}" timer value is evaluated against the token when the timer is armed; it must give
// a string in the timer's format (a JavaScript Date gives its ISO-8601 text).
Result<std::int64_t> Executor::due_time(const Token& token, const FlowNode& node) {
  if (is_repeating_boundary(node)) return cycle_due_time(token, node);
  if (!node.timer_script) return timer_due_at(node, environment_.now_ms);
  auto value = run_expression(token, *node.timer_script, node.id);
  if (!value) {
    return make_error(ErrorStatus::unprocessable,
                      "The timer value " + node.timer_value + " of '" + node.id + "' failed: " + value.error().message);
  }
  rapidjson::Document document;
  if (json_parse(value.value(), document, JsonLimits::for_stored_data()) || !document.IsString()) {
    return make_error(ErrorStatus::unprocessable, "The timer value " + node.timer_value + " of '" + node.id +
                                                      "' gave " + value.value() + ", not a string");
  }
  return timer_due_at(node, std::string(document.GetString(), document.GetStringLength()), environment_.now_ms);
}

Status Executor::arm_timer(Token& token, const FlowNode& node) {
  auto due = due_time(token, node);
  if (!due) return std::move(due).take_error();
  TimerRecord timer;
  timer.id = make_uuid();
  timer.process_instance_id = state_.record.id;
  timer.flow_node_instance_id = token.flow_node_instance_id;
  timer.due_at_ms = *due;
  token.timer_id = timer.id;
  outcome_.changes.timers_armed.push_back(std::move(timer));
  return Ok{};
}

void Executor::publish(EventKind kind, const FlowNode& node, JsonText payload) {
  outcome_.published.push_back({kind, node.event_name, std::move(payload), node.id, node.bpmn_type});
}

bool Executor::owner_may_access(const std::string& lane) const {
  if (lane.empty()) return true;
  rapidjson::Document owner;
  if (json_parse(state_.record.owner_identity, owner, JsonLimits::for_stored_data()) || !owner.IsObject()) return false;
  if (auto super_user = owner.FindMember("superUser");
      super_user != owner.MemberEnd() && super_user->value.IsBool() && super_user->value.GetBool()) {
    return true;
  }
  auto claims = owner.FindMember("claims");
  if (claims == owner.MemberEnd() || !claims->value.IsArray()) return false;
  for (const auto& claim : claims->value.GetArray()) {
    if (claim.IsString() && claim.GetString() == lane) return true;
  }
  return false;
}

void Executor::push_arrival(Token&& token, std::size_t node, std::size_t via_flow) {
  if (queue_.capacity() == 0) queue_.reserve(4);
  queue_.emplace_back(std::move(token), node, via_flow);  // built in place (aggregate)
}

void Executor::drain() {
  do {
    while (queue_head_ < queue_.size() && !stopped()) {
      Arrival arrival = std::move(queue_[queue_head_++]);
      // Emptied as soon as drained, so a loop in the model does not grow the vector.
      if (queue_head_ == queue_.size()) {
        queue_.clear();
        queue_head_ = 0;
      }
      enter(std::move(arrival));
    }
  } while (!stopped() && release_inclusive_join());
}

bool Executor::token_may_still_arrive(std::size_t gateway, std::uint64_t scope) const {
  const auto& upstream = model().nodes[gateway].upstream;
  auto can_reach = [&](std::size_t node) { return node < upstream.size() && upstream[node]; };
  for (std::size_t i = queue_head_; i < queue_.size(); ++i) {
    const auto& arrival = queue_[i];
    if (arrival.token.scope == scope && (arrival.node == gateway || can_reach(arrival.node))) return true;
  }
  for (const auto& token : state_.waiting) {
    if (token.scope == scope && can_reach(token.node)) return true;
  }
  // Tokens inside a running sub-process come out of its node.
  for (const auto& inner : state_.scopes) {
    if (inner.parent_scope == scope && can_reach(inner.node)) return true;
  }
  for (const auto& join : state_.joins) {
    if (join.scope == scope && join.gateway != gateway && can_reach(join.gateway)) return true;
  }
  for (const auto& loop : state_.loops) {
    if (loop.scope == scope && can_reach(loop.node)) return true;
  }
  return false;
}

bool Executor::release_inclusive_join() {
  for (const auto& join : state_.joins) {
    if (model().nodes[join.gateway].kind != NodeKind::inclusive_gateway) continue;
    if (token_may_still_arrive(join.gateway, join.scope)) continue;
    Token token;
    token.scope = join.scope;
    // enter() makes this the new instance's previous one: the last branch that arrived.
    token.flow_node_instance_id = join.previous_flow_node_instance_id;
    push_arrival(std::move(token), join.gateway, kNoIndex);
    return true;
  }
  return false;
}

void Executor::enter(Arrival&& arrival) {
  Token& token = arrival.token;
  token.previous_flow_node_instance_id = std::move(token.flow_node_instance_id);
  token.flow_node_instance_id = make_uuid();
  token.entered_at_ms = environment_.now_ms;
  token.node = arrival.node;
  const FlowNode& node = model().nodes[arrival.node];
  if (node.loop && !is_loop_run(token, arrival.node)) {
    start_loop(std::move(token), node);
    return;
  }
  if (environment_.collect_events) emit_entered(token, node);
  if (!node.input_parameters.empty() && !apply_input_parameters(token, node)) return;
  behaviour_for(node).activate(*this, std::move(token), node, arrival.via_flow);
}

void Executor::write_record(const Token& token, const FlowNode& node, FlowNodeState state, JsonText on_exit,
                            JsonText error) {
  auto& records = outcome_.changes.flow_node_instances;
  // Most runs write a few records: one allocation for them instead of growing 1, 2, 4.
  if (records.capacity() == 0) records.reserve(4);
  // Filled in place: a record is 18 strings, moving one costs as much as most of them.
  FlowNodeInstanceRecord& record = records.emplace_back();
  record.id = token.flow_node_instance_id;
  record.process_instance_id = state_.record.id;
  record.process_model_id = state_.record.process_model_id;
  record.correlation_id = state_.record.correlation_id;
  record.owner_user_id = state_.record.owner_user_id;
  record.flow_node_id = node.id;
  record.flow_node_name = node.name;
  record.flow_node_type = node.bpmn_type;
  record.flow_node_lane = node.lane;
  if (node.event == EventDefinition::message || node.kind == NodeKind::receive_task ||
      node.kind == NodeKind::send_task) {
    record.event_type = "messageEvent";
  } else if (node.event == EventDefinition::signal) {
    record.event_type = "signalEvent";
  } else if (node.event == EventDefinition::timer) {
    record.event_type = "timerEvent";
  }
  if (!record.event_type.empty()) record.event_name = node.event_name;
  if (environment_.collect_events && (state == FlowNodeState::finished || state == FlowNodeState::error)) {
    const bool finished = state == FlowNodeState::finished;
    emit_left(token, node, finished, finished ? on_exit : token.payload);
  }
  record.state = state;
  record.previous_flow_node_instance_id = token.previous_flow_node_instance_id;
  record.token_on_enter = token.payload;
  record.token_on_exit = std::move(on_exit);
  record.error = std::move(error);
  record.created_at_ms = token.entered_at_ms;
  if (state != FlowNodeState::suspended && state != FlowNodeState::running) {
    record.finished_at_ms = environment_.now_ms;
  }
}

void Executor::complete_record(const Token& token, const FlowNode& node, const JsonText& payload_on_exit) {
  write_record(token, node, FlowNodeState::finished, payload_on_exit);
}

void Executor::leave(Token&& token, const FlowNode& node, JsonText result) {
  JsonText payload = result;
  leave_with(std::move(token), node, std::move(result), std::move(payload));
}

void Executor::leave_with(Token&& token, const FlowNode& node, JsonText history_entry, JsonText payload) {
  // A looping activity maps each run's result; its own result, the runs' results, stays as is.
  const bool whole_loop = node.loop && token.loop == 0;
  if (!node.output_parameters.empty() && !whole_loop && !apply_output_parameters(token, node, history_entry, payload)) {
    return;
  }
  write_record(token, node, FlowNodeState::finished, payload);
  if (node.loop && ends_loop_run(token, node, history_entry)) return;
  if (model().has_conditional_events) note_data(node.id, history_entry);
  if (node.compensation_handler != kNoIndex || node.for_compensation) [[unlikely]] {
    if (node.for_compensation) {
      run_next_handler(token.compensation);  // a handler ends its token: the next one runs
      end_scope_if_done(token.scope);  // the last handler of a thrower that did not wait
      return;
    }
    note_compensable(token, payload);
  }
  token.record(node.id, std::move(history_entry));
  token.payload = std::move(payload);
  if (node.outgoing.size() > 1) {
    split_implicitly(std::move(token), node);
    return;
  }
  if (node.outgoing.empty()) {
    // A node without outgoing flow ends its token (an implicit end: no end event result; inside
    // a sub-process its payload is the scope's result, as an end event's would be).
    const std::uint64_t scope = token.scope;
    for (auto& open : state_.scopes) {
      if (scope != 0 && open.id == scope) open.result = token.payload;
    }
    end_scope_if_done(scope);
    return;
  }
  take_flow(std::move(token), node.outgoing.front());
}

// BPMN 2.0, 10.5.1: several flows out of an activity or event are a split without a gateway
// (flow_selection.hpp, FlowSelection::implicit).
void Executor::split_implicitly(Token&& token, const FlowNode& node) {
  const auto taken = select_flows(*this, token, node, FlowSelection::implicit);
  if (!taken) return;
  for (std::size_t i = 0; i + 1 < taken->size(); ++i) take_flow(Token(token), (*taken)[i]);
  take_flow(std::move(token), taken->back());
}

void Executor::take_flow(Token&& token, std::size_t flow_index) {
  const std::size_t target = model().flows[flow_index].target;
  push_arrival(std::move(token), target, flow_index);
}

void Executor::jump_to(Token&& token, std::size_t node) { push_arrival(std::move(token), node, kNoIndex); }

void Executor::call_service(Token&& token, const FlowNode& node, std::string method, JsonText arguments) {
  outcome_.service_calls.push_back({token.flow_node_instance_id, std::move(method), std::move(arguments)});
  suspend(std::move(token), node, FlowNodeState::running);
}

void Executor::suspend(Token&& token, const FlowNode& node, FlowNodeState record_state) {
  auto boundaries = watch_boundaries(token, node);
  if (!boundaries) {
    fail(token, node, std::move(boundaries).take_error());
    return;
  }
  write_record(token, node, record_state, "null");
  if (environment_.collect_events && record_state == FlowNodeState::suspended) {
    const EngineEventKind kind = node.kind == NodeKind::user_task        ? EngineEventKind::user_task_waiting
                                 : node.kind == NodeKind::manual_task    ? EngineEventKind::manual_task_waiting
                                 : node.kind == NodeKind::empty_activity ? EngineEventKind::empty_activity_waiting
                                                                         : EngineEventKind::event_waiting;
    emit(kind, &node, token.flow_node_instance_id, token.payload);
  }
  state_.waiting.push_back(std::move(token));
  park_watchers(std::move(boundaries.value()));
}

void Executor::reach_end(Token&& token, const FlowNode& node) {
  write_record(token, node, FlowNodeState::finished, token.payload);
  token.record(node.id, token.payload);
  if (token.scope == 0) {
    record_process_end(token, node);
    return;
  }
  for (auto& scope : state_.scopes) {
    if (scope.id != token.scope) continue;
    scope.result = token.payload;
    if (scope.parent_scope == 0 && model().nodes[scope.node].triggered_by_event) record_process_end(token, node);
  }
  end_scope_if_done(token.scope);
}

void Executor::record_process_end(const Token& token, const FlowNode& node) {
  outcome_.changes.correlation_results.push_back({.correlation_id = state_.record.correlation_id,
                                                  .process_model_id = state_.record.process_model_id,
                                                  .process_instance_id = state_.record.id,
                                                  .end_event_id = node.id,
                                                  .end_event_lane = node.lane,
                                                  .token_payload = token.payload,
                                                  .created_at_ms = environment_.now_ms});
  outcome_.ends.push_back({node.id, token.payload});
  emit(EngineEventKind::end_event_reached, &node, token.flow_node_instance_id, token.payload);
}

void Executor::fail(const Token& token, const FlowNode& node, Error error) {
  if (stopped()) return;
  if (catch_error(token, node, error)) return;
  write_record(token, node, FlowNodeState::error, "null", error_to_json(error));
  failure_ = std::move(error);
}

void Executor::terminate(const Token& token, const FlowNode& node) {
  if (stopped()) return;
  write_record(token, node, FlowNodeState::finished, token.payload);
  terminated_ = true;
  failure_ = make_error(ErrorStatus::internal, "Process was terminated through TerminateEndEvent '" + node.id + "'");
}

void Executor::terminate_instance(Error reason) {
  if (stopped()) return;
  terminated_ = true;
  failure_ = std::move(reason);
}

std::string Executor::identity_json() const {
  if (identity_json_.empty()) {
    identity_json_ = "{\"userId\":" + json_quote(state_.record.owner_user_id) +
                     ",\"token\":\"\",\"identity\":" + state_.record.owner_identity + "}";
  }
  return identity_json_;
}

// Each run marks its worker as blocked for the pool (WorkerPool::LongRun): it may take the
// whole budget, and other instances' transitions should not wait for it.
template <typename Run>
auto Executor::run_scripted(const Token& token, const Script& script, std::string_view origin, Run run) {
  const std::string token_text = script.uses_token ? token_json(token) : std::string();
  const std::string identity = script.uses_token ? identity_json() : std::string();
  ScriptCall call{&script, token_text, identity, environment_.script_budget, environment_.logger, origin};
  call.memory_limit_bytes = environment_.script_memory_limit_bytes;
  const WorkerPool::LongRun long_run;
  if (environment_.meters == nullptr || !environment_.meters->attached()) return run(call);
  const auto started = std::chrono::steady_clock::now();
  auto result = run(call);
  environment_.meters->script_ran(std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  return result;
}

Result<JsonText> Executor::run_script(const Token& token, const Script& script, std::string_view origin) {
  return run_scripted(token, script, origin, [](const ScriptCall& call) { return engine::run_script(call); });
}

Result<bool> Executor::run_condition(const Token& token, const Script& script, std::string_view origin) {
  return run_scripted(token, script, origin, [](const ScriptCall& call) { return engine::run_condition(call); });
}

Result<JsonText> Executor::run_expression(const Token& token, const Script& script, std::string_view origin) {
  return run_scripted(token, script, origin, [](const ScriptCall& call) { return engine::run_expression(call); });
}

void Executor::close_instance() {
  auto& record = state_.record;
  // Only the process's event sub-processes still wait: the process is done, and they end.
  if (!failure_ && !model().event_starts.empty() && state_.scopes.empty() && state_.joins.empty() &&
      std::all_of(state_.waiting.begin(), state_.waiting.end(), [&](const Token& token) { return is_subscription(token); })) {
    drop_subscriptions(0);
  }
  if (failure_) {
    // Everything still waiting ends with the instance.
    for (const auto& token : state_.waiting) discard_waiting(token, FlowNodeState::terminated);
    for (const auto& scope : state_.scopes) {
      write_record(sub_process_token(scope), model().nodes[scope.node], FlowNodeState::terminated, "null");
    }
    state_.waiting.clear();
    state_.scopes.clear();
    state_.joins.clear();
    state_.loops.clear();
    state_.compensable.clear();
    state_.compensations.clear();
    record.state = terminated_ ? ProcessInstanceState::terminated : ProcessInstanceState::error;
    record.error = error_to_json(*failure_);
    record.finished_at_ms = environment_.now_ms;
    emit(terminated_ ? EngineEventKind::process_terminated : EngineEventKind::process_error, nullptr, {}, record.error);
    outcome_.failure = failure_;
  } else if (state_.waiting.empty() && state_.scopes.empty() && state_.joins.empty()) {
    state_.compensable.clear();
    record.state = ProcessInstanceState::finished;
    record.finished_at_ms = environment_.now_ms;
    emit(EngineEventKind::process_finished, nullptr, {},
         outcome_.ends.empty() ? JsonText("null") : outcome_.ends.back().payload);
  } else {
    record.state = ProcessInstanceState::running;
  }
  record.runtime_state = record.state == ProcessInstanceState::running ? serialize_runtime_state(state_) : JsonText("null");
}

RunOutcome Executor::finish() && {
  if (model().has_conditional_events && !stopped()) reevaluate_conditions();
  close_instance();
  // A task that ended in the run that started it (its scope cancelled, the instance failed)
  // needs no call.
  std::erase_if(outcome_.service_calls,
                [&](const ServiceCallRequest& call) { return !state_.find_waiting(call.flow_node_instance_id); });
  // A child requested and left in the same run is never started (nor terminated).
  if (!outcome_.children_terminated.empty()) [[unlikely]] {
    std::erase_if(outcome_.children_terminated, [&](const ChildTermination& child) {
      const auto before = outcome_.calls.size();
      std::erase_if(outcome_.calls,
                    [&](const CallRequest& call) { return call.child_instance_id == child.child_instance_id; });
      return outcome_.calls.size() != before;
    });
  }
  state_.record.version = previous_version_ + 1;
  outcome_.changes.expected_version = previous_version_;
  // The state keeps its record for the next transition but never reads its runtime state
  // text again (a restore reads the store's): that part moves instead of being copied.
  JsonText runtime_state = std::move(state_.record.runtime_state);
  state_.record.runtime_state = "null";
  outcome_.changes.instance = state_.record;
  outcome_.changes.instance.runtime_state = std::move(runtime_state);
  return std::move(outcome_);
}

}  // namespace processhost::engine
