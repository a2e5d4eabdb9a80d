#pragma once
// Runs one conformance case (see the corpus README) against a real Engine on a MemoryStore,
// through the EngineService interface only, as the test identity defaultUser.

#include <rapidjson/document.h>

#include <filesystem>
#include <map>
#include <mutex>
#include <memory>
#include <stdexcept>
#include <string>

#include "processhost/engine/engine.hpp"
#include "processhost/engine/memory_store.hpp"
#include "test_services.hpp"

namespace processhost::conformance {

struct CaseFailure : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class CaseRunner {
 public:
  CaseRunner(std::filesystem::path corpus, const rapidjson::Value& test_case);
  ~CaseRunner();

  // Throws CaseFailure naming the step and what differed.
  void run();

 private:
  void deploy(const std::string& relative_path);
  void start_instance(const std::string& model_id, const rapidjson::Value& start_event, const rapidjson::Value& input);
  void run_step(const rapidjson::Value& step);
  void expect_waiting_task(const rapidjson::Value& step, TaskKind kind);
  void finish_task(const rapidjson::Value& step, TaskKind kind);
  void expect_finished(const rapidjson::Value& step);
  void expect_error(const rapidjson::Value& step);
  void expect_no_waiting_user_tasks(const rapidjson::Value& step);
  void trigger(const rapidjson::Value& step, EventKind kind);
  void expect_external_task(const rapidjson::Value& step);
  void finish_external_task(const rapidjson::Value& step);
  void expect_waiting_event(const rapidjson::Value& step);
  void expect_sent(const rapidjson::Value& step, const std::string& kind);
  void expect_process_started(const rapidjson::Value& step, bool started);
  std::optional<WaitingTask> find_task(const std::string& flow_node_id, TaskKind kind);
  std::string model_of(const rapidjson::Value& step) const;

  std::filesystem::path corpus_;
  const rapidjson::Value& case_;
  Identity identity_;
  class NullLogger;
  std::unique_ptr<Logger> logger_;
  std::unique_ptr<TestServices> services_;
  engine::MemoryStore store_;
  std::unique_ptr<engine::Engine> engine_;
  std::string model_id_;
  std::string correlation_id_;
  std::string instance_id_;
  std::int64_t started_at_ms_ = 0;  // wall clock just before the case's start call
  std::map<std::string, std::string> seen_tasks_;  // flow node id -> flow node instance id
  std::mutex sent_mutex_;
  std::vector<EngineEvent> sent_;
  std::map<std::string, std::string> external_tasks_;  // topic -> id of the task fetched  // message_sent / signal_sent events of the engine
};

}  // namespace processhost::conformance
