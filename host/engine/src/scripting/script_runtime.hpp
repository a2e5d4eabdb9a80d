#pragma once
// Runs the model's JavaScript (script tasks, conditions, ${...} expressions) in Duktape.
//
// One Duktape heap per thread, created on first use and reused: a compiled script is kept
// in the heap's stash under its Script::id, so a call costs a function call, not a compile.
// The heap has no I/O bindings; console.* goes to the host log. A script that runs longer
// than its budget is interrupted by Duktape's execution-timeout hook (checked every 4K
// bytecode instructions, so a loop around heavy built-ins cannot run on), and one that
// allocates more than its memory limit is refused the memory; either fails with a message
// saying so. Not shared between threads: every call uses the calling thread's heap.

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
  Logger* logger = nullptr;            // console.* target; may be null
  std::string_view origin;             // element id, for log lines and messages
  std::size_t memory_limit_bytes = 64 * 1024 * 1024;  // what the run may allocate beyond what the heap held
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

// Compiles body as a function body on this thread's heap; nullopt when it compiles.
std::optional<std::string> check_script_syntax(const std::string& body);

}  // namespace processhost::engine
