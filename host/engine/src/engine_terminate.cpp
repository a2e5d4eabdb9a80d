// EngineService::terminate_process_instance: a running instance ends as terminated; and the called
// instance of a call activity that ended without it ends the same way.
#include "engine_core.hpp"
#include "processhost/json.hpp"

namespace processhost::engine {
namespace {

// The instance's stored error: who terminated it, so that APIs can show terminatedBy.
Error termination_of(const Identity& identity) {
  return make_error(ErrorStatus::internal, "Process was terminated by '" + identity.user_id + "'",
                    "{\"terminatedBy\":{\"userId\":" + json_quote(identity.user_id) + "}}");
}

Error termination_by_call_activity(const std::string& parent_id, const std::string& call_activity_id) {
  return make_error(ErrorStatus::internal,
                    "Process was terminated: its call activity '" + call_activity_id + "' in process instance '" +
                        parent_id + "' ended before it",
                    "{\"terminatedBy\":{\"processInstanceId\":" + json_quote(parent_id) +
                        ",\"flowNodeId\":" + json_quote(call_activity_id) + "}}");
}

}  // namespace

// The same transition as the terminate route, on the child's strand: the store's optimistic
// versions make it safe whichever host holds the child. A child that already ended is left.
void EngineCore::terminate_child(const std::string& parent_id, const ChildTermination& child) {
  runner_.run(
      child.child_instance_id, nullptr,
      [this, reason = termination_by_call_activity(parent_id, child.call_activity_id)](
          InstanceState& instance) -> Result<RunOutcome> {
        if (instance.record.state != ProcessInstanceState::running) {
          return make_error(ErrorStatus::conflict, "process instance '" + instance.record.id + "' is not running");
        }
        Executor executor(instance, environment());
        executor.terminate_instance(reason);
        return std::move(executor).finish();
      },
      [](Result<RunOutcome>) {});
}

void Engine::terminate_process_instance(const Identity& identity, std::string process_instance_id, Callback<Ok> done) {
  auto& core = *core_;
  core.runner().run(
      process_instance_id, nullptr,
      [&core, reason = termination_of(identity)](InstanceState& instance) -> Result<RunOutcome> {
        if (instance.record.state != ProcessInstanceState::running) {
          return make_error(ErrorKind::process_instance_not_running, {.id = instance.record.id}, ErrorStatus::conflict,
                            "process instance '" + instance.record.id + "' is not running (" +
                                std::string(name_of(instance.record.state)) + ")");
        }
        Executor executor(instance, core.environment());
        executor.terminate_instance(reason);
        return std::move(executor).finish();
      },
      [done = std::move(done)](Result<RunOutcome>&& outcome) {
        if (!outcome) return done(std::move(outcome).take_error());
        done(Ok{});
      });
}

}  // namespace processhost::engine
