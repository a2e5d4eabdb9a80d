// EngineService calls that change instances: deploy, start, finish a task.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include <rapidjson/allocators.h>

#include "processhost/json.hpp"

#include "engine_core.hpp"
#include "runtime/uuid.hpp"

namespace processhost::engine {
namespace {

std::string owner_identity_json(const Identity& identity) {
  std::string text;
  text.reserve(48 + identity.user_id.size());
  text += "{\"userId\":";
  text += json_quote(identity.user_id);
  text += ",\"claims\":[";
  for (std::size_t i = 0; i < identity.claims.size(); ++i) {
    if (i) text += ',';
    text += json_quote(identity.claims[i]);
  }
  text += identity.super_user ? "],\"superUser\":true}" : "]}";
  return text;
}

// The start event a request starts at: the one it names, or the only one the identity may
// use. The caller sees only accessible start events, so the choice is among those.
Result<std::size_t> pick_start_event(const ProcessModel& model, const Identity& identity,
                                     const std::optional<std::string>& start_event_id) {
  // As the original, the model is looked up as the caller may see it first: one none of whose
  // start events is accessible is refused whole, whichever start event the request names.
  if (!model_visible_to(model, identity)) {
    return make_error(
        ErrorKind::no_accessible_start_event, {.id = model.id}, ErrorStatus::forbidden,
        "access denied: no start event of process model '" + model.id + "' is accessible to this identity");
  }
  if (start_event_id) {
    for (auto index : model.start_events) {
      const auto& node = model.nodes[index];
      if (node.id != *start_event_id) continue;
      if (may_access_lane(identity, node.lane)) return index;
      return make_error(ErrorKind::start_event_not_accessible, {.id = node.id}, ErrorStatus::forbidden,
                        "access denied: start event '" + node.id + "' is in lane '" + node.lane + "'");
    }
    return make_error(ErrorKind::start_event_not_found, {.id = *start_event_id}, ErrorStatus::not_found,
                      "start event '" + *start_event_id + "' not found in process model '" + model.id + "'");
  }
  // A process without start event begins at every node without incoming flow (Executor::start).
  if (model.start_events.empty()) return kNoIndex;
  std::size_t accessible = 0;
  std::size_t picked = kNoIndex;
  for (auto index : model.start_events) {
    if (!may_access_lane(identity, model.nodes[index].lane)) continue;
    ++accessible;
    picked = index;
  }
  if (accessible == 1) return picked;
  ErrorSubject subject{.id = model.id};
  for (auto index : model.start_events) {
    if (may_access_lane(identity, model.nodes[index].lane)) subject.candidates.push_back(model.nodes[index].id);
  }
  return make_error(ErrorKind::several_start_events, std::move(subject), ErrorStatus::bad_request,
                    "process model '" + model.id + "' has " + std::to_string(accessible) +
                        " start events; name one with start_event_id");
}

bool has_accessible_end_event(const ProcessModel& model, const Identity& identity, const std::string& end_event_id) {
  for (auto index : model.end_events) {
    const auto& node = model.nodes[index];
    if (node.id == end_event_id) return may_access_lane(identity, node.lane);
  }
  return false;
}

Error task_not_waiting(const FinishTaskRequest& request) {
  const std::string_view kind_name = task_kind_name(request.kind);
  return make_error(ErrorKind::task_not_waiting,
                    {request.flow_node_instance_id, std::string(kind_name), request.process_instance_id,
                     request.correlation_id, {}},
                    ErrorStatus::not_found,
                    "Process instance '" + request.process_instance_id + "' in correlation '" +
                        request.correlation_id + "' does not have " +
                        (request.kind == TaskKind::empty_activity ? "an " : "a ") + std::string(kind_name) +
                        " with id '" + request.flow_node_instance_id + "' waiting");
}

bool kind_matches(TaskKind kind, NodeKind node_kind) {
  return (kind == TaskKind::user_task && node_kind == NodeKind::user_task) ||
         (kind == TaskKind::manual_task && node_kind == NodeKind::manual_task) ||
         (kind == TaskKind::empty_activity && node_kind == NodeKind::empty_activity);
}

// A short text (a form's few fields, the usual finish result) is accepted by a recursive parse
// of a local copy, in place: no allocation, no limit handler, and a depth of at most half its
// length, far below the stored data's depth limit. ASCII text is valid UTF-8 as it is, so only
// other text has its encoding checked. It accepts exactly what json_validate accepts under the
// stored data's limits with U+0000 refused; whatever it refuses (a byte order mark included)
// goes through json_validate, which says why.
constexpr std::size_t kShortJson = 256;

struct RefusingNul : rapidjson::BaseReaderHandler<rapidjson::UTF8<>, RefusingNul> {
  // Keys reach here too (BaseReaderHandler::Key calls String).
  bool String(const char* text, rapidjson::SizeType length, bool) { return std::memchr(text, 0, length) == nullptr; }
};

bool all_ascii(std::string_view text) {
  std::uint64_t high = 0;
  std::size_t i = 0;
  for (; i + 8 <= text.size(); i += 8) {
    std::uint64_t word;
    std::memcpy(&word, text.data() + i, 8);
    high |= word;
  }
  for (; i < text.size(); ++i) high |= static_cast<unsigned char>(text[i]);
  return (high & 0x8080808080808080ULL) == 0;
}

bool short_json_valid(std::string_view text) {
  if (text.size() > kShortJson) return false;
  char copy[kShortJson + 1];
  std::memcpy(copy, text.data(), text.size());
  copy[text.size()] = '\0';
  rapidjson::InsituStringStream input(copy);
  // In place the reader needs no stack of its own for strings; numbers and nothing else use it.
  alignas(std::max_align_t) char buffer[kShortJson];
  rapidjson::MemoryPoolAllocator<> allocator(buffer, sizeof buffer);
  rapidjson::GenericReader<rapidjson::UTF8<>, rapidjson::UTF8<>, rapidjson::MemoryPoolAllocator<>> reader(&allocator, 64);
  RefusingNul handler;
  constexpr unsigned kInsitu = rapidjson::kParseInsituFlag;
  const auto parsed = all_ascii(text) ? reader.Parse<kInsitu>(input, handler)
                                      : reader.Parse<kInsitu | rapidjson::kParseValidateEncodingFlag>(input, handler);
  // A NUL byte ends the copy for the reader: the text's own NUL bytes are no JSON either.
  return !parsed.IsError() && input.Tell() == text.size();
}

// Validates caller-supplied JSON; empty text means absent. json_validate, not json_parse:
// no document, no allocation (a Document allocates a 64 KiB pool per parse). The caller
// applied its request limits already; here only what would break the engine or the store
// is refused: nesting beyond any configurable depth, and U+0000 (PostgreSQL refuses it).
std::optional<Error> invalid_json(const std::string& text, const char* what) {
  if (short_json_valid(text)) return std::nullopt;
  JsonLimits limits = JsonLimits::for_stored_data();
  limits.refuse_nul = true;
  if (auto error = json_validate(text, limits)) {
    return make_error(ErrorStatus::bad_request, std::string(what) + " is not valid JSON: " + error->message,
                      error->additional_information());
  }
  return std::nullopt;
}

}  // namespace

void Engine::deploy(std::string xml, std::string source_name, Callback<ProcessModelInfo> done) {
  auto& core = *core_;
  if (!core.store()) {
    done(make_error(ErrorStatus::unavailable, "the engine is not started"));
    return;
  }
  core.post([&core, xml = std::move(xml), source_name = std::move(source_name), done = std::move(done)] {
    auto outcome = core.parse(xml);
    if (!outcome.ok()) {
      std::string message = source_name + ": invalid process model: " +
                            (outcome.problems.front().element_id.empty()
                                 ? std::string()
                                 : "'" + outcome.problems.front().element_id + "': ") +
                            outcome.problems.front().message;
      if (outcome.problems.size() > 1) message += " (and " + std::to_string(outcome.problems.size() - 1) + " more)";
      done(make_error(ErrorStatus::unprocessable, std::move(message), problems_to_json(outcome.problems)));
      return;
    }
    auto model = outcome.model;
    for (const auto& warning : outcome.warnings) core.logger().warn("engine: " + source_name + ": " + warning.message);
    // The latest version deployed again: nothing changes in the store. Any other version
    // known here (an earlier one, or one of a deleted model) is saved again, so that the store,
    // which decides the latest for every host sharing it, makes it the latest.
    if (auto latest = core.models().latest(model->id); latest && latest->hash == model->hash) {
      core.register_model(latest);
      done(model_info(*latest, nullptr));
      return;
    }
    const std::int64_t deployed_at_ms = core.next_deploy_time_ms();
    ProcessDefinitionRecord record{model->id, model->hash, xml, deployed_at_ms};
    core.store()->save_definition(std::move(record), [&core, model, source_name, deployed_at_ms, done](Status saved) {
      if (!saved) {
        done(std::move(saved).take_error());
        return;
      }
      core.register_model(model, deployed_at_ms);
      core.logger().info("engine: deployed " + model->id + " (" + model->hash.substr(0, 12) + ") from " + source_name);
      done(model_info(*model, nullptr));
    });
  });
}

namespace {

// The answer to a start whose instance exists already (a repeated start with an
// Idempotency-Key): its ids at once, or, for callback types 2 and 3, its end: read from the
// correlation results when it has ended, else awaited like a fresh start's.
void answer_started(EngineCore& core, const ProcessInstanceRecord& instance, std::shared_ptr<StartWaiter> waiter) {
  waiter->correlation_id = instance.correlation_id;
  waiter->process_instance_id = instance.id;
  if (waiter->type == StartCallbackType::on_instance_created) {
    return waiter->complete(StartResult{instance.correlation_id, instance.id, {}, {}});
  }
  if (instance.state == ProcessInstanceState::running) {
    core.waiters().add(waiter);
    return;
  }
  core.store()->query_results(
      instance.correlation_id, instance.process_model_id,
      [waiter, id = instance.id](Result<std::vector<CorrelationResultRecord>> results) {
        if (!results) return waiter->complete(std::move(results).take_error());
        for (const auto& result : *results) {
          if (result.process_instance_id != id) continue;
          if (waiter->type == StartCallbackType::on_process_finished || result.end_event_id == waiter->end_event_id) {
            return waiter->complete(
                StartResult{waiter->correlation_id, id, result.end_event_id, result.token_payload});
          }
        }
        waiter->complete(StartResult{waiter->correlation_id, id, std::nullopt, "null"});
      });
}

// Launches the start's instance as instance_id. keyed: the id was claimed with an
// Idempotency-Key, so a failure may mean that a concurrent repetition created it: then that
// instance is the answer.
void launch_start(EngineCore& core, const Identity& identity, const StartRequest& request,
                  std::shared_ptr<const ProcessModel> model, std::size_t start_index, JsonText payload,
                  const std::string& instance_id, std::shared_ptr<StartWaiter> waiter, bool keyed) {
  const std::string correlation_id = request.correlation_id.value_or(make_uuid());
  waiter->correlation_id = correlation_id;
  waiter->process_instance_id = instance_id;
  const bool waits_for_end = request.callback_type != StartCallbackType::on_instance_created;
  // Registered before the first transition so an instance that ends at once still answers.
  if (waits_for_end) core.waiters().add(waiter);
  core.launch(identity, model, start_index, std::move(payload), instance_id, correlation_id,
              request.caller_id.value_or(""),
              [&core, waiter, waits_for_end, keyed, instance_id](Result<RunOutcome>&& outcome) {
                if (!outcome) {
                  if (waits_for_end) core.waiters().remove(waiter);
                  if (!keyed) return waiter->complete(std::move(outcome).take_error());
                  auto error = std::move(outcome).take_error();
                  core.store()->load_instance(
                      instance_id, [&core, waiter, error](Result<std::optional<ProcessInstanceRecord>> found) {
                        if (found && found->has_value()) return answer_started(core, **found, waiter);
                        waiter->complete(error);
                      });
                  return;
                }
                if (!waits_for_end) {
                  waiter->complete(StartResult{waiter->correlation_id, waiter->process_instance_id, {}, {}});
                }
              });
}

// A repeated keyed start: the instance the key names is the answer when it exists; when the
// first attempt failed before committing it, this start creates it under that id.
void answer_or_launch(EngineCore& core, const Identity& identity, std::shared_ptr<StartRequest> request,
                      std::shared_ptr<const ProcessModel> model, std::size_t start_index, JsonText payload,
                      std::string instance_id, std::shared_ptr<StartWaiter> waiter) {
  core.store()->load_instance(
      instance_id, [&core, identity, request, model, start_index, payload = std::move(payload), instance_id,
                    waiter](Result<std::optional<ProcessInstanceRecord>> found) mutable {
        if (!found) return waiter->complete(std::move(found).take_error());
        if (found->has_value()) return answer_started(core, **found, waiter);
        launch_start(core, identity, *request, model, start_index, std::move(payload), instance_id, waiter, true);
      });
}

// A start with its model decided: checks, then the first transition.
void start_model(EngineCore& core, const Identity& identity, StartRequest request,
                 std::shared_ptr<const ProcessModel> model, std::shared_ptr<StartWaiter> waiter) {
  if (!model) {
    waiter->complete(make_error(ErrorKind::process_model_not_found, {.id = request.process_model_id},
                                ErrorStatus::not_found, "process model '" + request.process_model_id + "' not found"));
    return;
  }
  if (!model->executable) {
    waiter->complete(make_error(ErrorKind::process_model_not_executable, {.id = model->id}, ErrorStatus::bad_request,
                                "process model '" + model->id + "' is not executable"));
    return;
  }
  auto start_index = pick_start_event(*model, identity, request.start_event_id);
  if (!start_index) return waiter->complete(std::move(start_index).take_error());
  if (request.callback_type == StartCallbackType::on_end_event_reached) {
    if (!request.end_event_id) {
      return waiter->complete(make_error(ErrorStatus::bad_request, "callback type 3 needs end_event_id"));
    }
    if (!has_accessible_end_event(*model, identity, *request.end_event_id)) {
      return waiter->complete(make_error(ErrorKind::end_event_not_found, {.id = *request.end_event_id},
                                         ErrorStatus::not_found,
                                         "end event '" + *request.end_event_id + "' not found in process model '" +
                                             model->id + "'"));
    }
    waiter->end_event_id = *request.end_event_id;
  }
  // Only the caller's text needs checking; without input values the payload is the engine's own "{}".
  if (request.input_values) {
    if (auto error = invalid_json(*request.input_values, "inputValues")) return waiter->complete(std::move(*error));
  }
  JsonText payload = request.input_values ? std::move(*request.input_values) : JsonText("{}");

  if (request.idempotency_key && core.store()) {
    // The key decides the instance id before anything is committed: the first start records
    // its fresh id under the key, a repeated one learns that id and answers its instance.
    const std::string start_key = identity.user_id + '\n' + model->id + '\n' + *request.idempotency_key;
    const std::string fresh_id = make_uuid();
    auto shared = std::make_shared<StartRequest>(std::move(request));
    core.store()->claim_start_key(
        start_key, fresh_id, core.now_ms(),
        [&core, identity, shared, model, start_index = *start_index, payload = std::move(payload), waiter,
         fresh_id](Result<std::string> claimed) mutable {
          if (!claimed) return waiter->complete(std::move(claimed).take_error());
          if (*claimed == fresh_id) {
            return launch_start(core, identity, *shared, model, start_index, std::move(payload), *claimed, waiter,
                                true);
          }
          answer_or_launch(core, identity, shared, model, start_index, std::move(payload), *claimed, waiter);
        });
    return;
  }
  launch_start(core, identity, request, model, *start_index, std::move(payload), make_uuid(), waiter, false);
}

}  // namespace

CancelHandle Engine::start(const Identity& identity, StartRequest request, Callback<StartResult> done) {
  auto& core = *core_;
  auto waiter = std::make_shared<StartWaiter>();
  waiter->type = request.callback_type;
  waiter->done = std::move(done);
  auto model = core.models().latest(request.process_model_id);
  if (model || !core.store()) {
    start_model(core, identity, std::move(request), std::move(model), waiter);
    return waiter;
  }
  // Unknown here, perhaps deployed by another host: the store's definitions decide.
  auto shared = std::make_shared<StartRequest>(std::move(request));
  core.read_stored_definitions([&core, identity, shared, waiter](Status read) {
    if (!read) return waiter->complete(std::move(read).take_error());
    auto stored = core.models().latest(shared->process_model_id);
    start_model(core, identity, std::move(*shared), std::move(stored), waiter);
  });
  return waiter;
}

void EngineCore::launch(const Identity& identity, std::shared_ptr<const ProcessModel> model, std::size_t start_index,
                        JsonText payload, std::string instance_id, std::string correlation_id, std::string caller_id,
                        TransitionDone done) {
  auto state = std::make_shared<InstanceState>();
  state->model = std::move(model);
  auto& record = state->record;
  record.id = std::move(instance_id);
  record.process_model_id = state->model->id;
  record.process_model_hash = state->model->hash;
  record.correlation_id = std::move(correlation_id);
  record.parent_process_instance_id = std::move(caller_id);
  record.owner_user_id = identity.user_id;
  record.owner_identity = owner_identity_json(identity);
  record.state = ProcessInstanceState::running;
  record.created_at_ms = now_ms();
  runner_.run(
      state->record.id, state,
      [this, start_index, payload = std::move(payload)](InstanceState& instance) -> Result<RunOutcome> {
        Executor executor(instance, environment());
        executor.start(start_index, payload);
        return std::move(executor).finish();
      },
      std::move(done));
}

void Engine::finish_task(const Identity& identity, FinishTaskRequest request, Callback<Ok> done) {
  auto& core = *core_;
  if (request.kind == TaskKind::user_task && !request.result.empty()) {
    if (auto error = invalid_json(request.result, "result")) {
      done(std::move(*error));
      return;
    }
  }
  // Shared by the transition (which may run again after a conflict) and the completion.
  auto finish = std::make_shared<const FinishTaskRequest>(std::move(request));
  core.runner().run(
      finish->process_instance_id, nullptr,
      [&core, identity, finish](InstanceState& instance) -> Result<RunOutcome> {
        const Token* token = instance.find_waiting(finish->flow_node_instance_id);
        const FlowNode* node = token ? &instance.model->nodes[token->node] : nullptr;
        if (instance.record.correlation_id != finish->correlation_id || !node || !kind_matches(finish->kind, node->kind)) {
          return task_not_waiting(*finish);
        }
        if (!may_access_lane(identity, node->lane)) {
          return make_error(ErrorStatus::forbidden,
                            "access denied: task '" + node->id + "' is in lane '" + node->lane + "'");
        }
        Executor executor(instance, core.environment());
        executor.resume(finish->flow_node_instance_id,
                        finish->kind == TaskKind::user_task ? finish->result : JsonText("{}"));
        return std::move(executor).finish();
      },
      [done = std::move(done), finish](Result<RunOutcome>&& outcome) {
        if (outcome) return done(Ok{});
        // An unknown instance has no such task waiting either: the caller asked about the task.
        if (outcome.error().kind == ErrorKind::process_instance_not_found) return done(task_not_waiting(*finish));
        done(std::move(outcome).take_error());
      });
}

}  // namespace processhost::engine
