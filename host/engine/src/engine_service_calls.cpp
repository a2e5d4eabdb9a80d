// Asynchronous service methods: the task is committed as running first, the method is called
// after that commit, and its completion is one more transition of the instance. Between the
// two the instance lives in the store like any waiting instance, so boundary timers, messages
// and signals of the task fire in the meantime and another host may advance the instance.
#include <atomic>

#include "engine_core.hpp"

namespace processhost::engine {

struct EngineCore::ServiceGate {
  std::mutex mutex;
  EngineCore* core = nullptr;  // null once the engine stopped
};

void EngineCore::open_service_gate() {
  service_gate_ = std::make_shared<ServiceGate>();
  service_gate_->core = this;
}

void EngineCore::close_service_gate() {
  if (!service_gate_) return;
  std::lock_guard lock(service_gate_->mutex);
  service_gate_->core = nullptr;
}

void EngineCore::start_service_calls(const std::string& instance_id, const std::vector<ServiceCallRequest>& calls) {
  for (const auto& call : calls) {
    // Removed since the executor asked for it: the task waits until a boundary event or
    // the instance's end, as it would for a method whose call got lost in a crash.
    auto method = service_methods_.long_running(call.method);
    if (!method) continue;
    auto once = std::make_shared<std::atomic<bool>>(false);
    ServiceMethodDone done = [gate = service_gate_, once, instance_id,
                              flow_node_instance_id = call.flow_node_instance_id](Result<JsonText> result) {
      if (once->exchange(true)) return;
      std::lock_guard lock(gate->mutex);
      if (gate->core) gate->core->complete_service_call(instance_id, flow_node_instance_id, result);
    };
    post([method = std::move(*method), arguments = call.arguments, done, name = call.method] {
      try {
        method(arguments, done);
      } catch (const std::exception& error) {
        done(make_error(ErrorStatus::internal, "service method " + name + " threw: " + error.what()));
      }
    });
  }
}

void EngineCore::complete_service_call(const std::string& instance_id, const std::string& flow_node_instance_id,
                                       const Result<JsonText>& result) {
  runner_->run(
      instance_id, nullptr,
      // Runs again on a version conflict, so it copies the result instead of moving it.
      [this, flow_node_instance_id, result](InstanceState& state) -> Result<RunOutcome> {
        if (state.record.state != "running" || !state.find_waiting(flow_node_instance_id)) {
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
      [this, instance_id](Result<RunOutcome> outcome) {
        if (!outcome) {
          logger_.debug("engine: late completion of a service method of instance " + instance_id +
                        " ignored: " + outcome.error().message);
        }
      });
}

}  // namespace processhost::engine
