#include "answering_engine.hpp"

namespace processhost::fuzz {
namespace {

ProcessModelInfo model_named(std::string id) {
  ProcessModelInfo model;
  model.id = std::move(id);
  model.hash = "hash";
  model.start_events = {{"StartEvent_1", "Start", "bpmn:StartEvent", "Lane_A"}};
  model.end_events = {{"EndEvent_1", "End", "bpmn:EndEvent", "Lane_A"}};
  return model;
}

WaitingTask task_for(const TaskQuery& query) {
  WaitingTask task;
  task.flow_node_id = "UserTask_1";
  task.name = "Task";
  task.flow_node_instance_id = "fni-1";
  task.correlation_id = query.correlation_id.value_or("c-1");
  task.process_model_id = query.process_model_id.value_or("sample_process");
  task.process_instance_id = query.process_instance_id.value_or("pi-1");
  task.token_payload = R"({"current":{"a":[1,"x",null]}})";
  FormField field;
  field.id = "approved";
  field.type = "boolean";
  field.label = R"("Approve?")";
  field.default_value = "true";
  field.enum_values = {{"yes", "Yes"}};
  task.user_task.form_fields = {field};
  task.user_task.description = "describe";
  return task;
}

}  // namespace

void AnsweringEngine::deploy(std::string, std::string, Callback<ProcessModelInfo> done) {
  done(make_error(ErrorStatus::unprocessable, "deploy is not part of the Consumer API"));
}

void AnsweringEngine::list_process_models(const Identity&, PageRequest page,
                                          Callback<PagedList<ProcessModelInfo>> done) {
  PagedList<ProcessModelInfo> list;
  list.items = {model_named("sample_process")};
  list.total_count = page.offset + 1;
  done(std::move(list));
}

void AnsweringEngine::get_process_model(const Identity&, std::string process_model_id,
                                        Callback<ProcessModelInfo> done) {
  done(model_named(std::move(process_model_id)));
}

void AnsweringEngine::get_process_model_by_instance(const Identity&, std::string process_instance_id,
                                                    Callback<ProcessModelInfo> done) {
  done(model_named("model-of-" + process_instance_id));
}

CancelHandle AnsweringEngine::start(const Identity&, StartRequest request, Callback<StartResult> done) {
  StartResult result;
  result.correlation_id = request.correlation_id.value_or("c-1");
  result.process_instance_id = "pi-1";
  if (request.callback_type != StartCallbackType::on_instance_created) {
    result.end_event_id = request.end_event_id.value_or("EndEvent_1");
    // The input travels back as the result: the API must have handed over valid JSON.
    result.token_payload = request.input_values.value_or("{}");
  }
  done(std::move(result));
  return nullptr;
}

void AnsweringEngine::own_process_instances(const Identity& identity, PageRequest,
                                            Callback<PagedList<ProcessInstanceInfo>> done) {
  PagedList<ProcessInstanceInfo> list;
  list.items = {{"pi-1", identity.user_id, "c-1", "sample_process", std::nullopt, ProcessInstanceState::running}};
  list.total_count = 1;
  done(std::move(list));
}

void AnsweringEngine::correlation_results(const Identity&, std::string correlation_id, std::string,
                                          Callback<std::vector<CorrelationResult>> done) {
  done(std::vector<CorrelationResult>{{std::move(correlation_id), "EndEvent_1", R"({"done":true})"}});
}

void AnsweringEngine::waiting_tasks(const Identity&, TaskQuery query, Callback<PagedList<WaitingTask>> done) {
  PagedList<WaitingTask> list;
  list.items = {task_for(query)};
  list.total_count = 1;
  done(std::move(list));
}

void AnsweringEngine::finish_task(const Identity&, FinishTaskRequest, Callback<Ok> done) { done(Ok{}); }

void AnsweringEngine::waiting_events(const Identity&, EventQuery query, Callback<PagedList<WaitingEvent>> done) {
  PagedList<WaitingEvent> list;
  list.items = {{"Catch_1", "Wait", "bpmn:IntermediateCatchEvent", "messageEvent", "go", "fni-2",
                 query.correlation_id.value_or("c-1"), query.process_model_id.value_or("sample_process"), "pi-1"}};
  list.total_count = 1;
  done(std::move(list));
}

void AnsweringEngine::trigger(const Identity&, EventKind, std::string, std::optional<JsonText>, Callback<Ok> done) {
  done(Ok{});
}

CancelHandle AnsweringEngine::fetch_and_lock(const Identity&, FetchAndLockRequest request,
                                             Callback<std::vector<ExternalTask>> done) {
  ExternalTask task;
  task.id = "et-1";
  task.worker_id = request.worker_id;
  task.topic = request.topic;
  task.flow_node_instance_id = "fni-3";
  task.correlation_id = "c-1";
  task.process_model_id = "sample_process";
  task.process_instance_id = "pi-1";
  task.payload = R"({"n":1})";
  task.lock_expiration_ms = request.lock_duration_ms;
  task.state = ExternalTaskState::pending;
  done(std::vector<ExternalTask>{task});
  return nullptr;
}

void AnsweringEngine::extend_lock(const Identity&, std::string, std::string, std::int64_t, Callback<Ok> done) {
  done(Ok{});
}

void AnsweringEngine::complete_external_task(const Identity&, std::string, ExternalTaskOutcome, Callback<Ok> done) {
  done(Ok{});
}

void AnsweringEngine::delete_process_model(const Identity&, std::string, Callback<Ok> done) { done(Ok{}); }

void AnsweringEngine::terminate_process_instance(const Identity&, std::string, Callback<Ok> done) { done(Ok{}); }

std::uint64_t AnsweringEngine::add_listener(EngineEventListener) { return 1; }

void AnsweringEngine::remove_listener(std::uint64_t) {}

void AnsweringEngine::active_cronjobs(const Identity&, PageRequest, Callback<PagedList<CronjobInfo>> done) {
  done(PagedList<CronjobInfo>{});
}

}  // namespace processhost::fuzz
