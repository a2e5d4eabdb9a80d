#include "scripting/script_runtime.hpp"

#include <js/Conversions.h>
#include <js/Promise.h>

#include "scripting/js_context.hpp"
#include "scripting/js_values.hpp"

namespace processhost::engine {
namespace {

enum class Mode { script, condition, expression };

struct Outcome {
  std::string result;   // script, expression: the value as JSON
  bool truthy = false;  // condition
};

// A script that returns a promise (an async body, a then-chain) is answered with what the
// promise settled to once the run's promise jobs ran: its value, or its rejection as the
// script's error. A promise still pending then never settles, as scripts have no timers.
bool settle(JSContext* cx, JS::MutableHandleValue value) {
  if (!value.isObject()) return true;
  JS::RootedObject promise(cx, &value.toObject());
  if (!JS::IsPromiseObject(promise)) return true;
  switch (JS::GetPromiseState(promise)) {
    case JS::PromiseState::Fulfilled:
      value.set(JS::GetPromiseResult(promise));
      return true;
    case JS::PromiseState::Rejected: {
      JS::RootedValue reason(cx, JS::GetPromiseResult(promise));
      JS_SetPendingException(cx, reason);
      return false;
    }
    case JS::PromiseState::Pending:
      break;
  }
  JS_ReportErrorASCII(cx, "the script returned a promise that never settles");
  return false;
}

// Calls the script's function with token (also as this) and identity, and converts its
// return value for the mode. False with an exception pending (or the run stopped) on failure.
bool call_function(JSContext* cx, JsContext& context, const ScriptCall& call, Mode mode, Outcome& outcome) {
  JSFunction* compiled = context.function_for(*call.script);
  if (!compiled) return false;
  JS::RootedValue function(cx, JS::ObjectValue(*JS_GetFunctionObject(compiled)));
  JS::RootedValueArray<2> arguments(cx);
  if (call.script->uses_token) {
    if (!parse_json(cx, call.token_json, arguments[0])) return false;
    if (!parse_json(cx, call.identity_json, arguments[1])) return false;
  }
  JS::RootedValue self(cx, arguments[0]);
  JS::RootedValue returned(cx);
  if (!JS::Call(cx, self, function, JS::HandleValueArray(arguments), &returned)) return false;
  if (!context.run_promise_jobs()) return false;
  if (!settle(cx, &returned)) return false;
  if (mode == Mode::condition) {
    outcome.truthy = JS::ToBoolean(returned);
    return true;
  }
  std::optional<std::string> json;
  if (!stringify_json(cx, returned, json)) return false;
  outcome.result = json ? std::move(*json) : (mode == Mode::script ? "{}" : "null");
  return true;
}

Status invoke(const ScriptCall& call, Mode mode, Outcome& outcome) {
  if (!call.script->compile_error.empty()) return make_error(ErrorStatus::internal, call.script->compile_error);
  JsContext& context = JsContext::of_this_thread();
  JSContext* cx = context.cx();
  context.begin_run(call.budget, call.memory_limit_bytes, ConsoleTarget{call.logger, call.origin});
  const bool ok = call_function(cx, context, call, mode, outcome);
  const RunStop stop = context.end_run();
  if (stop == RunStop::memory_limit) {
    JS_ClearPendingException(cx);
    const auto mib = std::to_string(call.memory_limit_bytes / (1024 * 1024));
    return make_error(
        ErrorStatus::internal,
        "script of '" + std::string(call.origin) + "' exceeded its memory limit of " + mib + " MiB and was stopped",
        "{\"scriptMemoryLimit\":true,\"limitBytes\":" + std::to_string(call.memory_limit_bytes) + "}");
  }
  if (stop == RunStop::time_budget) {
    JS_ClearPendingException(cx);
    // additional_information marks the timeout, so callers never mistake it for a false condition.
    return make_error(ErrorStatus::internal,
                      "script of '" + std::string(call.origin) + "' exceeded its time budget of " +
                          std::to_string(call.budget.count()) + " ms and was stopped",
                      "{\"scriptTimeout\":true,\"budgetMs\":" + std::to_string(call.budget.count()) + "}");
  }
  if (ok) return Ok{};
  return make_error(ErrorStatus::internal, take_exception_text(cx));
}

}  // namespace

Result<JsonText> run_script(const ScriptCall& call) {
  Outcome outcome;
  auto status = invoke(call, Mode::script, outcome);
  if (!status) return std::move(status).take_error();
  return std::move(outcome.result);
}

Result<bool> run_condition(const ScriptCall& call) {
  Outcome outcome;
  auto status = invoke(call, Mode::condition, outcome);
  if (!status) return std::move(status).take_error();
  return outcome.truthy;
}

Result<JsonText> run_expression(const ScriptCall& call) {
  Outcome outcome;
  auto status = invoke(call, Mode::expression, outcome);
  if (!status) return std::move(status).take_error();
  return std::move(outcome.result);
}

std::optional<std::string> check_script_syntax(const std::string& body) {
  JsContext& context = JsContext::of_this_thread();
  JSContext* cx = context.cx();
  if (context.compile(body)) return std::nullopt;
  return take_exception_text(cx);
}

int live_script_contexts() { return JsContext::live_count(); }

}  // namespace processhost::engine
