#pragma once
// Runs the model's JavaScript (script tasks, conditions, ${...} expressions) in SpiderMonkey
// (ES2022).
//
// One SpiderMonkey context per thread, created on the thread's first script and destroyed
// with the thread (JsContext); a compiled script is cached there under its Script::id, so a
// call costs a function call, not a compile. The global has no I/O; console.* goes to the
// host log. A script that runs longer than its budget is interrupted (the watchdog requests
// the interrupt, so it holds around long built-in calls too), and one whose context grows by
// more than its memory limit is stopped; either fails with a message saying so. Not shared
// between threads: every call uses the calling thread's context.

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "processhost/engine/process_model.hpp"
#include "processhost/json.hpp"
#include "processhost/logger.hpp"
#include "processhost/result.hpp"

namespace processhost::engine {

struct ScriptCall {
  const Script* script = nullptr;
  std::string_view token_json = "null";     // {"current":...,"history":{...}}; bound to token and this
  std::string_view identity_json = "null";  // {"token":...,"userId":...}
  std::chrono::milliseconds budget{1000};
  Logger* logger = nullptr;                           // console.* target; may be null
  std::string_view origin;                            // element id, for log lines and messages
  std::size_t memory_limit_bytes = 64 * 1024 * 1024;  // what the context may grow by during the run
};

// Script task: the return value as JSON; undefined (or a value JSON cannot express) -> "{}".
// Errors: 500 with the JavaScript error message; 500 with "exceeded its time budget" on timeout
// or "exceeded its memory limit" (both with additional_information saying which);
// 500 with the SyntaxError when the script does not compile (Script::compile_error, or found now).
Result<JsonText> run_script(const ScriptCall& call);

// Condition: the truthiness of the returned value. A throwing condition is an error value;
// the caller decides (the exclusive gateway counts it as false).
Result<bool> run_condition(const ScriptCall& call);

// Expression: the returned value as JSON, keeping its type; undefined -> "null".
Result<JsonText> run_expression(const ScriptCall& call);

// Compiles body as a function body on this thread's context; nullopt when it compiles, else
// the SyntaxError with its line ("SyntaxError: unexpected token: ')' (line 1)").
std::optional<std::string> check_script_syntax(const std::string& body);

// Script contexts alive now: one per thread that ran a script and has not ended. For tests
// and the log.
int live_script_contexts();

}  // namespace processhost::engine
