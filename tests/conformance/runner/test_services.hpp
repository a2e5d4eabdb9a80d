#pragma once
// The corpus' in-process host services (ServiceTaskTestService, ParallelGatewayTestService),
// as the case notes describe them: test fixtures of the runner, like the original test
// suite's services. The long-running ones are asynchronous service methods that complete
// from this object's own thread after their delay.
//
// Lifecycle: add_to() a ServiceTaskMethods (the in-process engine's, or the host's in the
// services plugin), remove_from() it before destruction; destroying the object drops the
// completions still pending.

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "processhost/services/service_tasks.hpp"

namespace processhost::conformance {

class TestServices {
 public:
  TestServices();
  ~TestServices();
  TestServices(const TestServices&) = delete;
  TestServices& operator=(const TestServices&) = delete;

  // Adds every method under "module.method"; throws std::logic_error when a name is taken.
  void add_to(ServiceTaskMethods& methods);
  void remove_from(ServiceTaskMethods& methods);

 private:
  // An asynchronous method that answers result(arguments) after delay(arguments).
  LongRunningServiceTask delayed(std::function<std::chrono::milliseconds(const JsonText&)> delay,
                                     std::function<JsonText(const JsonText&)> result);
  void run();

  std::mutex mutex_;
  std::condition_variable wakeup_;
  bool stopping_ = false;
  std::multimap<std::chrono::steady_clock::time_point, std::function<void()>> due_;
  std::thread thread_;
  std::vector<std::string> names_;  // of the methods added
};

}  // namespace processhost::conformance
