#include "runtime/service_calls.hpp"

#include <atomic>

namespace processhost::engine {

ServiceCalls::ServiceCalls(const ServiceMethodRegistry& methods, Post post, Complete complete)
    : methods_(methods), post_(std::move(post)), complete_(std::move(complete)) {}

void ServiceCalls::open() {
  gate_ = std::make_shared<Gate>();
  gate_->complete = complete_;
}

void ServiceCalls::close() {
  if (!gate_) return;
  std::lock_guard lock(gate_->mutex);
  gate_->complete = nullptr;
}

void ServiceCalls::start(const std::string& instance_id, const std::vector<ServiceCallRequest>& calls) {
  for (const auto& call : calls) {
    auto method = methods_.long_running(call.method);
    if (!method) continue;
    auto once = std::make_shared<std::atomic<bool>>(false);
    ServiceMethodDone done = [gate = gate_, once, instance_id,
                              flow_node_instance_id = call.flow_node_instance_id](Result<JsonText> result) {
      if (once->exchange(true)) return;
      std::lock_guard lock(gate->mutex);
      if (gate->complete) gate->complete(instance_id, flow_node_instance_id, result);
    };
    post_([method = std::move(*method), arguments = call.arguments, done, name = call.method] {
      try {
        method(arguments, done);
      } catch (const std::exception& error) {
        done(make_error(ErrorStatus::internal, "service method " + name + " threw: " + error.what()));
      }
    });
  }
}

}  // namespace processhost::engine
