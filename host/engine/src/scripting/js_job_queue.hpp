#pragma once
// The promise jobs of one context (then-callbacks, the continuations of async functions).
// SpiderMonkey leaves the queue to the embedding; scripts have no event loop, so the jobs a
// run queues are run at its end, inside its limits, and whatever a stopped run left queued is
// dropped, never run by a later one.
//
// Not thread-safe: belongs to its context's thread.

#include <jsapi.h>

#include <deque>
#include <functional>
#include <memory>

#include <js/Promise.h>

namespace processhost::engine {

class PromiseJobs final : public JS::JobQueue {
 public:
  // Runs queued jobs, and the jobs they queue, until none is left or may_go_on says no.
  // False when a job ended without a catchable error (the run was stopped).
  bool run(JSContext* cx, const std::function<bool()>& may_go_on);
  void clear() { jobs_.clear(); }

  JSObject* getIncumbentGlobal(JSContext* cx) override;
  bool enqueuePromiseJob(JSContext* cx, JS::HandleObject promise, JS::HandleObject job,
                         JS::HandleObject allocation_site, JS::HandleObject incumbent_global) override;
  void runJobs(JSContext* cx) override;
  bool empty() const override { return jobs_.empty(); }

 private:
  js::UniquePtr<SavedJobQueue> saveJobQueue(JSContext* cx) override;

  std::deque<std::unique_ptr<JS::PersistentRootedObject>> jobs_;
};

}  // namespace processhost::engine
