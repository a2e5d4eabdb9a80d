#include "flow_checks.hpp"

#include <rapidjson/document.h>

namespace processhost::bench {
namespace {

Checked failed(std::string reason) { return {{}, std::move(reason)}; }

Checked status_failure(int status) {
  return failed(status == 0 ? "no answer (connection failed)" : "status " + std::to_string(status));
}

bool string_member(const rapidjson::Value& object, const char* name, const std::string& expected) {
  const auto member = object.FindMember(name);
  return member != object.MemberEnd() && member->value.IsString() && expected == member->value.GetString();
}

std::string nonempty_string_member(const rapidjson::Value& object, const char* name) {
  const auto member = object.FindMember(name);
  if (member == object.MemberEnd() || !member->value.IsString()) return {};
  return member->value.GetString();
}

}  // namespace

Checked check_started(int status, const std::string& body, const std::string& correlation) {
  if (status != 200) return status_failure(status);
  rapidjson::Document document;
  document.Parse(body.c_str());
  if (!document.IsObject() || document.MemberCount() != 2 || !string_member(document, "correlationId", correlation)) {
    return failed("body differs");
  }
  auto instance = nonempty_string_member(document, "processInstanceId");
  if (instance.empty()) return failed("no processInstanceId");
  return {std::move(instance), {}};
}

Checked check_user_tasks(int status, const std::string& body, const std::string& correlation,
                         const std::string& instance) {
  if (status != 200) return status_failure(status);
  rapidjson::Document document;
  document.Parse(body.c_str());
  if (!document.IsObject() || !document.HasMember("userTasks") || !document["userTasks"].IsArray() ||
      !document.HasMember("totalCount") || !document["totalCount"].IsUint()) {
    return failed("body differs");
  }
  const auto& tasks = document["userTasks"];
  if (tasks.Size() != 1 || document["totalCount"].GetUint() != 1) {
    return failed(std::to_string(tasks.Size()) + " user tasks, not 1");
  }
  const auto& task = tasks[0];
  if (!task.IsObject() || !string_member(task, "id", "UserTask_1") ||
      !string_member(task, "correlationId", correlation) || !string_member(task, "processInstanceId", instance)) {
    return failed("not this instance's UserTask_1");
  }
  auto task_instance = nonempty_string_member(task, "flowNodeInstanceId");
  if (task_instance.empty()) return failed("no flowNodeInstanceId");
  return {std::move(task_instance), {}};
}

Checked check_finished(int status, const std::string& body) {
  if (status != 204) return status_failure(status);
  if (!body.empty()) return failed("body not empty");
  return {};
}

Checked check_result(int status, const std::string& body, const std::string& correlation) {
  if (status != 200) return status_failure(status);
  rapidjson::Document actual;
  actual.Parse(body.c_str());
  rapidjson::Document expected;
  expected.Parse((R"({"correlationResults":[{"correlationId":")" + correlation +
                  R"(","endEventId":"EndEvent_Success","tokenPayload":{"form_fields":{"TaskWasSuccessful":true}}}],)"
                  R"("totalCount":1})")
                     .c_str());
  // Compared as JSON values (member order aside), so any other member or value is a failure.
  if (actual.HasParseError() || actual != expected) return failed("body differs");
  return {};
}

}  // namespace processhost::bench
