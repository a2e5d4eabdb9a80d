// Asynchronous service methods: the task is committed as running first, the method is called
// after that commit (ServiceCalls, runtime/), and its completion is one more transition of
// the instance. Between the
// two the instance lives in the store like any waiting instance, so boundary timers, messages
// and signals of the task fire in the meantime and another host may advance the instance.
#include "engine_core.hpp"

namespace processhost::engine {

void EngineCore::complete_service_call(const std::string& instance_id, const std::string& flow_node_instance_id,
                                       const Result<JsonText>& result) {
  runner_.run(
      instance_id, nullptr,
      // Runs again on a version conflict, so it copies the result instead of moving it.
      [this, flow_node_instance_id, result](InstanceState& state) -> Result<RunOutcome> {
        if (state.record.state != ProcessInstanceState::running || !state.find_waiting(flow_node_instance_id)) {
          return make_error(ErrorStatus::gone, "the service task " + flow_node_instance_id +
                                                   " no longer waits for its method (interrupted or ended)");
        }
        Executor executor(state, environment());
        if (result) {
          executor.resume(flow_node_instance_id, result.value());
        } else {
          executor.fail_waiting(flow_node_instance_id, result.error());
        }
        return std::move(executor).finish();
      },
      [this, instance_id](Result<RunOutcome>&& outcome) {
        if (!outcome) {
          logger_.debug("engine: late completion of a service method of instance " + instance_id +
                        " ignored: " + outcome.error().message);
        }
      });
}

}  // namespace processhost::engine
