// EngineService queries: models, instances, results, waiting tasks and events.

#include <string_view>

#include "store/paging.hpp"
#include "behaviours/user_task_form.hpp"
#include "engine_core.hpp"
#include "waiting_views.hpp"

namespace processhost::engine {
namespace {

constexpr TaskKind kTaskKinds[] = {TaskKind::user_task, TaskKind::manual_task, TaskKind::empty_activity};

TaskKind kind_of(std::string_view bpmn_type) {
  for (auto kind : kTaskKinds) {
    if (task_kind_bpmn_type(kind) == bpmn_type) return kind;
  }
  return TaskKind::empty_activity;
}

// Completes the form fields of listed user tasks, one task at a time, then answers.
struct FormResolver : std::enable_shared_from_this<FormResolver> {
  EngineCore* core = nullptr;
  PagedList<WaitingTask> list;
  std::vector<std::size_t> pending;  // indices into list.items needing the instance's token
  std::size_t next = 0;
  Callback<PagedList<WaitingTask>> done;

  void step() {
    if (next == pending.size()) {
      done(std::move(list));
      return;
    }
    auto self = shared_from_this();
    auto& task = list.items[pending[next]];
    core->runner().load(task.process_instance_id, [self](Result<std::shared_ptr<InstanceState>> state) {
      self->core->post([self, state = std::move(state)]() mutable {
        if (state) self->fill(*state.value());
        ++self->next;
        self->step();
      });
    });
  }

  void fill(const InstanceState& state) {
    auto& task = list.items[pending[next]];
    const Token* token = state.find_waiting(task.flow_node_instance_id);
    if (!token) return;
    const FlowNode& node = state.model->nodes[token->node];
    const std::string token_text = token_json(*token);
    const std::string identity = "{\"userId\":" + json_quote(state.record.owner_user_id) + ",\"token\":\"\"}";
    auto evaluate = [&](const Script& script, std::string_view origin) {
      ScriptCall call{&script, token_text, identity, core->options().script_budget, &core->logger(), origin};
      call.memory_limit_bytes = core->options().script_memory_limit_bytes;
      return run_expression(call);
    };
    auto form = evaluate_user_task(state.record.process_model_id, node, evaluate, "");
    if (form) task.user_task = std::move(form.value());
  }
};

Error not_started() { return make_error(ErrorStatus::unavailable, "the engine is not started"); }

}  // namespace

void Engine::list_process_models(const Identity& identity, PageRequest page,
                                 Callback<PagedList<ProcessModelInfo>> done) {
  std::vector<ProcessModelInfo> models;
  for (const auto& model : core_->models().latest_models()) {
    if (model_visible_to(*model, identity)) models.push_back(model_info(*model, &identity));
  }
  done(take_page(std::move(models), page));
}

void Engine::get_process_model(const Identity& identity, std::string process_model_id,
                               Callback<ProcessModelInfo> done) {
  auto model = core_->models().latest(process_model_id);
  if (!model) {
    done(make_error(ErrorKind::process_model_not_found, {.id = process_model_id}, ErrorStatus::not_found,
                    "process model '" + process_model_id + "' not found"));
    return;
  }
  if (!model_visible_to(*model, identity)) return done(model_not_accessible(*model));
  done(model_info(*model, &identity));
}

void Engine::get_process_model_by_instance(const Identity& identity, std::string process_instance_id,
                                           Callback<ProcessModelInfo> done) {
  if (!core_->store()) return done(not_started());
  core_->store()->load_instance(process_instance_id, [this, identity, process_instance_id, done](
                                                        Result<std::optional<ProcessInstanceRecord>> loaded) {
    if (!loaded) return done(std::move(loaded).take_error());
    if (!loaded.value()) {
      return done(make_error(ErrorKind::process_instance_not_found, {.id = process_instance_id}, ErrorStatus::not_found,
                             "process instance '" + process_instance_id + "' not found"));
    }
    const auto& record = *loaded.value();
    auto model = core_->models().version(record.process_model_id, record.process_model_hash);
    if (!model) return done(make_error(ErrorStatus::not_found, "process model of instance not deployed"));
    if (!model_visible_to(*model, identity)) return done(model_not_accessible(*model));
    done(model_info(*model, &identity));
  });
}

void Engine::own_process_instances(const Identity& identity, PageRequest page,
                                   Callback<PagedList<ProcessInstanceInfo>> done) {
  if (!core_->store()) return done(not_started());
  InstanceQuery query;
  query.owner_user_id = identity.user_id;
  // The original lists the instances that still have an active flow node of this owner:
  // running ones only, never finished, failed or terminated ones.
  query.state = ProcessInstanceState::running;
  query.page = page;
  core_->store()->query_instances(query, [done](Result<PagedList<ProcessInstanceRecord>> found) {
    if (!found) return done(std::move(found).take_error());
    PagedList<ProcessInstanceInfo> list;
    list.total_count = found.value().total_count;
    for (auto& record : found.value().items) {
      ProcessInstanceInfo info;
      info.id = record.id;
      info.owner_user_id = record.owner_user_id;
      info.correlation_id = record.correlation_id;
      info.process_model_id = record.process_model_id;
      if (!record.parent_process_instance_id.empty()) info.parent_process_instance_id = record.parent_process_instance_id;
      info.state = record.state;
      list.items.push_back(std::move(info));
    }
    done(std::move(list));
  });
}

void Engine::correlation_results(const Identity& identity, std::string correlation_id, std::string process_model_id,
                                 Callback<std::vector<CorrelationResult>> done) {
  if (!core_->store()) return done(not_started());
  // Results of a model the caller may see no part of are refused, as the original refuses
  // the model itself; an unknown model has no results (an empty list).
  if (auto model = core_->models().latest(process_model_id); model && !model_visible_to(*model, identity)) {
    return done(model_not_accessible(*model));
  }
  core_->store()->query_results(correlation_id, process_model_id,
                               [identity, done](Result<std::vector<CorrelationResultRecord>> found) {
                                 if (!found) return done(std::move(found).take_error());
                                 std::vector<CorrelationResult> results;
                                 for (auto& record : found.value()) {
                                   if (!may_access_lane(identity, record.end_event_lane)) continue;
                                   results.push_back({record.correlation_id, record.end_event_id,
                                                      std::move(record.token_payload)});
                                 }
                                 done(std::move(results));
                               });
}

void Engine::waiting_tasks(const Identity& identity, TaskQuery query, Callback<PagedList<WaitingTask>> done) {
  if (!core_->store()) return done(not_started());
  FlowNodeQuery flow_query;
  for (auto kind : kTaskKinds) {
    if (query.kinds & task_kind_bit(kind)) flow_query.flow_node_types.emplace_back(task_kind_bpmn_type(kind));
  }
  if (flow_query.flow_node_types.empty()) {
    done(PagedList<WaitingTask>{});
    return;
  }
  flow_query.state = FlowNodeState::suspended;
  flow_query.process_model_id = query.process_model_id;
  flow_query.process_instance_id = query.process_instance_id;
  flow_query.correlation_id = query.correlation_id;
  if (query.own_only) flow_query.owner_user_id = identity.user_id;
  flow_query.lanes = visible_lanes(identity);
  flow_query.page = query.page;
  auto* core = core_.get();
  core->store()->query_flow_nodes(std::move(flow_query), [core, done](Result<PagedList<FlowNodeInstanceRecord>> found) {
    if (!found) return done(std::move(found).take_error());
    auto resolver = std::make_shared<FormResolver>();
    resolver->core = core;
    resolver->done = done;
    resolver->list.total_count = found.value().total_count;
    for (auto& record : found.value().items) {
      // The records are this call's copies: their strings move into the task.
      WaitingTask task;
      task.kind = kind_of(record.flow_node_type);
      take_waiting_ids(task, record);
      task.lane = std::move(record.flow_node_lane);
      task.token_payload = std::move(record.token_on_enter);
      if (task.kind == TaskKind::user_task) {
        // Without expressions (and with one deployed version) the form needs no instance state.
        auto model = core->models().has_single_version(task.process_model_id) ? core->models().latest(task.process_model_id)
                                                                     : nullptr;
        const FlowNode* node = model ? model->find(task.flow_node_id) : nullptr;
        if (node && !node->has_form_expressions) {
          auto form = evaluate_user_task(model->id, *node, {}, "");
          if (form) task.user_task = std::move(form.value());
        } else {
          resolver->pending.push_back(resolver->list.items.size());
        }
      }
      resolver->list.items.push_back(std::move(task));
    }
    resolver->step();
  });
}

}  // namespace processhost::engine
