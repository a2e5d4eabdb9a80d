#include "scripting/js_context.hpp"

#include <jsfriendapi.h>
#include <malloc.h>
#include <pthread.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <mutex>

#include <js/CompilationAndEvaluation.h>
#include <js/ContextOptions.h>
#include <js/Initialization.h>
#include <js/MemoryCallbacks.h>
#include <js/MemoryMetrics.h>
#include <js/SourceText.h>
#include <js/Stack.h>

#include "scripting/js_values.hpp"

namespace processhost::engine {
namespace {

const JSClass kGlobalClass = {"global", JSCLASS_GLOBAL_FLAGS, &JS::DefaultGlobalClassOps, nullptr, nullptr, nullptr};

// The GC heap cap of a context before its first run sets one from the run's memory limit.
constexpr uint32_t kInitialHeapCap = 64u * 1024 * 1024;

[[noreturn]] void fatal(const char* what) {
  std::fprintf(stderr, "processhost: fatal JavaScript engine error: %s\n", what);
  std::abort();
}

std::atomic<int> live_contexts{0};

// SpiderMonkey must be shut down after its last context and before the process's static
// objects go (its helper threads would otherwise run into freed state at exit). Contexts end
// with their threads: the engine joins its workers when it stops, and the main thread's
// context goes before exit handlers run. A context still alive at exit belongs to a thread
// that is still running; SpiderMonkey is then left as it is rather than shut down under it.
void shut_down_spidermonkey() {
  if (live_contexts.load() == 0) JS_ShutDown();
}

void initialise_spidermonkey_once() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (!JS_Init()) fatal("JS_Init failed");
    std::atexit(shut_down_spidermonkey);
  });
}

// SpiderMonkey needs to know how deep it may recurse on this thread's stack; past the quota
// a script gets "InternalError: too much recursion" instead of overflowing the stack. The
// reserve leaves room for the engine's frames below the script and for SpiderMonkey's own
// error paths.
std::size_t native_stack_quota() {
  constexpr std::size_t kReserve = 256 * 1024;
  std::size_t size = 0;
  pthread_attr_t attributes;
  if (pthread_getattr_np(pthread_self(), &attributes) == 0) {
    pthread_attr_getstacksize(&attributes, &size);
    pthread_attr_destroy(&attributes);
  }
  if (size == 0) return 512 * 1024;
  return size > 2 * kReserve ? size - kReserve : size / 2;
}

std::size_t malloc_usable_size_of(const void* block) { return malloc_usable_size(const_cast<void*>(block)); }

}  // namespace

JsContext& JsContext::of_this_thread() {
  thread_local std::unique_ptr<JsContext> context;
  if (!context) context.reset(new JsContext());
  return *context;
}

int JsContext::live_count() { return live_contexts.load(); }

JsContext::JsContext() {
  initialise_spidermonkey_once();
  cx_ = JS_NewContext(kInitialHeapCap);
  if (!cx_) fatal("cannot create a JavaScript context");
  ++live_contexts;
  JS_SetContextPrivate(cx_, this);
  // WebAssembly brings its own memories and is nothing a model needs.
  JS::ContextOptionsRef(cx_).setWasm(false);
  JS_SetNativeStackQuota(cx_, native_stack_quota());
  if (!JS::InitSelfHostedCode(cx_)) fatal("cannot initialise the JavaScript context's built-ins");
  JS::SetJobQueue(cx_, &promise_jobs_);
  JS_AddInterruptCallback(cx_, interrupt_callback);
  JS_SetGCCallback(cx_, gc_callback, this);
  JS::SetOutOfMemoryCallback(cx_, out_of_memory_callback, this);
  if (!create_global()) fatal("cannot create the scripts' global object");
  fresh_data_bytes_ = data_in_use();
}

JsContext::~JsContext() {
  functions_.clear();
  promise_jobs_.clear();
  if (global_) {
    JS::LeaveRealm(cx_, entered_realm_);
    global_.reset();
  }
  JS_DestroyContext(cx_);
  --live_contexts;
}

// The context stays in the global's realm for its whole life: every script runs there.
bool JsContext::create_global() {
  JS::RealmOptions options;
  JS::RootedObject global(cx_, JS_NewGlobalObject(cx_, &kGlobalClass, nullptr, JS::FireOnNewGlobalHook, options));
  if (!global) return false;
  entered_realm_ = JS::EnterRealm(cx_, global);
  global_ = std::make_unique<JS::PersistentRootedObject>(cx_, global);
  return JS::InitRealmStandardClasses(cx_) && install_console(cx_, global, &console_);
}

JSFunction* JsContext::compile(const std::string& body) {
  JS::CompileOptions options(cx_);
  options.setFileAndLine("script", 1);
  const std::u16string text = utf16_of(body);
  JS::SourceText<char16_t> source;
  if (!source.init(cx_, text.data(), text.size(), JS::SourceOwnership::Borrowed)) return nullptr;
  static const char* const kArguments[] = {"token", "identity"};
  JS::RootedObjectVector no_scopes(cx_);
  return JS::CompileFunction(cx_, no_scopes, options, nullptr, 2, kArguments, source);
}

JSFunction* JsContext::function_for(const Script& script) {
  if (const auto found = functions_.find(script.id); found != functions_.end()) return found->second->get();
  JSFunction* function = compile(script.source);
  if (!function) return nullptr;
  functions_.emplace(script.id, std::make_unique<JS::PersistentRooted<JSFunction*>>(cx_, function));
  return function;
}

void JsContext::begin_run(std::chrono::milliseconds budget, std::size_t memory_limit_bytes,
                          const ConsoleTarget& console) {
  console_ = console;
  set_heap_cap(memory_limit_bytes);
  stop_ = RunStop::none;
  expired_.store(false, std::memory_order_relaxed);
  memory_limit_ = memory_limit_bytes;
  collected_since_check_ = false;
  next_memory_check_ = ScriptWatchdog::Clock::now() + ScriptWatchdog::kCheckInterval;
  running_ = true;
  ticket_ = ScriptWatchdog::instance().arm(*this, ScriptWatchdog::Clock::now() + budget);
}

bool JsContext::run_promise_jobs() {
  return promise_jobs_.run(cx_, [this] { return stop_ == RunStop::none; });
}

RunStop JsContext::end_run() {
  ScriptWatchdog::instance().disarm(*this, ticket_);
  running_ = false;
  promise_jobs_.clear();
  console_ = ConsoleTarget{};
  // What the stopped run built goes back at once, not at some later collection.
  if (stop_ == RunStop::memory_limit) JS_GC(cx_);
  return stop_;
}

void JsContext::deadline_passed() {
  expired_.store(true, std::memory_order_relaxed);
  JS_RequestInterruptCallback(cx_);
}

void JsContext::check_in() { JS_RequestInterruptCallback(cx_); }

// Objects (with their slots and elements), strings (with their characters) and private data
// of the context's zone, as SpiderMonkey's memory reporter counts them. The walk makes the
// young generation old first, so nothing recent is missed. Compiled scripts are left out: the
// cache of compiled functions grows with the models, not with a run.
std::size_t JsContext::data_in_use() {
  JS::TabSizes sizes;
  JS::RootedObject global(cx_, global_->get());
  if (!JS::AddSizeOfTab(cx_, global, malloc_usable_size_of, nullptr, &sizes)) {
    JS_ClearPendingException(cx_);
    return 0;
  }
  return sizes.objects_ + sizes.strings_ + sizes.private_;
}

// A walk costs time in proportion to the heap; after a collection (which allocation
// triggers) the heap may have grown, otherwise a walk waits ten times its own duration, so
// checks never take more than a tenth of a long run.
bool JsContext::memory_check_due() const {
  return collected_since_check_ || ScriptWatchdog::Clock::now() >= next_memory_check_;
}

bool JsContext::over_memory_limit() {
  const auto started = ScriptWatchdog::Clock::now();
  const std::size_t allowed = fresh_data_bytes_ + memory_limit_;
  std::size_t data = data_in_use();
  if (data > allowed) {
    // Garbage, this run's or earlier runs', is no reason to stop a run.
    JS_GC(cx_);
    data = data_in_use();
  }
  const auto finished = ScriptWatchdog::Clock::now();
  next_memory_check_ =
      finished + std::max<ScriptWatchdog::Clock::duration>(ScriptWatchdog::kCheckInterval, 10 * (finished - started));
  collected_since_check_ = false;
  return data > allowed;
}

// The GC heap itself may not grow past twice the memory limit above what it held at the run's
// start: a backstop for allocation faster than the checks, answered by SpiderMonkey with an
// out-of-memory error. Re-set only when a run could not have its whole limit under the cap.
void JsContext::set_heap_cap(std::size_t memory_limit_bytes) {
  const std::size_t gc_bytes = JS_GetGCParameter(cx_, JSGC_BYTES);
  if (memory_limit_bytes == heap_cap_limit_ && gc_bytes + memory_limit_bytes <= heap_cap_bytes_) return;
  heap_cap_limit_ = memory_limit_bytes;
  heap_cap_bytes_ = std::min<std::size_t>(gc_bytes + 2 * memory_limit_bytes, UINT32_MAX);
  JS_SetGCParameter(cx_, JSGC_MAX_BYTES, static_cast<uint32_t>(heap_cap_bytes_));
  // Collections start once malloc'd memory grew by this much (MB), so that the data is
  // measured well before a run reaches its limit.
  const std::size_t quarter_mib = memory_limit_bytes / (4 * 1024 * 1024);
  JS_SetGCParameter(cx_, JSGC_MALLOC_THRESHOLD_BASE,
                    static_cast<uint32_t>(std::clamp<std::size_t>(quarter_mib, 1, 38)));
}

// Returning false ends the running script at once, past any try/catch in it.
bool JsContext::on_interrupt() {
  if (!running_) return true;
  if (stop_ != RunStop::none) return false;
  if (expired_.load(std::memory_order_relaxed)) {
    stop_ = RunStop::time_budget;
    return false;
  }
  if (memory_check_due() && over_memory_limit()) {
    stop_ = RunStop::memory_limit;
    return false;
  }
  return true;
}

bool JsContext::interrupt_callback(JSContext* cx) {
  return static_cast<JsContext*>(JS_GetContextPrivate(cx))->on_interrupt();
}

void JsContext::gc_callback(JSContext* cx, JSGCStatus status, JS::GCReason, void* data) {
  auto* self = static_cast<JsContext*>(data);
  if (status == JSGC_END && self->running_) {
    self->collected_since_check_ = true;
    JS_RequestInterruptCallback(cx);
  }
}

void JsContext::out_of_memory_callback(JSContext*, void* data) {
  auto* self = static_cast<JsContext*>(data);
  if (self->running_) self->stop_ = RunStop::memory_limit;
}

}  // namespace processhost::engine
