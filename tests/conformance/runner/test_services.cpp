#include "test_services.hpp"

#include <rapidjson/document.h>

#include "json_match.hpp"
#include "processhost/json.hpp"

namespace processhost::conformance {
namespace {

using std::chrono::milliseconds;

// arguments[index] as JSON text; empty text (undefined) when absent.
JsonText argument(const JsonText& arguments, rapidjson::SizeType index) {
  rapidjson::Document parsed;
  if (json_parse(arguments, parsed) || !parsed.IsArray() || parsed.Size() <= index) return JsonText();
  return json_text(parsed[index]);
}

std::function<milliseconds(const JsonText&)> fixed(milliseconds delay) {
  return [delay](const JsonText&) { return delay; };
}

std::function<JsonText(const JsonText&)> constant(const std::string& text) {
  return [result = json_quote(text)](const JsonText&) { return result; };
}

}  // namespace

TestServices::TestServices() : thread_([this] { run(); }) {}

TestServices::~TestServices() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    due_.clear();
  }
  wakeup_.notify_all();
  thread_.join();
}

void TestServices::run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    if (due_.empty()) {
      wakeup_.wait(lock);
      continue;
    }
    const auto next = due_.begin()->first;
    if (std::chrono::steady_clock::now() < next) {
      wakeup_.wait_until(lock, next);
      continue;
    }
    auto work = std::move(due_.begin()->second);
    due_.erase(due_.begin());
    lock.unlock();
    work();
    lock.lock();
  }
}

LongRunningServiceTask TestServices::delayed(std::function<milliseconds(const JsonText&)> delay,
                                                 std::function<JsonText(const JsonText&)> result) {
  return [this, delay, result](const JsonText& arguments, ServiceTaskDone done) {
    const auto due = std::chrono::steady_clock::now() + delay(arguments);
    {
      std::lock_guard lock(mutex_);
      due_.emplace(due, [done, value = result(arguments)] { done(value); });
    }
    wakeup_.notify_all();
  };
}

void TestServices::add_to(ServiceTaskMethods& methods) {
  std::map<std::string, ServiceTaskFunction> sync;
  std::map<std::string, LongRunningServiceTask> async;
  sync["ServiceTaskTestService.returnOne"] = [](const JsonText&) -> Result<JsonText> { return JsonText("1"); };
  sync["ServiceTaskTestService.returnObject"] = [](const JsonText&) -> Result<JsonText> {
    return JsonText(R"({"prop1":1337,"prop2":"Hello World"})");
  };
  sync["ServiceTaskTestService.echoParameter"] = [](const JsonText& arguments) -> Result<JsonText> {
    const JsonText first = argument(arguments, 0);
    return first.empty() ? JsonText("null") : first;
  };
  sync["ServiceTaskTestService.throwException"] = [](const JsonText&) -> Result<JsonText> {
    return make_error(ErrorStatus::internal, "Failed");
  };
  sync["ParallelGatewayTestService.currentTokenTestPart1"] = [](const JsonText&) -> Result<JsonText> {
    return json_quote("current token test value");
  };
  sync["ParallelGatewayTestService.currentTokenTestPart2"] = [](const JsonText& arguments) -> Result<JsonText> {
    return argument(arguments, 0);
  };

  // delay(seconds, value): waits, then returns value (undefined without one).
  async["ServiceTaskTestService.delay"] = delayed(
      [](const JsonText& arguments) {
        rapidjson::Document seconds;
        const JsonText text = argument(arguments, 0);
        if (text.empty() || json_parse(text, seconds) || !seconds.IsNumber()) return milliseconds(0);
        return milliseconds(static_cast<long>(seconds.GetDouble() * 1000));
      },
      [](const JsonText& arguments) { return argument(arguments, 1); });
  async["ParallelGatewayTestService.longRunningFunction"] =
      delayed(fixed(milliseconds(1000)), constant("longRunningFunction has finished"));
  async["ParallelGatewayTestService.veryLongRunningFunction"] =
      delayed(fixed(milliseconds(3000)), constant("veryLongRunningFunction has finished"));
  async["ParallelGatewayTestService.secondVeryLongRunningFunction"] =
      delayed(fixed(milliseconds(3000)), constant("secondVeryLongRunningFunction has finished"));
  // "UPDATED " + x, as JavaScript would concatenate a string argument.
  async["ParallelGatewayTestService.sequenceTestPart2UpdateToken"] =
      delayed(fixed(milliseconds(500)), [](const JsonText& arguments) {
        rapidjson::Document value;
        const JsonText text = argument(arguments, 0);
        if (!text.empty() && !json_parse(text, value) && value.IsString()) {
          return json_quote(std::string("UPDATED ") + value.GetString());
        }
        return json_quote("UPDATED " + text);
      });
  async["ParallelGatewayTestService.sequenceTestPart3Delay"] =
      delayed(fixed(milliseconds(1700)), [](const JsonText& arguments) { return argument(arguments, 0); });

  for (auto& [name, method] : sync) {
    methods.add(name, std::move(method));
    names_.push_back(name);
  }
  for (auto& [name, method] : async) {
    methods.add_long_running(name, std::move(method));
    names_.push_back(name);
  }
}

void TestServices::remove_from(ServiceTaskMethods& methods) {
  for (const auto& name : names_) methods.remove(name);
  names_.clear();
}

}  // namespace processhost::conformance
