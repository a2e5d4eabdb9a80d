// Measures the engine's script runtime through the calls the engine makes
// (run_script, run_condition, run_expression): the first call on a new thread (runtime
// creation and the first compile), the compile of a script not seen before on a warm thread,
// and the throughput of cached script-task, condition and form-expression calls. Whatever
// JavaScript engine the runtime embeds, the same program measures it.
//
//   script_bench [--calls N] [--compiles N]

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "processhost/engine/process_model.hpp"
#include "scripting/script_runtime.hpp"

namespace {

using Clock = std::chrono::steady_clock;
using namespace processhost;
using namespace processhost::engine;

double micros_since(Clock::time_point began) {
  return std::chrono::duration<double, std::micro>(Clock::now() - began).count();
}

// The token of the sample process after its start event, and a larger one for the cost that
// grows with the token.
const std::string kToken =
    R"({"current":{"test_type":"basic_test","n":1},"history":{"StartEvent_1":{"test_type":"basic_test","n":1}}})";
const std::string kIdentity = R"({"userId":"bench","token":"","identity":{}})";

std::string large_token() {
  std::string items;
  for (int i = 0; i < 200; ++i) {
    if (i > 0) items += ',';
    items += R"({"id":)" + std::to_string(i) + R"(,"name":"item )" + std::to_string(i) + R"(","price":)" +
             std::to_string(i * 3 + 1) + "}";
  }
  return R"({"current":{"items":[)" + items + R"(]},"history":{"StartEvent_1":{"items":[)" + items + "]}}}";
}

std::size_t next_script_id() {
  static std::size_t next = 500000000;
  return ++next;
}

Script script_of(std::string source, bool uses_token) {
  Script script;
  script.id = next_script_id();
  script.source = std::move(source);
  script.uses_token = uses_token;
  return script;
}

ScriptCall call_of(const Script& script, const std::string& token) {
  ScriptCall call;
  call.script = &script;
  call.token_json = token;
  call.identity_json = kIdentity;
  call.origin = "bench";
  return call;
}

struct Case {
  const char* name;
  Script script;
  const std::string* token;
  std::function<bool(const ScriptCall&)> run;  // false when the call failed
};

bool script_ok(const ScriptCall& call) { return static_cast<bool>(run_script(call)); }
bool condition_ok(const ScriptCall& call) { return static_cast<bool>(run_condition(call)); }
bool expression_ok(const ScriptCall& call) { return static_cast<bool>(run_expression(call)); }

// Runs each case `calls` times after one warm-up call; prints µs per call and calls per second.
int measure_calls(std::vector<Case>& cases, int calls) {
  int failures = 0;
  for (auto& c : cases) {
    const ScriptCall call = call_of(c.script, *c.token);
    if (!c.run(call)) {
      std::printf("%-50s FAILED\n", c.name);
      ++failures;
      continue;
    }
    const auto began = Clock::now();
    for (int i = 0; i < calls; ++i) failures += c.run(call) ? 0 : 1;
    const double per_call = micros_since(began) / calls;
    std::printf("%-50s %9.2f us %12.0f calls/s\n", c.name, per_call, 1e6 / per_call);
  }
  return failures;
}

// A fresh thread has no runtime yet: its first call creates it and compiles the script.
void measure_first_call_on_new_thread(int threads) {
  double total = 0;
  double worst = 0;
  for (int i = 0; i < threads; ++i) {
    std::thread thread([&] {
      const Script sample = script_of("console.log(\"Hello World!\");", false);
      const auto began = Clock::now();
      (void)run_script(call_of(sample, kToken));
      const double took = micros_since(began);
      total += took;
      worst = took > worst ? took : worst;
    });
    thread.join();
  }
  std::printf("%-50s %9.1f us (worst %.1f us, %d threads)\n", "first call on a new thread", total / threads, worst,
              threads);
}

// Scripts the thread has not seen: compile plus one call, for a script task, a condition and
// a form expression of typical size.
void measure_compiles(int compiles) {
  const std::string body =
      "var total = 0; var items = token.current.items || []; for (var i = 0; i < items.length; ++i) "
      "total += items[i].price; return {total: total, count: items.length};";
  double script_total = 0, condition_total = 0, expression_total = 0;
  for (int i = 0; i < compiles; ++i) {
    // A unique comment makes each source new to any cache keyed by text as well as by id.
    const std::string salt = "/*" + std::to_string(i) + "*/";
    const Script script = script_of(salt + body, true);
    auto began = Clock::now();
    (void)run_script(call_of(script, kToken));
    script_total += micros_since(began);
    const Script condition = script_of(salt + "return token.current.test_type === 'basic_test';", true);
    began = Clock::now();
    (void)run_condition(call_of(condition, kToken));
    condition_total += micros_since(began);
    const Script expression = script_of(salt + "return token.history.StartEvent_1.n;", true);
    began = Clock::now();
    (void)run_expression(call_of(expression, kToken));
    expression_total += micros_since(began);
  }
  std::printf("%-50s %9.1f us\n", "first call of a new script task", script_total / compiles);
  std::printf("%-50s %9.1f us\n", "first call of a new condition", condition_total / compiles);
  std::printf("%-50s %9.1f us\n", "first call of a new form expression", expression_total / compiles);
}

int option(int argc, char** argv, const char* name, int fallback) {
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], name) == 0) return std::atoi(argv[i + 1]);
  }
  return fallback;
}

}  // namespace

int main(int argc, char** argv) {
  const int calls = option(argc, argv, "--calls", 200000);
  const int compiles = option(argc, argv, "--compiles", 2000);
  const std::string large = large_token();
  std::printf("script_bench: %d calls per case, %d new scripts; token %zu bytes, large token %zu bytes\n", calls,
              compiles, kToken.size(), large.size());
  measure_first_call_on_new_thread(5);
  measure_compiles(compiles);
  std::vector<Case> cases;
  cases.push_back({"script task: sample console.log, no token", script_of("console.log(\"Hello World!\");", false),
                   &kToken, script_ok});
  cases.push_back({"script task: return a result from the token",
                   script_of("return {type: token.current.test_type, n: token.current.n + 1};", true), &kToken,
                   script_ok});
  cases.push_back({"script task: loop over a large token",
                   script_of("var total = 0; var items = token.current.items; for (var i = 0; i < items.length; ++i) "
                             "total += items[i].price; return {total: total};",
                             true),
                   &large, script_ok});
  cases.push_back({"script task: compute, 1000 iterations",
                   script_of("var x = 0; for (var i = 0; i < 1000; ++i) x = (x * 31 + i) % 1000003; return x;", false),
                   &kToken, script_ok});
  cases.push_back({"condition: token.current.test_type === ...",
                   script_of("return token.current.test_type === 'basic_test';", true), &kToken, condition_ok});
  cases.push_back({"condition: constant, no token", script_of("return 1 < 2;", false), &kToken, condition_ok});
  cases.push_back({"form expression: ${token.history.StartEvent_1.n}",
                   script_of("return token.history.StartEvent_1.n;", true), &kToken, expression_ok});
  cases.push_back(
      {"form expression: ${identity.userId}", script_of("return identity.userId;", true), &kToken, expression_ok});
  const int failures = measure_calls(cases, calls);
  if (failures > 0) {
    std::printf("%d calls failed\n", failures);
    return 1;
  }
  return 0;
}
