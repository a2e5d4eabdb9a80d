#pragma once
// Calls of asynchronous service methods. A method is called on a worker after the commit
// that shows its task running; its completion goes to complete (the engine resumes or fails
// the task in a transition of its own). Completions pass a gate that close() shuts, so a
// method that completes after the engine stopped does nothing.
//
// Threading: start() is safe from any thread; open/close belong to the engine's start/stop.

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "runtime/executor.hpp"
#include "scripting/service_method_registry.hpp"

namespace processhost::engine {

class ServiceCalls {
 public:
  using Post = std::function<void(std::function<void()>)>;
  using Complete = std::function<void(const std::string& instance_id, const std::string& flow_node_instance_id,
                                      const Result<JsonText>& result)>;

  ServiceCalls(const ServiceMethodRegistry& methods, Post post, Complete complete);

  void open();
  void close();
  // Calls each method once; a method removed since the run asked for it is not called (its
  // task waits until a boundary event or the instance's end, as after a crash).
  void start(const std::string& instance_id, const std::vector<ServiceCallRequest>& calls);

 private:
  struct Gate {
    std::mutex mutex;
    Complete complete;  // empty once closed
  };

  const ServiceMethodRegistry& methods_;
  const Post post_;
  const Complete complete_;
  std::shared_ptr<Gate> gate_;
};

}  // namespace processhost::engine
