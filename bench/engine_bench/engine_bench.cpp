// Runs the sample process (start -> script task -> user task -> end) on the engine with the
// memory store: start, list the instance's waiting task, finish it. Chains of calls run
// through the engine's callbacks (no thread waits per call); "concurrency" chains are in
// flight at once. Prints the instances requested, completed and failed, completed
// instances/s, median and p99 latency of start and finish, peak RSS; exits 1 when any
// instance failed.
//
//   engine_bench [--instances N] [--concurrency C] [--workers W] [--bpmn PATH]

#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <future>
#include <mutex>
#include <sstream>
#include <string>
#include <vector>

#ifdef PROCESSHOST_ALLOCATOR_MIMALLOC
#include <mimalloc.h>
#endif

#include "processhost/engine/engine.hpp"
#include "processhost/engine/memory_store.hpp"

namespace {

using Clock = std::chrono::steady_clock;
using namespace processhost;

// Names the allocator that serves this process's malloc: a block from malloc() is checked
// against mimalloc's heap, so a build that links mimalloc but still runs glibc's malloc shows.
std::string allocator_name() {
#ifdef PROCESSHOST_ALLOCATOR_MIMALLOC
  void* block = std::malloc(64);
  const bool served = mi_is_in_heap_region(block);
  std::free(block);
  const int version = mi_version();
  return "mimalloc " + std::to_string(version / 100) + "." + std::to_string(version / 10 % 10) + "." +
         std::to_string(version % 10) + (served ? "" : " (linked, but malloc is NOT served by it)");
#else
  return "system malloc";
#endif
}

class QuietLogger final : public Logger {
 public:
  void log(LogLevel level, std::string_view message) override {
    if (level >= LogLevel::warn) std::fprintf(stderr, "%.*s\n", static_cast<int>(message.size()), message.data());
  }
  bool enabled(LogLevel level) const override { return level >= LogLevel::warn; }
};

struct Options {
  std::size_t instances = 200000;
  std::size_t concurrency = 1;
  std::size_t workers = 1;
  std::string bpmn = PROCESSHOST_SAMPLE_BPMN;
};

struct Run {
  engine::Engine* engine = nullptr;
  Identity identity;
  std::size_t total = 0;
  std::atomic<std::size_t> launched{0};
  // Chains that reached their end, completed or failed; the run is over at total.
  std::atomic<std::size_t> settled{0};
  std::atomic<std::size_t> completed{0};
  std::atomic<std::size_t> failures{0};
  std::mutex mutex;
  std::condition_variable all_done;
  std::vector<double> start_us;
  std::vector<double> finish_us;
  std::mutex latency_mutex;
};

void record(Run& run, std::vector<double>& into, Clock::time_point began) {
  const double us = std::chrono::duration<double, std::micro>(Clock::now() - began).count();
  std::lock_guard lock(run.latency_mutex);
  into.push_back(us);
}

void one_done(Run& run);

// start -> waiting_tasks(instance) -> finish_task -> next instance of this chain.
void next_instance(Run& run) {
  if (run.launched.fetch_add(1) >= run.total) return;
  StartRequest request;
  request.process_model_id = "sample_process";
  const auto began = Clock::now();
  run.engine->start(run.identity, request, [&run, began](Result<StartResult> started) {
    if (!started) {
      ++run.failures;
      return one_done(run);
    }
    record(run, run.start_us, began);
    TaskQuery query;
    query.process_instance_id = started->process_instance_id;
    run.engine->waiting_tasks(run.identity, query, [&run](Result<PagedList<WaitingTask>> tasks) {
      if (!tasks || tasks->items.size() != 1) {
        ++run.failures;
        return one_done(run);
      }
      const auto& task = tasks->items[0];
      FinishTaskRequest finish{TaskKind::user_task, task.process_instance_id, task.correlation_id,
                               task.flow_node_instance_id, R"({"TaskWasSuccessful":true})"};
      const auto finish_began = Clock::now();
      run.engine->finish_task(run.identity, finish, [&run, finish_began](Result<Ok> finished) {
        if (finished) {
          record(run, run.finish_us, finish_began);
          ++run.completed;
        } else {
          ++run.failures;
        }
        one_done(run);
      });
    });
  });
}

void one_done(Run& run) {
  if (run.settled.fetch_add(1) + 1 == run.total) {
    std::lock_guard lock(run.mutex);
    run.all_done.notify_all();
    return;
  }
  next_instance(run);
}

double percentile(std::vector<double>& values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const auto index = static_cast<std::size_t>(p * static_cast<double>(values.size() - 1));
  return values[index];
}

Options parse_options(int argc, char** argv) {
  Options options;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string name = argv[i];
    const std::string value = argv[i + 1];
    if (name == "--instances") options.instances = std::stoul(value);
    else if (name == "--concurrency") options.concurrency = std::stoul(value);
    else if (name == "--workers") options.workers = std::stoul(value);
    else if (name == "--bpmn") options.bpmn = value;
  }
  return options;
}

}  // namespace

int main(int argc, char** argv) {
  const Options options = parse_options(argc, argv);
  std::ifstream in(options.bpmn);
  std::stringstream xml;
  xml << in.rdbuf();

  QuietLogger logger;
  engine::MemoryStore store;
  engine::EngineOptions engine_options;
  engine_options.worker_threads = options.workers;
  engine::Engine engine(engine_options, logger);
  engine.start(store);
  std::promise<Result<ProcessModelInfo>> deployed;
  engine.deploy(xml.str(), options.bpmn, [&](Result<ProcessModelInfo> r) { deployed.set_value(std::move(r)); });
  if (auto model = deployed.get_future().get(); !model) {
    std::fprintf(stderr, "deploy failed: %s\n", model.error().message.c_str());
    return 1;
  }

  Run run;
  run.engine = &engine;
  run.identity = anonymous_identity();
  run.total = options.instances;
  run.start_us.reserve(options.instances);
  run.finish_us.reserve(options.instances);
  const auto began = Clock::now();
  for (std::size_t i = 0; i < std::min(options.concurrency, options.instances); ++i) next_instance(run);
  {
    std::unique_lock lock(run.mutex);
    run.all_done.wait(lock, [&] { return run.settled.load() >= run.total; });
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - began).count();
  engine.stop();

  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const std::size_t completed = run.completed.load();
  std::printf("engine_bench: %zu instances requested, concurrency %zu, %zu worker thread(s)\n", options.instances,
              options.concurrency, options.workers);
  std::printf("  completed          %zu (failed %zu)\n", completed, run.failures.load());
  std::printf("  allocator          %s\n", allocator_name().c_str());
  const double cpu_seconds = static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
                             static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
  // Per completed instance: a failed chain stops early and would make the rate look better.
  std::printf("  instances/s        %.0f completed (wall clock)\n", static_cast<double>(completed) / seconds);
  std::printf("  instances/cpu-s    %.0f completed (process CPU time, all threads)\n",
              static_cast<double>(completed) / cpu_seconds);
  std::printf("  start  median/p99  %.1f / %.1f us\n", percentile(run.start_us, 0.5), percentile(run.start_us, 0.99));
  std::printf("  finish median/p99  %.1f / %.1f us\n", percentile(run.finish_us, 0.5),
              percentile(run.finish_us, 0.99));
  std::printf("  peak RSS           %.1f MiB\n", static_cast<double>(usage.ru_maxrss) / 1024.0);
  return run.failures.load() == 0 ? 0 : 1;
}
