#pragma once
// Login attempts per key (user and address) in a fixed window: at most max_attempts
// attempts per window; a successful login clears its key.

#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "iam_config.hpp"

namespace processhost::plugins::iam {

// Thread-safe; every call is short (one mutex, no I/O), so it may run on an I/O thread.
class RateLimiter {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;

  // At this many keys, expired windows are pruned, then the oldest tenth if still crowded.
  static constexpr std::size_t kMaxKeys = 100'000;

  explicit RateLimiter(RateLimitConfig config, Clock clock = &std::chrono::steady_clock::now);

  // Counts one attempt for key. Returns zero when allowed, else the seconds until the
  // key's window ends (for Retry-After; at least 1).
  std::chrono::seconds try_acquire(std::string_view key);
  // Forgets key (after a successful login).
  void reset(std::string_view key);

  static std::string key_for(std::string_view username, std::string_view remote_address);

 private:
  struct Window {
    std::chrono::steady_clock::time_point start;
    std::uint32_t attempts = 0;
  };
  void make_room(std::chrono::steady_clock::time_point now);

  RateLimitConfig config_;
  Clock clock_;
  std::mutex mutex_;
  std::unordered_map<std::string, Window> windows_;
};

}  // namespace processhost::plugins::iam
