// What a script sees: modern JavaScript (ES2022) with its built-ins, the token and identity
// contract, console and nothing else (no require, no I/O), errors in V8's words where models
// rely on them, and syntax errors with the line they are on.
#include <gtest/gtest.h>

#include <atomic>
#include <algorithm>
#include <chrono>
#include <future>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "engine_fixture.hpp"
#include "scripting/script_runtime.hpp"

namespace processhost::engine {
namespace {

Script script_of(std::string source, bool uses_token = true) {
  static std::atomic<std::size_t> next_id{800000};
  Script script;
  script.id = ++next_id;
  script.source = std::move(source);
  script.uses_token = uses_token;
  return script;
}

const std::string kToken = R"({"current":{"items":[{"n":1},{"n":2},{"n":3}],"name":"ada"},"history":{"s":{"x":1}}})";
const std::string kIdentity = R"({"userId":"u1","token":"","identity":{}})";

ScriptCall call_of(const Script& script) {
  ScriptCall call;
  call.script = &script;
  call.token_json = kToken;
  call.identity_json = kIdentity;
  call.origin = "language";
  return call;
}

std::string result_of(const std::string& body) {
  const auto script = script_of(body);
  auto result = run_script(call_of(script));
  if (!result) return "error: " + result.error().message;
  return result.value();
}

TEST(ScriptLanguage, ModernSyntaxRuns) {
  EXPECT_EQ(result_of("let a = 1; const b = 2; return a + b;"), "3");
  EXPECT_EQ(result_of("const twice = (x) => x * 2; return [1, 2, 3].map(twice);"), "[2,4,6]");
  EXPECT_EQ(result_of("return `hello ${token.current.name}, ${1 + 1}`;"), R"("hello ada, 2")");
  EXPECT_EQ(result_of("const {name, missing = 'd'} = token.current; const [first, ...rest] = [1, 2, 3];"
                      "return {name, missing, first, rest};"),
            R"({"name":"ada","missing":"d","first":1,"rest":[2,3]})");
  EXPECT_EQ(result_of("const more = {...token.history.s, y: 2}; return [...[1, 2], ...[3]].concat([more]);"),
            R"([1,2,3,{"x":1,"y":2}])");
  EXPECT_EQ(result_of("function f(a, b = 10) { return a + b; } return f(1);"), "11");
  EXPECT_EQ(result_of("class Shape { constructor(s) { this.s = s; } area() { return this.s * this.s; } }"
                      "class Square extends Shape { get name() { return 'square'; } }"
                      "const q = new Square(3); return {area: q.area(), name: q.name};"),
            R"({"area":9,"name":"square"})");
  EXPECT_EQ(result_of("let sum = 0; for (const item of token.current.items) sum += item.n; return sum;"), "6");
  EXPECT_EQ(result_of("return [token.current?.missing?.deep, token.current.missing ?? 'fallback', 0 ?? 1];"),
            R"([null,"fallback",0])");
  EXPECT_EQ(result_of("let x = null; x ?\?= 5; let y = 1; y ||= 7; return {x, y, big: 2 ** 10, n: 1_000};"),
            R"({"x":5,"y":1,"big":1024,"n":1000})");
}

TEST(ScriptLanguage, ModernBuiltInsExist) {
  EXPECT_EQ(result_of("return [[1, 2].includes(2), [1, 2].includes(3)];"), "[true,false]");
  EXPECT_EQ(result_of("return token.current.items.find((i) => i.n > 1);"), R"({"n":2})");
  EXPECT_EQ(result_of("return token.current.items.findIndex((i) => i.n === 3);"), "2");
  EXPECT_EQ(result_of("return Object.entries({a: 1, b: 2});"), R"([["a",1],["b",2]])");
  EXPECT_EQ(result_of("return Object.values({a: 1, b: 2});"), "[1,2]");
  EXPECT_EQ(result_of("return Object.fromEntries([['k', 'v']]);"), R"({"k":"v"})");
  EXPECT_EQ(result_of("const m = new Map([['a', 1]]); m.set('b', 2); return [m.size, m.get('b'), [...m.keys()]];"),
            R"([2,2,["a","b"]])");
  EXPECT_EQ(result_of("return [...new Set([1, 1, 2])];"), "[1,2]");
  EXPECT_EQ(result_of("return Array.from({length: 3}, (_, i) => i * i);"), "[0,1,4]");
  EXPECT_EQ(result_of("return ['5'.padStart(3, '0'), 'ab'.repeat(2), ' x '.trim(), 'abc'.at(-1)];"),
            R"(["005","abab","x","c"])");
  EXPECT_EQ(result_of("return [[1, [2, [3]]].flat(2), 'a-b-c'.replaceAll('-', '+')];"), R"([[1,2,3],"a+b+c"])");
  EXPECT_EQ(result_of("return typeof BigInt(1) + ' ' + Number.isInteger(5);"), R"("bigint true")");
}

TEST(ScriptLanguage, TokenIsAlsoThisAndIdentityIsPassed) {
  EXPECT_EQ(result_of("return [this === token, identity.userId, token.history.s.x];"), R"([true,"u1",1])");
}

TEST(ScriptLanguage, ResultsJsonCannotExpressBecomeEmptyObjectOrNull) {
  const auto no_value = script_of("return undefined;", false);
  EXPECT_EQ(run_script(call_of(no_value)).value(), "{}");
  const auto a_function = script_of("return () => 1;", false);
  EXPECT_EQ(run_script(call_of(a_function)).value(), "{}");
  EXPECT_EQ(run_expression(call_of(no_value)).value(), "null");
}

TEST(ScriptLanguage, NonAsciiTextSurvivesTheRoundTrip) {
  EXPECT_EQ(result_of("return 'Grüße ' + '\\u{1F600}' + ' ' + '日本'.length;"), "\"Grüße 😀 2\"");
}

// Promise jobs run after the body returned and before its result is taken; a returned
// promise answers with what it settled to.
TEST(ScriptLanguage, PromisesSettleWithinTheRun) {
  EXPECT_EQ(result_of("let seen = []; Promise.resolve(2).then((x) => seen.push(x)); seen.push(1); return seen;"),
            "[1,2]");
  EXPECT_EQ(result_of("const f = async (x) => (await Promise.resolve(x)) * 2; return f(21);"), "42");
  EXPECT_EQ(result_of("return (async () => { throw new TypeError('nope'); })();"), "error: TypeError: nope");
  EXPECT_EQ(result_of("return new Promise(() => {});"),
            "error: Error: the script returned a promise that never settles");
}

TEST(ScriptLanguage, ConditionsAndExpressionsKeepTheirContract) {
  const auto includes = script_of("return [1,2].includes(2)", false);
  auto truthy = run_condition(call_of(includes));
  ASSERT_TRUE(truthy) << truthy.error().message;
  EXPECT_TRUE(truthy.value());
  const auto number = script_of("return token.history.s.x;");
  EXPECT_EQ(run_expression(call_of(number)).value(), "1");
}

TEST(ScriptLanguage, NoRequireAndNoInputOutputGlobals) {
  EXPECT_EQ(result_of("return [typeof require, typeof module, typeof process, typeof load, typeof read, "
                      "typeof readFile, typeof print, typeof quit, typeof setTimeout, typeof setInterval, "
                      "typeof fetch, typeof XMLHttpRequest, typeof WebAssembly, typeof Duktape, typeof os];"),
            R"(["undefined","undefined","undefined","undefined","undefined","undefined","undefined",)"
            R"("undefined","undefined","undefined","undefined","undefined","undefined","undefined",)"
            R"("undefined"])");
  EXPECT_EQ(result_of("return Object.getOwnPropertyNames(console).sort();"),
            R"(["debug","error","info","log","warn"])");
  EXPECT_EQ(result_of("require('fs')"), "error: ReferenceError: require is not defined");
}

TEST(ScriptLanguage, DynamicImportIsRefused) {
  const auto importing = result_of("return import('fs');");
  EXPECT_EQ(importing.rfind("error: ", 0), 0u) << importing;
}

TEST(ScriptLanguage, ErrorsUseTheWordingModelsRelyOn) {
  EXPECT_EQ(result_of("return a;"), "error: ReferenceError: a is not defined");
  EXPECT_EQ(result_of("throw new Error('Critical error');"), "error: Error: Critical error");
  EXPECT_EQ(result_of("throw 'plain';"), "error: plain");
  const auto deep = result_of("function f() { return f() + 1; } return f();");
  EXPECT_EQ(deep, "error: InternalError: too much recursion");
}

// The body is compiled inside a function whose head takes the first line, so the body's
// first line is line 2.
TEST(ScriptLanguage, SyntaxErrorsNameTheirLine) {
  const auto error = check_script_syntax("let a = 1;\nreturn a +;");
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->rfind("SyntaxError: ", 0), 0u) << *error;
  EXPECT_NE(error->find("(line 3)"), std::string::npos) << *error;
  EXPECT_FALSE(check_script_syntax("const f = () => 1; return f?.() ?? 0;").has_value());
  const auto at_run_time = result_of("return (;");
  EXPECT_EQ(at_run_time.rfind("error: SyntaxError: ", 0), 0u) << at_run_time;
}

TEST(ScriptLanguage, ConsoleWritesOneLineNamingTheElement) {
  testing::CapturingLogger logger;
  const auto logging = script_of("const log = console.log; log('a', 1, {b: [2]}); console.warn(`w${3}`);", false);
  auto call = call_of(logging);
  call.logger = &logger;
  ASSERT_TRUE(run_script(call));
  const auto lines = logger.lines();
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0], R"(script 'language': a 1 {"b":[2]})");
  EXPECT_EQ(lines[1], "script 'language': w3");
}

// A context per thread: a new thread gets its own, and a thread's end takes its context with
// it (the engine's worker pool ends extra threads after an idle second).
TEST(ScriptLanguage, EachThreadHasItsOwnContext) {
  const auto set_global = script_of("globalThis.leak = 'mine'; return 1;", false);
  const auto read_global = script_of("return typeof leak;", false);
  ASSERT_TRUE(run_script(call_of(set_global)));
  EXPECT_EQ(run_script(call_of(read_global)).value(), R"("string")");
  for (int i = 0; i < 3; ++i) {
    std::string seen;
    std::thread other([&] {
      seen = run_script(call_of(read_global)).value();
      (void)run_script(call_of(set_global));
    });
    other.join();
    EXPECT_EQ(seen, R"("undefined")");
  }
}

class ScriptLanguageInEngine : public testing::EngineFixture {};

// Scripts that hold the only worker make the engine's pool add threads; each gets its own
// context on its first script, and the context ends with the thread after an idle second.
TEST_F(ScriptLanguageInEngine, ExtraThreadsOfThePoolCreateAndEndTheirContexts) {
  EngineOptions options;
  options.worker_threads = 1;
  start_engine(options);
  ASSERT_TRUE(deploy(testing::process_xml("busy",
      "<bpmn:startEvent id='s'/><bpmn:scriptTask id='t'><bpmn:script>"
      "const end = Date.now() + 300; while (Date.now() &lt; end) {} return 1;</bpmn:script></bpmn:scriptTask>"
      "<bpmn:endEvent id='e'/><bpmn:sequenceFlow id='f1' sourceRef='s' targetRef='t'/>"
      "<bpmn:sequenceFlow id='f2' sourceRef='t' targetRef='e'/>")));
  StartRequest request;
  request.process_model_id = "busy";
  request.callback_type = StartCallbackType::on_process_finished;
  ASSERT_TRUE(start(request));
  const int settled = live_script_contexts();  // this thread's and the worker's, at least
  std::vector<std::future<Result<StartResult>>> running;
  for (int i = 0; i < 3; ++i) {
    auto promise = std::make_shared<std::promise<Result<StartResult>>>();
    running.push_back(promise->get_future());
    engine_->start(testing::test_identity(), request,
                   [promise](Result<StartResult> r) { promise->set_value(std::move(r)); });
  }
  int peak = 0;
  for (auto& future : running) {
    while (future.wait_for(std::chrono::milliseconds(20)) != std::future_status::ready) {
      peak = std::max(peak, live_script_contexts());
    }
    auto done = future.get();
    ASSERT_TRUE(done) << done.error().message;
    EXPECT_EQ(done->token_payload, "1");
  }
  EXPECT_GT(peak, settled) << "the extra threads ran scripts in contexts of their own";
  EXPECT_TRUE(testing::eventually([&] { return live_script_contexts() <= settled; }))
      << "the extra threads ended and took their contexts with them: " << live_script_contexts();
}

// Under ES5 this condition threw, counted as false and the default flow was taken silently.
TEST_F(ScriptLanguageInEngine, IncludesConditionTakesItsFlow) {
  ASSERT_TRUE(deploy(testing::process_xml("includes",
      "<bpmn:startEvent id='s'/><bpmn:exclusiveGateway id='g' default='fDefault'/>"
      "<bpmn:endEvent id='yes'/><bpmn:endEvent id='no'/>"
      "<bpmn:sequenceFlow id='f1' sourceRef='s' targetRef='g'/>"
      "<bpmn:sequenceFlow id='fYes' sourceRef='g' targetRef='yes'><bpmn:conditionExpression>[1,2].includes(2)"
      "</bpmn:conditionExpression></bpmn:sequenceFlow>"
      "<bpmn:sequenceFlow id='fDefault' sourceRef='g' targetRef='no'/>")));
  StartRequest request;
  request.process_model_id = "includes";
  request.callback_type = StartCallbackType::on_process_finished;
  auto done = start(request);
  ASSERT_TRUE(done) << done.error().message;
  EXPECT_EQ(done->end_event_id, "yes");
}

TEST_F(ScriptLanguageInEngine, ModernScriptTaskReadsTheToken) {
  ASSERT_TRUE(deploy(testing::process_xml("modern",
      "<bpmn:startEvent id='s'/><bpmn:scriptTask id='t'><bpmn:script>"
      "const {items = []} = token.current ?? {}; return {total: items.reduce((a, {n}) =&gt; a + n, 0), "
      "names: Object.keys(token.history)};</bpmn:script></bpmn:scriptTask><bpmn:endEvent id='e'/>"
      "<bpmn:sequenceFlow id='f1' sourceRef='s' targetRef='t'/><bpmn:sequenceFlow id='f2' sourceRef='t' targetRef='e'/>")));
  StartRequest request;
  request.process_model_id = "modern";
  request.input_values = R"({"items":[{"n":2},{"n":5}]})";
  request.callback_type = StartCallbackType::on_process_finished;
  auto done = start(request);
  ASSERT_TRUE(done) << done.error().message;
  EXPECT_EQ(done->token_payload, R"({"total":7,"names":["s"]})");
}

}  // namespace
}  // namespace processhost::engine
