// Measures the two embeddable JavaScript engines Debian offers for what the engine needs:
// creating a context, and calling a cached, compiled function for the sample script task
// (console.log with a disabled logger, no token) and for a condition that reads the token.
//
//   script_bench [iterations]

#include <js/CompilationAndEvaluation.h>
#include <js/Conversions.h>
#include <js/Initialization.h>
#include <js/JSON.h>
#include <js/SourceText.h>
#include <jsapi.h>

#include <chrono>
#include <cstdio>
#include <string>

#include "processhost/engine/process_model.hpp"
#include "scripting/script_runtime.hpp"

namespace {

using Clock = std::chrono::steady_clock;

double us_since(Clock::time_point began, double count = 1) {
  return std::chrono::duration<double, std::micro>(Clock::now() - began).count() / count;
}

const std::string kToken = R"({"current":{"test_type":"basic_test","n":1},"history":{"StartEvent_1":{"test_type":"basic_test","n":1}}})";

void duktape(int iterations) {
  using namespace processhost::engine;
  Script sample{900001, "console.log(\"Hello World!\");", false};
  Script condition{900002, "return token.current.test_type === 'basic_test';", true};
  ScriptCall call{&sample, kToken, "{}", std::chrono::milliseconds(1000), nullptr, "bench"};
  auto began = Clock::now();
  (void)run_script(call);  // first call on this thread creates the heap and compiles
  std::printf("duktape   first call (heap + compile)  %8.1f us\n", us_since(began));
  began = Clock::now();
  for (int i = 0; i < iterations; ++i) (void)run_script(call);
  std::printf("duktape   sample script call           %8.2f us\n", us_since(began, iterations));
  call.script = &condition;
  (void)run_condition(call);
  began = Clock::now();
  int truthy = 0;
  for (int i = 0; i < iterations; ++i) truthy += run_condition(call).value() ? 1 : 0;
  std::printf("duktape   condition with token         %8.2f us  (%d true)\n", us_since(began, iterations), truthy);
}

bool console_log(JSContext*, unsigned argc, JS::Value* vp) {
  JS::CallArgsFromVp(argc, vp).rval().setUndefined();
  return true;
}

const JSClass kGlobalClass = {"global", JSCLASS_GLOBAL_FLAGS, &JS::DefaultGlobalClassOps};

JSFunction* compile(JSContext* cx, const char* name, const std::string& body, unsigned nargs, const char* const* args) {
  JS::CompileOptions options(cx);
  options.setFileAndLine(name, 1);
  JS::SourceText<mozilla::Utf8Unit> source;
  if (!source.init(cx, body.data(), body.size(), JS::SourceOwnership::Borrowed)) return nullptr;
  JS::RootedObjectVector scope(cx);
  return JS::CompileFunction(cx, scope, options, name, nargs, args, source);
}

void spidermonkey(int iterations) {
  auto began = Clock::now();
  JS_Init();
  JSContext* cx = JS_NewContext(JS::DefaultHeapMaxBytes);
  JS::InitSelfHostedCode(cx);
  {
    JS::RealmOptions realm_options;
    JS::RootedObject global(cx, JS_NewGlobalObject(cx, &kGlobalClass, nullptr, JS::FireOnNewGlobalHook, realm_options));
    JSAutoRealm realm(cx, global);
    JS::InitRealmStandardClasses(cx);
    JS::RootedObject console(cx, JS_NewPlainObject(cx));
    JS_DefineFunction(cx, console, "log", console_log, 0, 0);
    JS_DefineProperty(cx, global, "console", console, 0);
    std::printf("mozjs-102 runtime + context + global   %8.1f us\n", us_since(began));

    const char* args[] = {"token", "identity"};
    began = Clock::now();
    JS::RootedFunction sample(cx, compile(cx, "sample", "console.log(\"Hello World!\");", 2, args));
    JS::RootedFunction condition(cx, compile(cx, "condition", "return token.current.test_type === 'basic_test';", 2, args));
    std::printf("mozjs-102 compile two functions        %8.1f us\n", us_since(began));
    JS::RootedValue result(cx);
    JS::RootedValueArray<2> call_args(cx);
    began = Clock::now();
    for (int i = 0; i < iterations; ++i) JS_CallFunction(cx, global, sample, call_args, &result);
    std::printf("mozjs-102 sample script call           %8.2f us\n", us_since(began, iterations));
    began = Clock::now();
    int truthy = 0;
    JS::RootedValue token(cx);
    for (int i = 0; i < iterations; ++i) {
      const std::u16string text(kToken.begin(), kToken.end());
      JS_ParseJSON(cx, text.data(), static_cast<uint32_t>(text.size()), &token);
      call_args[0].set(token);
      JS_CallFunction(cx, global, condition, call_args, &result);
      truthy += JS::ToBoolean(result) ? 1 : 0;
    }
    std::printf("mozjs-102 condition with token         %8.2f us  (%d true)\n", us_since(began, iterations), truthy);
  }
  JS_DestroyContext(cx);
  JS_ShutDown();
}

}  // namespace

int main(int argc, char** argv) {
  const int iterations = argc > 1 ? std::stoi(argv[1]) : 200000;
  duktape(iterations);
  spidermonkey(iterations);
  return 0;
}
