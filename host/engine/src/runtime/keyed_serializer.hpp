#pragma once
// Runs asynchronous jobs one at a time per key (a "strand" per process instance) on a
// thread pool. A job receives a release function and must call it exactly once when it is
// done - possibly later, from a store thread - which lets the next job of that key run.

#include <functional>
#include <mutex>
#include <string>
#include <unordered_map>

#include <boost/container/deque.hpp>

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
  // key: the key as stored in queues_, which stays in place while its entry exists.
  void launch(const std::string* key, Job job);

  Post post_;
  std::mutex mutex_;
  // Key present = a job is running. Boost's deque allocates nothing while empty (the
  // common case: one job per key at a time), std::deque allocates on construction.
  std::unordered_map<std::string, boost::container::deque<Job>> queues_;
};

}  // namespace processhost::engine
