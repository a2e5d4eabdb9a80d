#include "script_runtime.hpp"

#include <duktape.h>

#include <cstdio>
#include <cstdlib>
#include <regex>

namespace processhost::engine {
namespace {

// Per-heap state the execution-timeout hook and console.* read. Lives as long as the heap.
struct HeapState {
  std::chrono::steady_clock::time_point deadline{};
  bool armed = false;
  bool timed_out = false;
  Logger* logger = nullptr;
  std::string_view origin;
};

void fatal_handler(void*, const char* message) {
  std::fprintf(stderr, "processhost: fatal JavaScript engine error: %s\n", message ? message : "(none)");
  std::abort();
}

duk_ret_t console_write(duk_context* ctx) {
  duk_memory_functions functions;
  duk_get_memory_functions(ctx, &functions);
  auto* state = static_cast<HeapState*>(functions.udata);
  const auto level = static_cast<LogLevel>(duk_get_current_magic(ctx));
  if (!state->logger || !state->logger->enabled(level)) return 0;
  std::string line = "script '" + std::string(state->origin) + "':";
  const duk_idx_t count = duk_get_top(ctx);
  for (duk_idx_t i = 0; i < count; ++i) {
    line += ' ';
    if (duk_is_object(ctx, i) && !duk_is_function(ctx, i)) {
      duk_dup(ctx, i);
      line += duk_json_encode(ctx, -1);
      duk_pop(ctx);
    } else {
      line += duk_safe_to_string(ctx, i);
    }
  }
  state->logger->log(level, line);
  return 0;
}

void install_console(duk_context* ctx) {
  duk_push_global_object(ctx);
  duk_push_object(ctx);
  const std::pair<const char*, LogLevel> kMethods[] = {{"log", LogLevel::info},   {"info", LogLevel::info},
                                                       {"warn", LogLevel::warn},  {"error", LogLevel::error},
                                                       {"debug", LogLevel::debug}};
  for (const auto& [name, level] : kMethods) {
    duk_push_c_function(ctx, console_write, DUK_VARARGS);
    duk_set_magic(ctx, -1, static_cast<duk_int_t>(level));
    duk_put_prop_string(ctx, -2, name);
  }
  duk_put_prop_string(ctx, -2, "console");
  // The Duktape object offers no I/O, but nothing a model needs either.
  duk_del_prop_string(ctx, -1, "Duktape");
  duk_pop(ctx);
}

class Heap {
 public:
  Heap() {
    ctx_ = duk_create_heap(nullptr, nullptr, nullptr, &state_, fatal_handler);
    if (!ctx_) fatal_handler(nullptr, "cannot create a Duktape heap");
    install_console(ctx_);
  }
  ~Heap() { duk_destroy_heap(ctx_); }
  Heap(const Heap&) = delete;
  Heap& operator=(const Heap&) = delete;

  duk_context* ctx() { return ctx_; }
  HeapState& state() { return state_; }

 private:
  HeapState state_;
  duk_context* ctx_ = nullptr;
};

Heap& thread_heap() {
  thread_local Heap heap;
  return heap;
}

std::string function_source(const std::string& body) { return "function (token, identity) {\n" + body + "\n}"; }

enum class Mode { script, condition, expression };

struct CallFrame {
  const ScriptCall* call = nullptr;
  Mode mode = Mode::script;
  std::string result;
  bool truthy = false;
};

// Leaves the compiled function of the script on the stack top, compiling it on first use.
void push_function(duk_context* ctx, const Script& script) {
  duk_push_heap_stash(ctx);
  if (duk_get_prop_index(ctx, -1, static_cast<duk_uarridx_t>(script.id))) {
    duk_remove(ctx, -2);
    return;
  }
  duk_pop(ctx);
  const std::string source = function_source(script.source);
  duk_compile_lstring(ctx, DUK_COMPILE_FUNCTION, source.data(), source.size());
  duk_dup(ctx, -1);
  duk_put_prop_index(ctx, -3, static_cast<duk_uarridx_t>(script.id));
  duk_remove(ctx, -2);
}

duk_ret_t call_in_safe_frame(duk_context* ctx, void* udata) {
  auto* frame = static_cast<CallFrame*>(udata);
  const ScriptCall& call = *frame->call;
  push_function(ctx, *call.script);
  if (call.script->uses_token) {
    duk_push_lstring(ctx, call.token_json.data(), call.token_json.size());
    duk_json_decode(ctx, -1);
    duk_dup(ctx, -1);  // this and token are the same object
    duk_push_lstring(ctx, call.identity_json.data(), call.identity_json.size());
    duk_json_decode(ctx, -1);
  } else {
    duk_push_undefined(ctx);
    duk_push_undefined(ctx);
    duk_push_undefined(ctx);
  }
  duk_call_method(ctx, 2);
  if (frame->mode == Mode::condition) {
    frame->truthy = duk_to_boolean(ctx, -1);
    return 0;
  }
  if (duk_is_undefined(ctx, -1) || duk_is_function(ctx, -1)) {
    frame->result = frame->mode == Mode::script ? "{}" : "null";
    return 0;
  }
  const char* json = duk_json_encode(ctx, -1);
  frame->result = json ? json : (frame->mode == Mode::script ? "{}" : "null");
  return 0;
}

// Duktape words some errors differently from V8; models and their users expect V8's words.
std::string v8_style(std::string message) {
  static const std::regex kUndefinedIdentifier("ReferenceError: identifier '([^']*)' undefined");
  std::smatch match;
  if (std::regex_search(message, match, kUndefinedIdentifier)) {
    return "ReferenceError: " + match[1].str() + " is not defined";
  }
  return message;
}

Status invoke(const ScriptCall& call, CallFrame& frame) {
  if (!call.script->compile_error.empty()) return make_error(ErrorStatus::internal, call.script->compile_error);
  Heap& heap = thread_heap();
  duk_context* ctx = heap.ctx();
  auto& state = heap.state();
  state.logger = call.logger;
  state.origin = call.origin;
  state.timed_out = false;
  state.deadline = std::chrono::steady_clock::now() + call.budget;
  state.armed = true;
  frame.call = &call;
  const duk_int_t rc = duk_safe_call(ctx, call_in_safe_frame, &frame, 0, 1);
  state.armed = false;
  if (rc == DUK_EXEC_SUCCESS) {
    duk_set_top(ctx, 0);
    return Ok{};
  }
  if (state.timed_out) {
    duk_set_top(ctx, 0);
    // additional_information marks the timeout, so callers never mistake it for a false condition.
    return make_error(ErrorStatus::internal,
                      "script of '" + std::string(call.origin) + "' exceeded its time budget of " +
                          std::to_string(call.budget.count()) + " ms and was stopped",
                      "{\"scriptTimeout\":true,\"budgetMs\":" + std::to_string(call.budget.count()) + "}");
  }
  std::string message = v8_style(duk_safe_to_string(ctx, -1));
  duk_set_top(ctx, 0);
  return make_error(ErrorStatus::internal, std::move(message));
}

}  // namespace

Result<JsonText> run_script(const ScriptCall& call) {
  CallFrame frame;
  frame.mode = Mode::script;
  auto status = invoke(call, frame);
  if (!status) return std::move(status).take_error();
  return std::move(frame.result);
}

Result<bool> run_condition(const ScriptCall& call) {
  CallFrame frame;
  frame.mode = Mode::condition;
  auto status = invoke(call, frame);
  if (!status) return std::move(status).take_error();
  return frame.truthy;
}

Result<JsonText> run_expression(const ScriptCall& call) {
  CallFrame frame;
  frame.mode = Mode::expression;
  auto status = invoke(call, frame);
  if (!status) return std::move(status).take_error();
  return std::move(frame.result);
}

std::optional<std::string> check_script_syntax(const std::string& body) {
  duk_context* ctx = thread_heap().ctx();
  const std::string source = function_source(body);
  std::optional<std::string> error;
  if (duk_pcompile_lstring(ctx, DUK_COMPILE_FUNCTION, source.data(), source.size()) != 0) {
    error = duk_safe_to_string(ctx, -1);
  }
  duk_set_top(ctx, 0);
  return error;
}

}  // namespace processhost::engine

extern "C" int processhost_duk_exec_timeout(void* udata) {
  auto* state = static_cast<processhost::engine::HeapState*>(udata);
  if (!state || !state->armed) return 0;
  if (state->timed_out || std::chrono::steady_clock::now() >= state->deadline) {
    state->timed_out = true;
    return 1;
  }
  return 0;
}
