#pragma once
// Runs transitions: one at a time per instance (a strand per instance id), against the
// instance's state from the cache or the store, committing each run's change set in one
// Store::commit and retrying on a version conflict, so a conflict is never shown to callers.
//
// Several hosts may share the store (docs/cluster.md): the cache is a hint, never the truth.
// A transition that cached state refuses as gone (404, 410) runs once more on the instance
// as the store holds it before the refusal is answered, and an instance whose model version
// this host lacks has its model read from the store's definitions first.
//
// Threading: run() and load() are safe from any thread; work runs on the engine's workers
// (post). committed and done run on the thread that finished the commit.
// Errors: a refused transition, a failed load or commit reach done as values.

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <new>
#include <optional>
#include <string>
#include <unordered_map>

#include "model/model_registry.hpp"
#include "runtime/executor.hpp"
#include "runtime/keyed_serializer.hpp"

namespace processhost::engine {

// Builds the change set of one transition from the instance's current state; an error means
// the trigger is refused (404, 403, ...) and nothing is committed.
using Transition = std::function<Result<RunOutcome>(InstanceState& state)>;
// The result by reference: a RunOutcome is large, and a by-value parameter would move it twice more.
using TransitionDone = std::function<void(Result<RunOutcome>&&)>;

class TransitionRunner {
 public:
  struct Options {
    std::size_t cache_capacity = 10000;  // running instances kept in memory; 0: none
    int conflict_retries = 3;
  };
  // After a successful commit, before done: what the run published goes out from here.
  using Committed = std::function<void(const ProcessInstanceRecord& instance, const RunOutcome& outcome,
                                       std::optional<std::int64_t> earliest_timer)>;

  TransitionRunner(Options options, const ModelRegistry& models, std::function<void(std::function<void()>)> post,
                   Committed committed);

  // Reads the store's definitions into the registry; done runs once they are in (or failed).
  using RefreshModels = std::function<void(Callback<Ok> done)>;

  // Runs are refused (503) until the engine starts with its store, and again once it stops.
  // refresh_models: called when an instance's model version is not in the registry.
  void open(Store& store, RefreshModels refresh_models = {});

  // Runs transition on the instance's strand: load (cache or store), build, commit, retry
  // on conflict. state_for_new: the state of an instance that does not exist yet.
  void run(const std::string& instance_id, std::shared_ptr<InstanceState> state_for_new, Transition transition,
           TransitionDone done);
  // Loads an instance (cache or store) without changing it; not serialised with its runs.
  // Only after open().
  void load(const std::string& instance_id, Callback<std::shared_ptr<InstanceState>> done);
  // Another host committed a change of instance_id (a hint): its cached state is dropped, so
  // the next run reads the store instead of conflicting first. (The cached state may be
  // newer than the hint, when it arrives late: then the next run reads what it had.)
  void forget(const std::string& instance_id);
  // Drops every cached instance (hints were lost: any may be behind the store).
  void forget_all();
  // New runs are refused (503) from now on.
  void refuse_new();
  // Waits up to timeout for the runs in flight to finish.
  void drain(std::chrono::milliseconds timeout);

 private:
  // A transition's result, built in place from the value the transition returns:
  // std::optional::emplace would take it by reference and move the large RunOutcome once more.
  class ResultSlot {
   public:
    ResultSlot() = default;
    ResultSlot(const ResultSlot&) = delete;
    ResultSlot& operator=(const ResultSlot&) = delete;
    ~ResultSlot() { reset(); }

    template <class Make>
    Result<RunOutcome>& emplace_from(Make&& make) {
      reset();
      auto* made = ::new (static_cast<void*>(storage_)) Result<RunOutcome>(std::forward<Make>(make)());
      full_ = true;
      return *made;
    }
    void reset() {
      if (!full_) return;
      get()->~Result();
      full_ = false;
    }
    Result<RunOutcome>& operator*() { return *get(); }
    Result<RunOutcome>* operator->() { return get(); }

   private:
    Result<RunOutcome>* get() { return std::launder(reinterpret_cast<Result<RunOutcome>*>(storage_)); }

    alignas(Result<RunOutcome>) unsigned char storage_[sizeof(Result<RunOutcome>)];
    bool full_ = false;
  };

  // One trigger on its way through load, build, commit and retries; shared by its callbacks.
  struct Job {
    std::string instance_id;
    std::shared_ptr<InstanceState> state;  // set for a new instance, else loaded per attempt
    Transition transition;
    TransitionDone done;
    KeyedSerializer::Release release;
    int attempt_number = 0;
    bool from_cache = false;   // this attempt's state came from the cache
    bool reread = false;       // a refusal on cached state already led to a store read
    // The transition's result, kept in place from build to callback: a RunOutcome is large
    // and every move of it costs.
    ResultSlot result;
  };
  void attempt(std::shared_ptr<Job> job);
  void build_and_commit(std::shared_ptr<Job> job);
  void finish_job(const std::shared_ptr<Job>& job, Result<RunOutcome>&& result);
  Result<std::shared_ptr<InstanceState>> restore(ProcessInstanceRecord record) const;
  // restore(), reading the store's definitions once when the record's model version is unknown.
  void restore_reading_models(ProcessInstanceRecord record, Callback<std::shared_ptr<InstanceState>> done);
  void load_from_store(const std::string& instance_id, Callback<std::shared_ptr<InstanceState>> done);
  void cache_put(std::shared_ptr<InstanceState> state);
  std::shared_ptr<InstanceState> cache_get(const std::string& id);
  void cache_erase(const std::string& id);

  const Options options_;
  Store* store_ = nullptr;
  RefreshModels refresh_models_;
  const ModelRegistry& models_;
  Committed committed_;
  KeyedSerializer strands_;
  std::atomic<bool> accepting_{false};
  std::atomic<std::size_t> in_flight_{0};
  std::mutex drain_mutex_;
  std::condition_variable drained_;

  std::mutex cache_mutex_;
  std::unordered_map<std::string, std::shared_ptr<InstanceState>> cache_;
  std::deque<std::string> cache_order_;
};

}  // namespace processhost::engine
