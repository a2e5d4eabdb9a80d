#include "scripting/script_runtime.hpp"

#include <duktape.h>

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>
#include <regex>
#include <thread>

namespace processhost::engine {
namespace {

// Per-heap state the execution-timeout hook, the allocator and console.* read. Lives as long
// as the heap.
struct HeapState {
  std::atomic<bool> expired{false};  // set by the watchdog when the running script's time is up
  bool armed = false;
  bool timed_out = false;
  std::size_t allocated = 0;                // bytes the heap holds now
  std::size_t allocation_limit = SIZE_MAX;  // while armed: what the running script may reach
  bool heap_exceeded = false;
  Logger* logger = nullptr;
  std::string_view origin;
};

// Ends scripts that run past their deadline, whatever they call: it sets the heap's expired
// flag, which the execution-timeout hook reads. One thread for the process, started on first
// use; a script run costs one arm and one disarm (a map insert and erase under a mutex).
class Watchdog {
 public:
  using Clock = std::chrono::steady_clock;

  static Watchdog& instance() {
    static Watchdog watchdog;
    return watchdog;
  }

  // Returns the entry to disarm with.
  std::multimap<Clock::time_point, HeapState*>::iterator arm(HeapState& state, Clock::time_point deadline) {
    std::lock_guard lock(mutex_);
    state.expired.store(false, std::memory_order_relaxed);
    auto entry = armed_.emplace(deadline, &state);
    if (entry == armed_.begin()) wakeup_.notify_one();
    return entry;
  }

  // After the entry fired it is gone already (expired is set under the same mutex).
  void disarm(HeapState& state, std::multimap<Clock::time_point, HeapState*>::iterator entry) {
    std::lock_guard lock(mutex_);
    if (!state.expired.load(std::memory_order_relaxed)) armed_.erase(entry);
  }

 private:
  Watchdog() : thread_([this] { run(); }) {}
  ~Watchdog() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wakeup_.notify_one();
    thread_.join();
  }

  void run() {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
      if (armed_.empty()) {
        wakeup_.wait(lock);
        continue;
      }
      const auto first = armed_.begin();
      if (Clock::now() < first->first) {
        wakeup_.wait_until(lock, first->first);
        continue;
      }
      first->second->expired.store(true, std::memory_order_relaxed);
      armed_.erase(first);
    }
  }

  std::mutex mutex_;
  std::condition_variable wakeup_;
  std::multimap<Clock::time_point, HeapState*> armed_;
  bool stopping_ = false;
  std::thread thread_;
};

// The heap's allocator: malloc with the block's size in front, so the heap's total is known
// and a script run can be refused memory beyond its limit. Duktape answers a refusal with a
// garbage collection and, when that does not help, a RangeError the script cannot get past
// (it fails again at its next allocation), so the run ends with a clean error value.
constexpr std::size_t kHeader = alignof(std::max_align_t);

void* block_of(void* user) { return static_cast<char*>(user) - kHeader; }
std::size_t size_of(void* user) { return *static_cast<std::size_t*>(block_of(user)); }

bool may_grow(HeapState& state, std::size_t growth) {
  if (state.armed && state.allocated + growth > state.allocation_limit) {
    state.heap_exceeded = true;
    return false;
  }
  return true;
}

void* heap_alloc(void* udata, duk_size_t size) {
  auto& state = *static_cast<HeapState*>(udata);
  if (size == 0 || !may_grow(state, size)) return nullptr;
  void* block = std::malloc(kHeader + size);
  if (!block) return nullptr;
  *static_cast<std::size_t*>(block) = size;
  state.allocated += size;
  return static_cast<char*>(block) + kHeader;
}

void heap_free(void* udata, void* user) {
  if (!user) return;
  static_cast<HeapState*>(udata)->allocated -= size_of(user);
  std::free(block_of(user));
}

void* heap_realloc(void* udata, void* user, duk_size_t size) {
  if (!user) return heap_alloc(udata, size);
  if (size == 0) {
    heap_free(udata, user);
    return nullptr;
  }
  auto& state = *static_cast<HeapState*>(udata);
  const std::size_t old_size = size_of(user);
  if (size > old_size && !may_grow(state, size - old_size)) return nullptr;
  void* block = std::realloc(block_of(user), kHeader + size);
  if (!block) return nullptr;
  *static_cast<std::size_t*>(block) = size;
  state.allocated = state.allocated - old_size + size;
  return static_cast<char*>(block) + kHeader;
}

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
    ctx_ = duk_create_heap(heap_alloc, heap_realloc, heap_free, &state_, fatal_handler);
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
  state.heap_exceeded = false;
  state.allocation_limit = state.allocated + call.memory_limit_bytes;
  auto& watchdog = Watchdog::instance();
  const auto watch = watchdog.arm(state, Watchdog::Clock::now() + call.budget);
  state.armed = true;
  frame.call = &call;
  const duk_int_t rc = duk_safe_call(ctx, call_in_safe_frame, &frame, 0, 1);
  state.armed = false;
  watchdog.disarm(state, watch);
  if (rc == DUK_EXEC_SUCCESS) {
    duk_set_top(ctx, 0);
    return Ok{};
  }
  if (state.heap_exceeded) {
    duk_set_top(ctx, 0);
    duk_gc(ctx, 0);  // give what the run built back at once, not at some later collection
    const auto mib = std::to_string(call.memory_limit_bytes / (1024 * 1024));
    return make_error(ErrorStatus::internal,
                      "script of '" + std::string(call.origin) + "' exceeded its memory limit of " + mib +
                          " MiB and was stopped",
                      "{\"scriptMemoryLimit\":true,\"limitBytes\":" + std::to_string(call.memory_limit_bytes) + "}");
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
  if (state->timed_out || state->expired.load(std::memory_order_relaxed)) {
    state->timed_out = true;
    return 1;
  }
  return 0;
}
