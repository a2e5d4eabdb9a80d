// The script runtime's limits hold whatever the script calls: the time budget also stops a
// loop around heavy built-ins, and the memory limit stops a script that keeps allocating,
// with an error that says which limit, the runtime stays usable afterwards and other
// instances go on.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>

#include "engine_fixture.hpp"
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

// The interrupt is requested from the watchdog's thread, so it reaches the script inside the
// loop around join as well. The bound below is ten budgets: far from a timing measurement,
// far below the 41 s an unchecked loop once ran past a 1 s budget.
TEST(ScriptLimits, TheBudgetStopsALoopAroundHeavyBuiltIns) {
  const auto loop = script_of("var a = []; for (;;) { a.push(new Array(20000).join('x')); if (a.length > 50) a = []; }");
  const auto outcome = run(loop, milliseconds(200));
  ASSERT_FALSE(outcome.result);
  EXPECT_NE(outcome.result.error().message.find("exceeded its time budget of 200 ms"), std::string::npos)
      << outcome.result.error().message;
  EXPECT_NE(outcome.result.error().additional_information.find("\"scriptTimeout\":true"), std::string::npos);
  EXPECT_LT(outcome.elapsed, milliseconds(2000));
}

// Concatenation alone builds ropes that cost next to nothing; indexOf makes each doubled string
// real memory, so this is a true allocation bomb.
TEST(ScriptLimits, StringDoublingFailsWithTheMemoryLimitNotTheBudget) {
  const auto doubling = script_of("var s = 'x'; for (;;) { s = s + s; s.indexOf('y'); } return s.length;");
  const auto outcome = run(doubling, milliseconds(60000), 16 * 1024 * 1024);
  ASSERT_FALSE(outcome.result);
  EXPECT_EQ(outcome.result.error().message, "script of 'limits' exceeded its memory limit of 16 MiB and was stopped");
  EXPECT_EQ(outcome.result.error().additional_information, R"({"scriptMemoryLimit":true,"limitBytes":16777216})");
  EXPECT_LT(outcome.elapsed, milliseconds(5000));
}

TEST(ScriptLimits, GrowingObjectsAndArraysFailWithTheMemoryLimit) {
  const auto objects = script_of("const kept = []; for (let i = 0; ; ++i) kept.push({i, name: 'n' + i, list: [i, i]});");
  const auto by_objects = run(objects, milliseconds(60000), 16 * 1024 * 1024);
  ASSERT_FALSE(by_objects.result);
  EXPECT_EQ(by_objects.result.error().message, "script of 'limits' exceeded its memory limit of 16 MiB and was stopped");
  const auto arrays = script_of("const kept = []; for (;;) kept.push(new Array(100000).fill(kept.length));");
  const auto by_arrays = run(arrays, milliseconds(60000), 16 * 1024 * 1024);
  ASSERT_FALSE(by_arrays.result);
  EXPECT_EQ(by_arrays.result.error().message, "script of 'limits' exceeded its memory limit of 16 MiB and was stopped");
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

TEST(ScriptLimits, TheBudgetCannotBeCaught) {
  const auto stubborn = script_of("for (;;) { try { for (;;) {} } catch (e) {} finally { continue; } }");
  const auto outcome = run(stubborn, milliseconds(100));
  ASSERT_FALSE(outcome.result);
  EXPECT_NE(outcome.result.error().message.find("exceeded its time budget of 100 ms"), std::string::npos)
      << outcome.result.error().message;
}

TEST(ScriptLimits, TheRuntimeStaysUsableAfterEitherLimit) {
  const auto doubling = script_of("var s = 'x'; for (;;) { s = s + s; s.indexOf('y'); }");
  ASSERT_FALSE(run(doubling, milliseconds(60000), 4 * 1024 * 1024).result);
  const auto loop = script_of("for (;;) {}");
  ASSERT_FALSE(run(loop, milliseconds(50)).result);
  const auto fine = script_of("var s = 'x'; for (var i = 0; i < 20; ++i) s = s + s; return {length: s.length};");
  const auto outcome = run(fine, milliseconds(1000), 4 * 1024 * 1024);
  ASSERT_TRUE(outcome.result) << outcome.result.error().message;
  EXPECT_EQ(outcome.result.value(), R"({"length":1048576})");
}

class ScriptLimitsInEngine : public testing::EngineFixture {};

// One instance's allocation bomb fails that instance with the memory limit; an instance
// started beside it completes, and the engine runs scripts again afterwards.
TEST_F(ScriptLimitsInEngine, AnAllocationBombFailsItsInstanceWhileOthersComplete) {
  EngineOptions options;
  options.worker_threads = 2;
  options.script_budget = std::chrono::milliseconds(20000);
  options.script_memory_limit_bytes = 16 * 1024 * 1024;
  start_engine(options);
  ASSERT_TRUE(deploy(testing::process_xml("bomb",
      "<bpmn:startEvent id='s'/><bpmn:scriptTask id='grow'><bpmn:script>"
      "const kept = []; for (;;) kept.push('x'.repeat(100000) + kept.length);</bpmn:script></bpmn:scriptTask>"
      "<bpmn:endEvent id='e'/><bpmn:sequenceFlow id='f1' sourceRef='s' targetRef='grow'/>"
      "<bpmn:sequenceFlow id='f2' sourceRef='grow' targetRef='e'/>")));
  ASSERT_TRUE(deploy(testing::process_xml("quick",
      "<bpmn:startEvent id='s'/><bpmn:scriptTask id='q'><bpmn:script>return [1, 2].map((x) =&gt; x * 7);"
      "</bpmn:script></bpmn:scriptTask><bpmn:endEvent id='e'/><bpmn:sequenceFlow id='f1' sourceRef='s' targetRef='q'/>"
      "<bpmn:sequenceFlow id='f2' sourceRef='q' targetRef='e'/>")));
  StartRequest bomb_request;
  bomb_request.process_model_id = "bomb";
  bomb_request.callback_type = StartCallbackType::on_process_finished;
  auto promise = std::make_shared<std::promise<Result<StartResult>>>();
  auto future = promise->get_future();
  engine_->start(testing::test_identity(), bomb_request,
                 [promise](Result<StartResult> r) { promise->set_value(std::move(r)); });
  StartRequest quick_request;
  quick_request.process_model_id = "quick";
  quick_request.callback_type = StartCallbackType::on_process_finished;
  auto quick = start(quick_request);
  ASSERT_TRUE(quick) << quick.error().message;
  EXPECT_EQ(quick->token_payload, "[7,14]");
  auto bomb = testing::wait_for(future);
  ASSERT_FALSE(bomb);
  EXPECT_EQ(bomb.error().message, "script of 'grow' exceeded its memory limit of 16 MiB and was stopped");
  auto again = start(quick_request);
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(again->token_payload, "[7,14]");
}

}  // namespace
}  // namespace processhost::engine
