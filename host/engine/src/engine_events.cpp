// Messages and signals: trigger, delivery to waiting events, auto-start, send/receive tasks,
// and what a commit hands on to them.
#include "engine_core.hpp"
#include "runtime/uuid.hpp"
#include "waiting_views.hpp"

namespace processhost::engine {
namespace {

const char* event_type_of(EventKind kind) { return kind == EventKind::message ? "messageEvent" : "signalEvent"; }

bool starts_on(const FlowNode& node, EventKind kind, const std::string& name) {
  const auto wanted = kind == EventKind::message ? EventDefinition::message : EventDefinition::signal;
  return node.event == wanted && node.event_name == name;
}

Error wait_ended() { return make_error(ErrorStatus::not_found, "the event no longer waits"); }

// A trigger's body is the message as the original's API received it, {"currentToken": ...};
// what the catch event (or boundary event, or the instance it starts) gets is its
// currentToken. A body without one delivers no token.
std::optional<JsonText> current_token_of(const std::optional<JsonText>& body) {
  if (!body) return std::nullopt;
  rapidjson::Document document;
  if (json_parse(*body, document, JsonLimits::for_stored_data()) || !document.IsObject()) return std::nullopt;
  const auto token = document.FindMember("currentToken");
  if (token == document.MemberEnd()) return std::nullopt;
  return json_to_string(token->value);
}

}  // namespace

Identity identity_from_owner(const JsonText& owner_identity) {
  Identity identity;
  rapidjson::Document document;
  if (json_parse(owner_identity, document, JsonLimits::for_stored_data()) || !document.IsObject()) return identity;
  if (auto user = document.FindMember("userId"); user != document.MemberEnd() && user->value.IsString()) {
    identity.user_id = user->value.GetString();
  }
  if (auto claims = document.FindMember("claims"); claims != document.MemberEnd() && claims->value.IsArray()) {
    for (const auto& claim : claims->value.GetArray()) {
      if (claim.IsString()) identity.claims.emplace_back(claim.GetString());
    }
  }
  if (auto super_user = document.FindMember("superUser");
      super_user != document.MemberEnd() && super_user->value.IsBool()) {
    identity.super_user = super_user->value.GetBool();
  }
  return identity;
}

Identity engine_identity() {
  Identity identity;
  identity.user_id = "processhost_internal";
  identity.super_user = true;
  return identity;
}

struct EngineCore::PendingSend {
  std::string process_instance_id;
  std::string correlation_id;
  Identity identity;
  SendRequest request;
  int attempts = 0;
};

void EngineCore::deliver(const Identity& identity, EventKind kind, std::string name, std::optional<JsonText> payload,
                         std::string correlation_id, Callback<Ok> done) {
  if (!store_ || !running_) {
    done(make_error(ErrorStatus::unavailable, "the engine is not running"));
    return;
  }
  for (const auto& model : models_.latest_models()) {
    if (!model->executable) continue;
    for (auto index : model->start_events) {
      if (!starts_on(model->nodes[index], kind, name)) continue;
      launch(identity, model, index, payload.value_or("{}"), make_uuid(), correlation_id, "", [](Result<RunOutcome>&&) {});
    }
  }
  FlowNodeQuery query;
  query.state = FlowNodeState::suspended;
  query.event_type = event_type_of(kind);
  query.event_name = name;
  store_->query_flow_nodes(query, [this, payload, done](Result<PagedList<FlowNodeInstanceRecord>> found) {
    if (!found) return done(std::move(found).take_error());
    std::vector<FlowNodeInstanceRecord> targets;
    for (auto& record : found.value().items) {
      // A send task is answered by a receive task, not by a message of its own name.
      if (record.flow_node_type != "bpmn:SendTask") targets.push_back(std::move(record));
    }
    if (targets.empty()) return done(Ok{});
    auto remaining = std::make_shared<std::atomic<std::size_t>>(targets.size());
    for (const auto& record : targets) {
      runner_.run(
          record.process_instance_id, nullptr,
          [this, id = record.id, payload](InstanceState& state) -> Result<RunOutcome> {
            if (!state.find_waiting(id)) return wait_ended();
            Executor executor(state, environment());
            executor.resume(id, payload.value_or("{}"));
            return std::move(executor).finish();
          },
          [remaining, done](Result<RunOutcome>&&) {
            if (--*remaining == 0) done(Ok{});
          });
    }
  });
}

void EngineCore::after_commit(const ProcessInstanceRecord& instance, const RunOutcome& outcome,
                              std::optional<std::int64_t> earliest_timer) {
  if (earliest_timer) timers_.note_store_due(*earliest_timer);
  for (const auto& topic : outcome.new_task_topics) pollers_.wake(topic);
  if (!outcome.service_calls.empty() && instance.state == ProcessInstanceState::running) {
    service_calls_.start(instance.id, outcome.service_calls);
  }
  const bool ended = instance.state != ProcessInstanceState::running;
  if (outcome.published.empty() && outcome.sends.empty() && outcome.calls.empty() && outcome.escalations.empty() &&
      outcome.children_terminated.empty() && !(ended && !instance.parent_process_instance_id.empty())) {
    return;
  }
  for (const auto& child : outcome.children_terminated) terminate_child(instance.id, child);
  // Before the child's end (if it ended in this run): the parent hears of them in this order.
  for (const auto& escalation : outcome.escalations) {
    if (!instance.parent_process_instance_id.empty()) child_escalated(instance.parent_process_instance_id, instance.id, escalation);
  }
  const Identity owner = identity_from_owner(instance.owner_identity);
  for (const auto& call : outcome.calls) {
    launch(owner, call.model, call.start_event, call.payload, call.child_instance_id, instance.correlation_id,
           instance.id, [this, parent = instance.id, child = call.child_instance_id](Result<RunOutcome>&& started) {
             if (!started) child_ended(parent, child, std::move(started).take_error());
           });
  }
  if (ended && !instance.parent_process_instance_id.empty()) {
    if (outcome.failure) {
      child_ended(instance.parent_process_instance_id, instance.id, *outcome.failure);
    } else {
      child_ended(instance.parent_process_instance_id, instance.id, call_result(instance, outcome));
    }
  }
  for (const auto& publication : outcome.published) {
    EngineEvent event;
    event.kind = publication.kind == EventKind::message ? EngineEventKind::message_sent : EngineEventKind::signal_sent;
    event.process_model_id = instance.process_model_id;
    event.process_instance_id = instance.id;
    event.correlation_id = instance.correlation_id;
    event.flow_node_id = publication.flow_node_id;
    event.flow_node_type = publication.flow_node_type;
    event.owner_user_id = instance.owner_user_id;
    event.payload = "{\"eventName\":" + json_quote(publication.name) + ",\"payload\":" + publication.payload + "}";
    event.timestamp_ms = now_ms();
    events_.publish(event);
    deliver(owner, publication.kind, publication.name, publication.payload, instance.correlation_id, [](Status) {});
  }
  for (const auto& request : outcome.sends) {
    auto send = std::make_shared<PendingSend>();
    send->process_instance_id = instance.id;
    send->correlation_id = instance.correlation_id;
    send->identity = owner;
    send->request = request;
    offer(std::move(send));
  }
}

// One attempt of a send task: hand the message to every waiting receive task of that name
// and finish the send task, or try again later, or fail with 408 after maxRetries attempts.
void EngineCore::offer(std::shared_ptr<PendingSend> send) {
  if (!running_) return;
  FlowNodeQuery query;
  query.state = FlowNodeState::suspended;
  query.flow_node_types = {"bpmn:ReceiveTask"};
  query.event_type = "messageEvent";
  query.event_name = send->request.name;
  store_->query_flow_nodes(query, [this, send](Result<PagedList<FlowNodeInstanceRecord>> found) {
    const auto& request = send->request;
    auto resume_send = [this, send](Transition transition) {
      runner_.run(send->process_instance_id, nullptr, std::move(transition), [](Result<RunOutcome>&&) {});
    };
    if (found && !found.value().items.empty()) {
      for (const auto& record : found.value().items) {
        runner_.run(
            record.process_instance_id, nullptr,
            [this, id = record.id, payload = request.payload](InstanceState& state) -> Result<RunOutcome> {
              if (!state.find_waiting(id)) return wait_ended();
              Executor executor(state, environment());
              executor.resume(id, payload);
              return std::move(executor).finish();
            },
            [](Result<RunOutcome>&&) {});
      }
      resume_send([this, id = request.flow_node_instance_id](InstanceState& state) -> Result<RunOutcome> {
        if (!state.find_waiting(id)) return wait_ended();
        Executor executor(state, environment());
        executor.resume(id, "{}");
        return std::move(executor).finish();
      });
      return;
    }
    ++send->attempts;
    if (request.max_retries > 0 && send->attempts >= request.max_retries) {
      resume_send([this, id = request.flow_node_instance_id](InstanceState& state) -> Result<RunOutcome> {
        Executor executor(state, environment());
        if (!executor.fail_waiting(id, make_error(ErrorStatus::request_timeout,
                                                  "Did not receive a response from a ReceiveTask"))) {
          return wait_ended();
        }
        return std::move(executor).finish();
      });
      return;
    }
    // Retry only while the send task still waits.
    timers_.schedule(now_ms() + request.retry_interval_ms, [this, send] {
      runner_.load(send->process_instance_id, [this, send](Result<std::shared_ptr<InstanceState>> state) {
        if (!state || !state.value()->find_waiting(send->request.flow_node_instance_id)) return;
        offer(send);
      });
    });
  });
}

// {"result", "endEventId", "endEventName"} of a child's last end event; a child whose end
// token already has that shape (it ended with a call activity's result) is flattened.
JsonText EngineCore::call_result(const ProcessInstanceRecord& child, const RunOutcome& outcome) const {
  if (outcome.ends.empty()) return R"({"result":{},"endEventId":"","endEventName":""})";
  const auto& end = outcome.ends.back();
  std::string name;
  if (auto model = models_.version(child.process_model_id, child.process_model_hash)) {
    if (const auto* node = model->find(end.end_event_id)) name = node->name;
  }
  JsonText result = end.payload;
  rapidjson::Document token;
  if (!json_parse(end.payload, token, JsonLimits::for_stored_data()) && token.IsObject() && token.HasMember("result") &&
      token.HasMember("endEventId") && token.HasMember("endEventName")) {
    result = json_to_string(token["result"]);
  }
  return "{\"result\":" + result + ",\"endEventId\":" + json_quote(end.end_event_id) +
         ",\"endEventName\":" + json_quote(name) + "}";
}

void EngineCore::child_ended(const std::string& parent_id, const std::string& child_id, Result<JsonText> result) {
  runner_.run(
      parent_id, nullptr,
      [this, child_id, result](InstanceState& state) -> Result<RunOutcome> {
        if (state.record.state != ProcessInstanceState::running) return wait_ended();
        Executor executor(state, environment());
        if (!executor.child_ended(child_id, result)) return wait_ended();
        return std::move(executor).finish();
      },
      [](Result<RunOutcome>&&) {});
}

void EngineCore::child_escalated(const std::string& parent_id, const std::string& child_id,
                                 const EscalationRaised& escalation) {
  runner_.run(
      parent_id, nullptr,
      [this, child_id, escalation](InstanceState& state) -> Result<RunOutcome> {
        if (state.record.state != ProcessInstanceState::running) return wait_ended();
        Executor executor(state, environment());
        if (!executor.child_escalated(child_id, escalation.code, escalation.payload)) return wait_ended();
        return std::move(executor).finish();
      },
      [](Result<RunOutcome>&&) {});
}

void Engine::trigger(const Identity& identity, EventKind kind, std::string name, std::optional<JsonText> payload,
                     Callback<Ok> done) {
  trigger(identity, kind, std::move(name), std::move(payload), std::nullopt, std::move(done));
}

void Engine::trigger(const Identity& identity, EventKind kind, std::string name, std::optional<JsonText> payload,
                     std::optional<std::string> correlation_id, Callback<Ok> done) {
  core_->deliver(identity, kind, std::move(name), current_token_of(payload), correlation_id.value_or(make_uuid()),
                 std::move(done));
}

void Engine::waiting_events(const Identity& identity, EventQuery query, Callback<PagedList<WaitingEvent>> done) {
  auto& core = *core_;
  if (!core.store()) return done(make_error(ErrorStatus::unavailable, "the engine is not started"));
  FlowNodeQuery flow_query;
  flow_query.state = FlowNodeState::suspended;
  flow_query.events_only = true;
  flow_query.process_model_id = query.process_model_id;
  flow_query.correlation_id = query.correlation_id;
  flow_query.lanes = visible_lanes(identity);
  flow_query.page = query.page;
  core.store()->query_flow_nodes(flow_query, [done](Result<PagedList<FlowNodeInstanceRecord>> found) {
    if (!found) return done(std::move(found).take_error());
    PagedList<WaitingEvent> list;
    list.total_count = found.value().total_count;
    for (auto& record : found.value().items) {
      WaitingEvent event;
      event.bpmn_type = std::move(record.flow_node_type);
      event.event_type = std::move(record.event_type);
      event.event_name = std::move(record.event_name);
      take_waiting_ids(event, record);
      list.items.push_back(std::move(event));
    }
    done(std::move(list));
  });
}

}  // namespace processhost::engine
