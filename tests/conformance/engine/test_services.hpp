#pragma once
// The corpus' in-process host services (ServiceTaskTestService, ParallelGatewayTestService),
// as the case notes describe them: test fixtures of the runner, like the original test
// suite's services. The long-running ones are asynchronous service methods that complete
// from this object's own thread after their delay.
//
// Lifecycle: destroy it before stopping the engine it was registered with; completions still
// pending are dropped (the engine ignores them anyway once stopped).

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <thread>

#include "processhost/engine/engine.hpp"

namespace processhost::conformance {

class TestServices {
 public:
  TestServices();
  ~TestServices();
  TestServices(const TestServices&) = delete;
  TestServices& operator=(const TestServices&) = delete;

  // Registers every method under "module.method" in options.
  void register_in(engine::EngineOptions& options);

 private:
  // An asynchronous method that answers result(arguments) after delay(arguments).
  engine::AsyncServiceMethod delayed(std::function<std::chrono::milliseconds(const JsonText&)> delay,
                                     std::function<JsonText(const JsonText&)> result);
  void run();

  std::mutex mutex_;
  std::condition_variable wakeup_;
  bool stopping_ = false;
  std::multimap<std::chrono::steady_clock::time_point, std::function<void()>> due_;
  std::thread thread_;
};

}  // namespace processhost::conformance
