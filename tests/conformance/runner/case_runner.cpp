#include "case_runner.hpp"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <regex>
#include <thread>

#include "json_match.hpp"
#include "processhost/json.hpp"

namespace processhost::conformance {
namespace {

constexpr auto kExpectTimeout = std::chrono::seconds(12);

// Polls until check() returns true; check may throw CaseFailure to report the last state.
template <class Check>
void eventually(const std::string& what, Check check) {
  const auto deadline = std::chrono::steady_clock::now() + kExpectTimeout;
  std::string last;
  while (true) {
    try {
      if (check()) return;
      last.clear();
    } catch (const CaseFailure& failure) {
      last = failure.what();
    }
    if (std::chrono::steady_clock::now() > deadline) {
      throw CaseFailure(what + ": not reached within 12 s" + (last.empty() ? "" : " (" + last + ")"));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

std::string text_of(const rapidjson::Value& object, const char* name) {
  auto found = object.FindMember(name);
  return found != object.MemberEnd() && found->value.IsString() ? found->value.GetString() : std::string();
}

const rapidjson::Value* member(const rapidjson::Value& object, const char* name) {
  auto found = object.FindMember(name);
  return found == object.MemberEnd() ? nullptr : &found->value;
}

rapidjson::Document parse(const std::string& text) {
  rapidjson::Document document;
  if (auto error = json_parse(text, document, JsonLimits::for_stored_data())) {
    throw CaseFailure("engine produced invalid JSON '" + text + "': " + error->message);
  }
  return document;
}

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

std::string fresh_correlation_id() {
  static std::atomic<unsigned> counter{0};
  return "conformance-" + std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()) + "-" +
         std::to_string(++counter);
}

std::int64_t wall_clock_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

CaseRunner::CaseRunner(const rapidjson::Value& test_case, CaseTarget& target) : case_(test_case), target_(target) {}

void CaseRunner::run() {
  model_id_ = text_of(case_, "processModelId");
  const auto* correlation = member(case_, "correlationId");
  correlation_id_ = correlation && correlation->IsString() ? correlation->GetString() : fresh_correlation_id();
  const auto* no_start = member(case_, "noStart");
  if (!(no_start && no_start->IsBool() && no_start->GetBool())) {
    start_instance(model_id_, *member(case_, "startEventId"), *member(case_, "input"));
  }
  std::size_t index = 0;
  for (const auto& step : (*member(case_, "steps")).GetArray()) {
    ++index;
    try {
      run_step(step);
    } catch (const CaseFailure& failure) {
      throw CaseFailure("step " + std::to_string(index) + " " + json_text(step) + ": " + failure.what());
    }
  }
}

void CaseRunner::start_instance(const std::string& model_id, const rapidjson::Value& start_event,
                                const rapidjson::Value& input) {
  StartRequest request;
  request.process_model_id = model_id;
  if (start_event.IsString()) request.start_event_id = start_event.GetString();
  if (!input.IsNull()) request.input_values = json_text(input);
  request.correlation_id = correlation_id_;
  if (started_at_ms_ == 0) started_at_ms_ = wall_clock_ms();
  auto started = target_.start(request);
  if (!started) throw CaseFailure("start failed: " + started.error().message);
  if (instance_id_.empty()) instance_id_ = started->process_instance_id;
}

std::string CaseRunner::model_of(const rapidjson::Value& step) const {
  const std::string model = text_of(step, "processModelId");
  return model.empty() ? model_id_ : model;
}

void CaseRunner::run_step(const rapidjson::Value& step) {
  const std::string expect = text_of(step, "expect");
  const std::string action = text_of(step, "do");
  if (expect == "waiting_user_task") return expect_waiting_task(step, TaskKind::user_task);
  if (expect == "waiting_manual_task") return expect_waiting_task(step, TaskKind::manual_task);
  if (expect == "waiting_empty_activity") return expect_waiting_task(step, TaskKind::empty_activity);
  if (action == "finish_user_task") return finish_task(step, TaskKind::user_task);
  if (action == "finish_manual_task") return finish_task(step, TaskKind::manual_task);
  if (action == "finish_empty_activity") return finish_task(step, TaskKind::empty_activity);
  if (expect == "finished") return expect_finished(step);
  if (expect == "error") return expect_error(step);
  if (expect == "no_waiting_user_tasks") return expect_no_waiting_user_tasks(step);
  if (action == "wait_ms") {
    std::this_thread::sleep_for(std::chrono::milliseconds(step["ms"].GetInt()));
    return;
  }
  if (expect == "waiting_external_task") return expect_external_task(step);
  if (action == "finish_external_task") return finish_external_task(step);
  if (action == "trigger_message") return trigger(step, EventKind::message);
  if (action == "trigger_signal") return trigger(step, EventKind::signal);
  if (expect == "waiting_event") return expect_waiting_event(step);
  if (expect == "message_sent" || expect == "signal_sent") return expect_sent(step, expect);
  if (expect == "process_started") return expect_process_started(step, true);
  if (expect == "no_process_started") return expect_process_started(step, false);
  if (action == "start_process") {
    return start_instance(model_of(step), *member(step, "startEventId"), *member(step, "input"));
  }
  throw CaseFailure("step kind '" + (expect.empty() ? action : expect) + "' is not supported by this runner yet");
}

std::optional<WaitingTask> CaseRunner::find_task(const std::string& flow_node_id, TaskKind kind) {
  auto listed = target_.waiting_tasks(kind, correlation_id_, std::nullopt);
  if (!listed) throw CaseFailure("listing tasks failed: " + listed.error().message);
  for (auto& task : *listed) {
    if (task.flow_node_id == flow_node_id) return task;
  }
  return std::nullopt;
}

void CaseRunner::expect_waiting_task(const rapidjson::Value& step, TaskKind kind) {
  const std::string flow_node_id = text_of(step, "flowNodeId");
  std::optional<WaitingTask> task;
  eventually("task " + flow_node_id + " waiting", [&] { return (task = find_task(flow_node_id, kind)).has_value(); });
  seen_tasks_[flow_node_id] = task->flow_node_instance_id;
  const auto* expected_fields = member(step, "formFields");
  if (!expected_fields) return;
  const auto& fields = task->user_task.form_fields;
  if (fields.size() != expected_fields->Size()) throw CaseFailure("form field count differs");
  for (rapidjson::SizeType i = 0; i < expected_fields->Size(); ++i) {
    const auto& expected = (*expected_fields)[i];
    const auto& actual = fields[i];
    if (text_of(expected, "id") != actual.id || text_of(expected, "type") != actual.type) {
      throw CaseFailure("form field " + std::to_string(i) + " is " + actual.id + ":" + actual.type);
    }
    const std::pair<const char*, const std::optional<JsonText>*> values[] = {{"label", &actual.label},
                                                                             {"defaultValue", &actual.default_value}};
    for (const auto& [name, value] : values) {
      const auto* wanted = member(expected, name);
      if (!wanted) continue;
      auto got = parse(value->value_or("null"));
      if (!json_equal(*wanted, got)) {
        throw CaseFailure(std::string("form field ") + actual.id + " " + name + " is " + json_text(got) +
                          ", expected " + json_text(*wanted));
      }
    }
  }
}

void CaseRunner::finish_task(const rapidjson::Value& step, TaskKind kind) {
  const std::string flow_node_id = text_of(step, "flowNodeId");
  std::string flow_node_instance_id;
  if (auto waiting = find_task(flow_node_id, kind)) {
    flow_node_instance_id = waiting->flow_node_instance_id;
  } else if (auto seen = seen_tasks_.find(flow_node_id); seen != seen_tasks_.end()) {
    flow_node_instance_id = seen->second;  // finishing again what was finished before
  } else {
    throw CaseFailure("task " + flow_node_id + " was never seen waiting");
  }
  FinishTaskRequest request;
  request.kind = kind;
  request.process_instance_id = instance_id_;
  request.correlation_id = correlation_id_;
  request.flow_node_instance_id = flow_node_instance_id;
  request.result = "{}";
  if (const auto* result = member(step, "result")) {
    if (const auto* fields = member(*result, "formFields")) request.result = json_text(*fields);
  }
  seen_tasks_[flow_node_id] = flow_node_instance_id;
  auto finished = target_.finish_task(request);
  const auto* expect_error = member(step, "expectError");
  if (!expect_error) {
    if (!finished) throw CaseFailure("finish failed: " + finished.error().message);
    return;
  }
  if (finished) throw CaseFailure("finish was accepted, expected a refusal");
  if (const auto* code = member(*expect_error, "code");
      code && code->IsInt() && code->GetInt() != finished.error().http_status()) {
    throw CaseFailure("refused with " + std::to_string(finished.error().http_status()));
  }
  const std::string contains = text_of(*expect_error, "messageContains");
  if (lower(finished.error().message).find(lower(contains)) == std::string::npos) {
    throw CaseFailure("refusal message '" + finished.error().message + "' lacks '" + contains + "'");
  }
}

void CaseRunner::expect_finished(const rapidjson::Value& step) {
  const std::string end_event_id = text_of(step, "endEventId");
  const std::string model = model_of(step);
  std::optional<CorrelationResult> reached;
  eventually("end event " + end_event_id + " reached", [&] {
    auto results = target_.correlation_results(correlation_id_, model);
    if (!results) throw CaseFailure(results.error().message);
    for (const auto& result : *results) {
      if (result.end_event_id == end_event_id) reached = result;
    }
    if (!reached && !instance_id_.empty() && model == model_id_) {
      auto snapshot = target_.instance(instance_id_);
      if (snapshot && snapshot->state != "running") {
        throw CaseFailure("instance ended " + snapshot->state + ": " + snapshot->error);
      }
    }
    return reached.has_value();
  });
  // A lower bound (the end came after its timers), checked on the store's time of the result.
  if (const auto* min_elapsed = member(step, "minElapsedMs"); min_elapsed && min_elapsed->IsInt()) {
    for (const auto& [result_end_event_id, created_at_ms] : target_.result_times(correlation_id_, model)) {
      if (result_end_event_id != end_event_id) continue;
      const auto elapsed = created_at_ms - started_at_ms_;
      if (elapsed < min_elapsed->GetInt()) {
        throw CaseFailure("end event reached " + std::to_string(elapsed) + " ms after the start, expected at least " +
                          std::to_string(min_elapsed->GetInt()) + " ms");
      }
    }
  }
  auto payload = parse(reached->token_payload);
  auto check = [&](const char* name, bool contains) {
    const auto* wanted = member(step, name);
    if (!wanted || wanted->IsNull()) return;
    if (contains ? !json_contains(*wanted, payload) : !json_equal(*wanted, payload)) {
      throw CaseFailure(std::string(name) + ": token " + json_text(payload) + ", expected " + json_text(*wanted));
    }
  };
  check("tokenPayload", false);
  check("tokenPayloadContains", true);
  check("observedTokenPayload", false);
  check("observedTokenPayloadContains", true);
  if (const auto* keys = member(step, "tokenPayloadKeys")) {
    if (!payload.IsObject() || payload.MemberCount() != keys->Size()) throw CaseFailure("token keys differ");
    for (const auto& key : keys->GetArray()) {
      if (!payload.HasMember(key.GetString())) throw CaseFailure(std::string("token lacks key ") + key.GetString());
    }
  }
}

void CaseRunner::expect_error(const rapidjson::Value& step) {
  std::optional<InstanceSnapshot> failed;
  eventually("instance failed", [&] {
    auto snapshot = target_.instance(instance_id_);
    if (!snapshot) throw CaseFailure("instance not found");
    if (snapshot->state == "finished") throw CaseFailure("instance finished without error");
    if (snapshot->state == "running") return false;
    failed = std::move(snapshot);
    return true;
  });
  auto error = parse(failed->error);
  const auto* code = member(step, "code");
  if (code && !json_equal(*code, error["code"])) {
    throw CaseFailure("error code " + json_text(error["code"]) + ", expected " + json_text(*code) + " in " +
                      failed->error);
  }
  const std::string message = text_of(error, "message");
  if (const auto* contains = member(step, "messageContains");
      contains && lower(message).find(lower(contains->GetString())) == std::string::npos) {
    throw CaseFailure("error message '" + message + "' lacks '" + contains->GetString() + "'");
  }
  if (const auto* exact = member(step, "message"); exact && message != exact->GetString()) {
    throw CaseFailure("error message '" + message + "', expected '" + exact->GetString() + "'");
  }
  if (const auto* name = member(step, "name"); name && text_of(error, "name") != name->GetString()) {
    throw CaseFailure("error name '" + text_of(error, "name") + "', expected '" + name->GetString() + "'");
  }
  const rapidjson::Value empty(rapidjson::kObjectType);
  const auto* info = member(error, "additionalInformation");
  if (const auto* wanted = member(step, "additionalInformation");
      wanted && !json_contains(*wanted, info ? *info : empty)) {
    throw CaseFailure("additionalInformation " + (info ? json_text(*info) : "absent") + ", expected " +
                      json_text(*wanted));
  }
  if (const auto* patterns = member(step, "additionalInformationMatches")) {
    for (const auto& pattern : patterns->GetObject()) {
      const std::string value = info ? text_of(*info, pattern.name.GetString()) : "";
      if (!std::regex_search(value, std::regex(pattern.value.GetString()))) {
        throw CaseFailure(std::string("additionalInformation.") + pattern.name.GetString() + " '" + value +
                          "' does not match " + pattern.value.GetString());
      }
    }
  }
}

void CaseRunner::expect_no_waiting_user_tasks(const rapidjson::Value& step) {
  eventually("no user task waiting", [&] {
    auto listed = target_.waiting_tasks(TaskKind::user_task, correlation_id_, model_of(step));
    return listed && listed->empty();
  });
}

// A trigger's body is {"currentToken": payload}, as the original's API takes it; a step may
// give the whole body instead ("body"), to check what of it the catch event receives.
void CaseRunner::trigger(const rapidjson::Value& step, EventKind kind) {
  std::optional<JsonText> body;
  if (const auto* given = member(step, "body")) {
    body = json_text(*given);
  } else if (const auto* token = member(step, "payload")) {
    body = "{\"currentToken\":" + json_text(*token) + "}";
  }
  auto triggered = target_.trigger(kind, text_of(step, "name"), body, correlation_id_);
  if (!triggered) throw CaseFailure("trigger failed: " + triggered.error().message);
  if (instance_id_.empty()) adopt_started_instance();
}

void CaseRunner::expect_waiting_event(const rapidjson::Value& step) {
  const std::string flow_node_id = text_of(step, "flowNodeId");
  eventually("event " + flow_node_id + " waiting", [&] {
    auto listed = target_.waiting_events(correlation_id_);
    if (!listed) throw CaseFailure("listing events failed: " + listed.error().message);
    for (const auto& event : *listed) {
      if (event.flow_node_id == flow_node_id) return true;
    }
    return false;
  });
}

void CaseRunner::expect_sent(const rapidjson::Value& step, const std::string& kind) {
  const std::string name = text_of(step, "name");
  const auto* wanted = member(step, "payload");
  eventually(kind + " " + name, [&] {
    for (const auto& event : target_.sent_events()) {
      if (event.kind != kind) continue;
      auto sent = parse(event.payload);
      if (text_of(sent, "eventName") != name) continue;
      if (!wanted || json_equal(*wanted, sent["payload"])) return true;
    }
    return false;
  });
}

// With processModelId on the step: an instance of that model in the case's correlation;
// without: any instance of the case's model (cron starts use their own correlation, which
// the later steps then follow).
void CaseRunner::expect_process_started(const rapidjson::Value& step, bool started) {
  const bool in_correlation = member(step, "processModelId") != nullptr;
  auto find = [&] {
    return target_.first_instance(model_of(step), in_correlation ? std::optional(correlation_id_) : std::nullopt);
  };
  const auto* within = member(step, "withinMs");
  const int within_ms = within && within->IsInt() ? within->GetInt() : 12000;
  if (!started) {
    std::this_thread::sleep_for(std::chrono::milliseconds(within_ms));
    if (auto instance = find()) throw CaseFailure("instance " + instance->id + " was started");
    return;
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(within_ms + 500);
  std::optional<InstanceSnapshot> instance;
  while (!(instance = find())) {
    if (std::chrono::steady_clock::now() > deadline) throw CaseFailure("no instance started");
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  if (!in_correlation) {
    correlation_id_ = instance->correlation_id;
    instance_id_ = instance->id;
  }
}

void CaseRunner::expect_external_task(const rapidjson::Value& step) {
  const std::string topic = text_of(step, "topic");
  std::optional<ExternalTask> task;
  eventually("external task of topic " + topic, [&] {
    FetchAndLockRequest request;
    request.worker_id = "conformance_worker";
    request.topic = topic;
    request.max_tasks = 1;
    request.lock_duration_ms = 60000;
    auto fetched = target_.fetch_and_lock(request);
    if (!fetched) throw CaseFailure("fetch and lock failed: " + fetched.error().message);
    if (fetched->empty()) return false;
    task = fetched->front();
    return true;
  });
  if (const auto* wanted = member(step, "payload"); wanted && !json_equal(*wanted, parse(task->payload))) {
    throw CaseFailure("external task payload " + task->payload + ", expected " + json_text(*wanted));
  }
  external_tasks_[topic] = task->id;
}

void CaseRunner::finish_external_task(const rapidjson::Value& step) {
  const std::string topic = text_of(step, "topic");
  if (!external_tasks_.count(topic)) expect_external_task(step);
  ExternalTaskOutcome outcome;
  outcome.worker_id = "conformance_worker";
  if (const auto* result = member(step, "result")) outcome.result = json_text(*result);
  auto finished = target_.complete_external_task(external_tasks_[topic], outcome);
  if (!finished) throw CaseFailure("finishing the external task failed: " + finished.error().message);
}

}  // namespace processhost::conformance

namespace processhost::conformance {

// A case without a start of its own whose first step triggers a message or signal start
// event: the instance it started is the case's instance. It joins the trigger's correlation
// where the target can carry one; the Consumer API's trigger route cannot (the original's
// route carries no correlation either), so there the case follows the fresh correlation.
void CaseRunner::adopt_started_instance() {
  std::optional<InstanceSnapshot> started;
  eventually("an instance started by the trigger",
             [&] { return (started = target_.first_instance(model_id_, std::nullopt)).has_value(); });
  if (target_.trigger_carries_correlation() && started->correlation_id != correlation_id_) {
    throw CaseFailure("the started instance is in correlation " + started->correlation_id + ", expected " +
                      correlation_id_);
  }
  correlation_id_ = started->correlation_id;
  instance_id_ = started->id;
}

}  // namespace processhost::conformance
