#pragma once
// A real Engine on a MemoryStore, with blocking wrappers for the asynchronous calls.

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "processhost/engine/engine.hpp"
#include "processhost/engine/memory_store.hpp"

namespace processhost::engine::testing {

class CapturingLogger final : public Logger {
 public:
  void log(LogLevel, std::string_view message) override {
    std::lock_guard lock(mutex_);
    lines_.emplace_back(message);
  }
  bool enabled(LogLevel) const override { return true; }
  std::vector<std::string> lines() {
    std::lock_guard lock(mutex_);
    return lines_;
  }

 private:
  std::mutex mutex_;
  std::vector<std::string> lines_;
};

template <class T>
Result<T> wait_for(std::future<Result<T>>& future) {
  if (future.wait_for(std::chrono::seconds(20)) != std::future_status::ready) {
    return make_error(ErrorStatus::request_timeout, "no answer within 20 s");
  }
  return future.get();
}

template <class T, class Call>
Result<T> call_sync(Call&& call) {
  auto promise = std::make_shared<std::promise<Result<T>>>();
  auto future = promise->get_future();
  call([promise](Result<T> result) { promise->set_value(std::move(result)); });
  return wait_for(future);
}

inline Identity test_identity(std::vector<std::string> claims = {"Default_Test_Lane", "LaneA", "LaneB", "LaneC",
                                                                   "sample_lane"}) {
  Identity identity;
  identity.user_id = "defaultUser";
  identity.claims = std::move(claims);
  return identity;
}

class EngineFixture : public ::testing::Test {
 protected:
  void SetUp() override { start_engine(EngineOptions{}); }
  void TearDown() override {
    if (engine_) engine_->stop();
  }

  void start_engine(EngineOptions options) {
    if (engine_) engine_->stop();
    engine_ = std::make_unique<Engine>(options, logger_);
    engine_->start(store_);
  }

  Result<ProcessModelInfo> deploy(const std::string& xml, const std::string& name = "test.bpmn") {
    return call_sync<ProcessModelInfo>([&](auto done) { engine_->deploy(xml, name, done); });
  }

  Result<StartResult> start(StartRequest request, const Identity& identity = test_identity()) {
    return call_sync<StartResult>([&](auto done) { engine_->start(identity, request, done); });
  }

  Result<PagedList<WaitingTask>> tasks(TaskQuery query, const Identity& identity = test_identity()) {
    return call_sync<PagedList<WaitingTask>>([&](auto done) { engine_->waiting_tasks(identity, query, done); });
  }

  Status finish(FinishTaskRequest request, const Identity& identity = test_identity()) {
    return call_sync<Ok>([&](auto done) { engine_->finish_task(identity, request, done); });
  }

  Result<std::vector<CorrelationResult>> results(const std::string& correlation_id, const std::string& model_id) {
    return call_sync<std::vector<CorrelationResult>>(
        [&](auto done) { engine_->correlation_results(test_identity(), correlation_id, model_id, done); });
  }

  std::optional<ProcessInstanceRecord> instance(const std::string& id) {
    auto loaded = call_sync<std::optional<ProcessInstanceRecord>>([&](auto done) { store_.load_instance(id, done); });
    return loaded ? loaded.value() : std::nullopt;
  }

  CapturingLogger logger_;
  MemoryStore store_;
  std::unique_ptr<Engine> engine_;
};

// Minimal process documents for tests: wraps flow elements into definitions/process.
inline std::string process_xml(const std::string& id, const std::string& body) {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
         "<bpmn:definitions xmlns:bpmn=\"http://www.omg.org/spec/BPMN/20100524/MODEL\" "
         "xmlns:camunda=\"http://camunda.org/schema/1.0/bpmn\" "
         "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" id=\"Definitions_1\">"
         "<bpmn:process id=\"" + id + "\" isExecutable=\"true\">" + body + "</bpmn:process></bpmn:definitions>";
}

// Polls check until it holds or limit passes; returns its last answer. For effects the engine
// produces on its own threads (timers, service callbacks).
template <class Check>
bool eventually(Check check, std::chrono::milliseconds limit = std::chrono::seconds(10)) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (check()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return check();
}

}  // namespace processhost::engine::testing
