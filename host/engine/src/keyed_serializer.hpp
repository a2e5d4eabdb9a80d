#pragma once
// Runs asynchronous jobs one at a time per key (a "strand" per process instance) on a
// thread pool. A job receives a release function and must call it exactly once when it is
// done - possibly later, from a store thread - which lets the next job of that key run.

#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <unordered_map>

namespace processhost::engine {

class KeyedSerializer {
 public:
  using Release = std::function<void()>;
  using Job = std::function<void(Release release)>;
  using Post = std::function<void(std::function<void()>)>;

  explicit KeyedSerializer(Post post) : post_(std::move(post)) {}

  // Thread-safe. Jobs of one key run in submission order, never two at once.
  void run(const std::string& key, Job job);

 private:
  void launch(const std::string& key, Job job);

  Post post_;
  std::mutex mutex_;
  std::unordered_map<std::string, std::deque<Job>> queues_;  // key present = a job is running
};

}  // namespace processhost::engine
