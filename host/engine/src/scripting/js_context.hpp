#pragma once
// The calling thread's SpiderMonkey context: one JSContext with one global per thread that
// runs scripts (engine workers, extra threads the worker pool adds), created on the thread's
// first script and destroyed when the thread ends. SpiderMonkey is initialised once per
// process, before the first context.
//
// The global is the sandbox: the standard built-ins of ES2022 and `console`, nothing that
// reaches files, sockets, timers or processes (no require, load, print, setTimeout;
// WebAssembly is off). Compiled functions are cached per context by Script::id. Promise jobs
// a run queues run before the run ends (PromiseJobs).
//
// Limits, per run (begin_run .. end_run): a time budget, ended by an interrupt the watchdog
// requests when the deadline passes, and a memory limit on the data the context holds
// (objects, strings and the buffers behind them) beyond what a fresh context holds. The data
// is measured by walking the context's heap at an interrupt after each garbage collection
// (allocation triggers them) and, while a run goes on, every few milliseconds at most (never
// more than a tenth of the run's time). Over the limit, a collection tells live data from
// garbage before the run is stopped. SpiderMonkey's GC heap is capped as well
// (JSGC_MAX_BYTES). A run stopped by either limit cannot catch it: the interrupt ends the
// whole call.
//
// Not thread-safe: a context belongs to its thread; only the watchdog callbacks cross threads.

#include <jsapi.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <unordered_map>

#include "processhost/engine/process_model.hpp"
#include "scripting/js_console.hpp"
#include "scripting/js_job_queue.hpp"
#include "scripting/script_watchdog.hpp"

namespace processhost::engine {

enum class RunStop { none, time_budget, memory_limit };

class JsContext final : public WatchedRun {
 public:
  // The calling thread's context, created on first use.
  static JsContext& of_this_thread();
  // Contexts alive in the process.
  static int live_count();

  ~JsContext() override;
  JsContext(const JsContext&) = delete;
  JsContext& operator=(const JsContext&) = delete;

  JSContext* cx() const { return cx_; }

  // The script's compiled function (arguments token, identity), compiled on first use and
  // cached; nullptr with the SyntaxError pending when it does not compile.
  JSFunction* function_for(const Script& script);
  // Compiles without caching, for deploy-time checks; same contract as function_for.
  JSFunction* compile(const std::string& body);

  // Runs the promise jobs the run queued, within its limits. False when one failed or the
  // run was stopped.
  bool run_promise_jobs();

  // Arms the limits and points console.* at the run's logger and element.
  void begin_run(std::chrono::milliseconds budget, std::size_t memory_limit_bytes, const ConsoleTarget& console);
  // Disarms them; says which limit stopped the run, if one did. After a memory stop the
  // context is collected at once, so the memory goes back.
  RunStop end_run();

  void deadline_passed() override;
  void check_in() override;

 private:
  JsContext();
  bool create_global();
  bool on_interrupt();
  bool memory_check_due() const;
  bool over_memory_limit();
  std::size_t data_in_use();
  void set_heap_cap(std::size_t memory_limit_bytes);

  static bool interrupt_callback(JSContext* cx);
  static void gc_callback(JSContext* cx, JSGCStatus status, JS::GCReason reason, void* data);
  static void out_of_memory_callback(JSContext* cx, void* data);

  JSContext* cx_ = nullptr;
  PromiseJobs promise_jobs_;
  std::unique_ptr<JS::PersistentRootedObject> global_;
  JS::Realm* entered_realm_ = nullptr;
  std::unordered_map<std::size_t, std::unique_ptr<JS::PersistentRooted<JSFunction*>>> functions_;
  ConsoleTarget console_;

  // The current run's limits and what stopped it.
  bool running_ = false;
  std::atomic<bool> expired_{false};  // set by the watchdog's thread
  RunStop stop_ = RunStop::none;
  std::size_t fresh_data_bytes_ = 0;  // what a new context holds: the built-ins
  std::size_t memory_limit_ = 0;
  bool collected_since_check_ = false;
  ScriptWatchdog::Clock::time_point next_memory_check_{};
  std::size_t heap_cap_limit_ = 0;  // the memory limit the GC heap cap was last set for
  std::size_t heap_cap_bytes_ = 0;
  ScriptWatchdog::Ticket ticket_{};
};

}  // namespace processhost::engine
