// The script runtime's limits hold whatever the script calls: the time budget also stops a
// loop around heavy built-ins, and the memory limit stops a script that keeps allocating,
// with an error that says which limit, and the runtime stays usable afterwards.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>

#include "scripting/script_runtime.hpp"

namespace processhost::engine {
namespace {

using std::chrono::milliseconds;

Script script_of(std::string source) {
  static std::atomic<std::size_t> next_id{900000};
  Script script;
  script.id = ++next_id;
  script.source = std::move(source);
  script.uses_token = false;
  return script;
}

struct Run {
  Result<JsonText> result;
  milliseconds elapsed;
};

Run run(const Script& script, milliseconds budget, std::size_t memory_limit_bytes = 64 * 1024 * 1024) {
  ScriptCall call;
  call.script = &script;
  call.budget = budget;
  call.memory_limit_bytes = memory_limit_bytes;
  call.origin = "limits";
  const auto started = std::chrono::steady_clock::now();
  auto result = run_script(call);
  return {std::move(result),
          std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() - started)};
}

// Before the hook ran every 4K instructions this loop ran 41 s past a 1 s budget. The bound
// below is ten budgets: far from a timing measurement, far below the old overrun.
TEST(ScriptLimits, TheBudgetStopsALoopAroundHeavyBuiltIns) {
  const auto loop = script_of("var a = []; for (;;) { a.push(new Array(20000).join('x')); if (a.length > 50) a = []; }");
  const auto outcome = run(loop, milliseconds(200));
  ASSERT_FALSE(outcome.result);
  EXPECT_NE(outcome.result.error().message.find("exceeded its time budget of 200 ms"), std::string::npos)
      << outcome.result.error().message;
  EXPECT_NE(outcome.result.error().additional_information.find("\"scriptTimeout\":true"), std::string::npos);
  EXPECT_LT(outcome.elapsed, milliseconds(2000));
}

TEST(ScriptLimits, StringDoublingFailsWithTheMemoryLimitNotTheBudget) {
  const auto doubling = script_of("var s = 'x'; for (;;) { s = s + s; } return s.length;");
  const auto outcome = run(doubling, milliseconds(60000), 16 * 1024 * 1024);
  ASSERT_FALSE(outcome.result);
  EXPECT_EQ(outcome.result.error().message, "script of 'limits' exceeded its memory limit of 16 MiB and was stopped");
  EXPECT_EQ(outcome.result.error().additional_information, R"({"scriptMemoryLimit":true,"limitBytes":16777216})");
}

TEST(ScriptLimits, ACatchingScriptCannotGetPastTheMemoryLimit) {
  const auto stubborn =
      script_of("var kept = []; for (;;) { try { kept.push(new Array(100000).join('y') + kept.length); } catch (e) {} }");
  const auto outcome = run(stubborn, milliseconds(5000), 8 * 1024 * 1024);
  ASSERT_FALSE(outcome.result);
  const auto& message = outcome.result.error().message;
  // Refused memory again and again, the script ends by its budget at the latest; either way
  // it fails with a limit named, never with a result.
  EXPECT_TRUE(message.find("exceeded its memory limit of 8 MiB") != std::string::npos ||
              message.find("exceeded its time budget of 5000 ms") != std::string::npos)
      << message;
}

TEST(ScriptLimits, TheRuntimeStaysUsableAfterEitherLimit) {
  const auto doubling = script_of("var s = 'x'; for (;;) { s = s + s; }");
  ASSERT_FALSE(run(doubling, milliseconds(60000), 4 * 1024 * 1024).result);
  const auto loop = script_of("for (;;) {}");
  ASSERT_FALSE(run(loop, milliseconds(50)).result);
  const auto fine = script_of("var s = 'x'; for (var i = 0; i < 20; ++i) s = s + s; return {length: s.length};");
  const auto outcome = run(fine, milliseconds(1000), 4 * 1024 * 1024);
  ASSERT_TRUE(outcome.result) << outcome.result.error().message;
  EXPECT_EQ(outcome.result.value(), R"({"length":1048576})");
}

}  // namespace
}  // namespace processhost::engine
