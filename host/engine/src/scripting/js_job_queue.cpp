#include "scripting/js_job_queue.hpp"

#include <utility>

namespace processhost::engine {

bool PromiseJobs::run(JSContext* cx, const std::function<bool()>& may_go_on) {
  JS::RootedObject job(cx);
  JS::RootedValue ignored(cx);
  while (!jobs_.empty() && may_go_on()) {
    job = jobs_.front()->get();
    jobs_.pop_front();
    // A job settles its promise itself: an error thrown by a then-callback rejects the
    // promise and does not reach here. A failure here is a stop or an engine error.
    if (!JS::Call(cx, JS::UndefinedHandleValue, job, JS::HandleValueArray::empty(), &ignored)) return false;
  }
  return true;
}

JSObject* PromiseJobs::getIncumbentGlobal(JSContext* cx) { return JS::CurrentGlobalOrNull(cx); }

bool PromiseJobs::enqueuePromiseJob(JSContext* cx, JS::HandleObject, JS::HandleObject job, JS::HandleObject,
                                    JS::HandleObject) {
  jobs_.push_back(std::make_unique<JS::PersistentRootedObject>(cx, job));
  return true;
}

void PromiseJobs::runJobs(JSContext* cx) {
  (void)run(cx, [] { return true; });
}

// Only SpiderMonkey's Debugger API saves a job queue, and scripts get no debugger.
js::UniquePtr<JS::JobQueue::SavedJobQueue> PromiseJobs::saveJobQueue(JSContext* cx) {
  JS_ReportOutOfMemory(cx);
  return nullptr;
}

}  // namespace processhost::engine
