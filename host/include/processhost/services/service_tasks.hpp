#pragma once
// Service task methods that plugins provide. An internal service task names its method with
// the camunda:properties "module" and "method"; the engine calls the method "module.method"
// with the task's evaluated params array (JSON text, "[]" without params) and takes what it
// returns as the task's result.
//
// Threading: add and remove are safe from any thread. Methods run on an engine worker.
// Lifetime: a plugin adds its methods in start() and removes them in stop(); once remove
// returns the engine starts no new call of that method. A long-running call still in flight
// then must be completed or dropped (its done never called) before the plugin's stop returns:
// nothing of the plugin may run after its library is released.
// Errors: a method's error fails its task like a thrown script error, so error boundary
// events catch it; a task naming a method nobody provides fails with 404.

#include <functional>
#include <string>
#include <string_view>

#include "processhost/json.hpp"
#include "processhost/result.hpp"

namespace processhost {

// Runs inside the task's transition and returns its result: it must be quick.
using ServiceTaskFunction = std::function<Result<JsonText>(const JsonText& arguments)>;

// Completes a long-running call: the task's result (empty text: undefined, the result is
// {}) or an error. Callable from any thread, at most once (later calls are ignored); after
// the engine stopped it does nothing.
using ServiceTaskDone = std::function<void(Result<JsonText> result)>;

// Work of seconds or minutes: called after the commit that records the task as running; it
// must return at once and call done when the work is over. Meanwhile the task's timer,
// message and signal boundary events are armed; an interrupting one ends the task and a late
// completion is ignored. A call in flight when the host stops is not repeated.
using LongRunningServiceTask = std::function<void(const JsonText& arguments, ServiceTaskDone done)>;

class ServiceTaskMethods {
 public:
  static constexpr std::string_view kServiceId = "processhost.service_task_methods/1";
  virtual ~ServiceTaskMethods() = default;

  // Throws std::logic_error when name is already provided (by either kind).
  virtual void add(std::string name, ServiceTaskFunction method) = 0;
  virtual void add_long_running(std::string name, LongRunningServiceTask method) = 0;
  // Unknown names are ignored.
  virtual void remove(std::string_view name) = 0;
};

}  // namespace processhost
