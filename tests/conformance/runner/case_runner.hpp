#pragma once
// Runs one conformance case (see the corpus README) against a CaseTarget: the steps, their
// waits and every check the case asks for.

#include <rapidjson/document.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "case_target.hpp"

namespace processhost::conformance {

class CaseRunner {
 public:
  // test_case and target outlive the runner.
  CaseRunner(const rapidjson::Value& test_case, CaseTarget& target);

  // Throws CaseFailure naming the step and what differed.
  void run();

 private:
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
  void adopt_started_instance();
  std::optional<WaitingTask> find_task(const std::string& flow_node_id, TaskKind kind);
  std::string model_of(const rapidjson::Value& step) const;

  const rapidjson::Value& case_;
  CaseTarget& target_;
  std::string model_id_;
  std::string correlation_id_;
  std::string instance_id_;
  std::int64_t started_at_ms_ = 0;  // wall clock just before the case's start call
  std::map<std::string, std::string> seen_tasks_;      // flow node id -> flow node instance id
  std::map<std::string, std::string> external_tasks_;  // topic -> id of the task fetched
};

}  // namespace processhost::conformance
