#include "rate_limiter.hpp"

#include <algorithm>
#include <vector>

namespace processhost::plugins::iam {

RateLimiter::RateLimiter(RateLimitConfig config, Clock clock) : config_(config), clock_(std::move(clock)) {}

std::chrono::seconds RateLimiter::try_acquire(std::string_view key) {
  const auto now = clock_();
  std::lock_guard lock(mutex_);
  auto found = windows_.find(std::string(key));
  if (found != windows_.end() && now - found->second.start >= config_.window) {
    found->second = Window{now, 0};
  }
  if (found == windows_.end()) {
    if (windows_.size() >= kMaxKeys) make_room(now);
    found = windows_.emplace(std::string(key), Window{now, 0}).first;
  }
  Window& window = found->second;
  if (window.attempts >= config_.max_attempts) {
    auto remaining = std::chrono::ceil<std::chrono::seconds>(window.start + config_.window - now);
    return std::max(remaining, std::chrono::seconds(1));
  }
  ++window.attempts;
  return std::chrono::seconds(0);
}

void RateLimiter::reset(std::string_view key) {
  std::lock_guard lock(mutex_);
  windows_.erase(std::string(key));
}

std::string RateLimiter::key_for(std::string_view username, std::string_view remote_address) {
  // A nul cannot appear in a JSON-decoded username that we accept, so the key is unambiguous.
  std::string key(remote_address);
  key += '\0';
  key += username;
  return key;
}

void RateLimiter::make_room(std::chrono::steady_clock::time_point now) {
  std::erase_if(windows_, [&](const auto& entry) { return now - entry.second.start >= config_.window; });
  if (windows_.size() < kMaxKeys * 9 / 10) return;
  // Still crowded (many addresses at once): drop the oldest tenth in one pass, so the
  // cost is paid once per many inserts and not on each.
  std::vector<std::chrono::steady_clock::time_point> starts;
  starts.reserve(windows_.size());
  for (const auto& entry : windows_) starts.push_back(entry.second.start);
  auto cut = starts.begin() + static_cast<std::ptrdiff_t>(starts.size() / 10);
  std::nth_element(starts.begin(), cut, starts.end());
  const auto threshold = *cut;
  std::erase_if(windows_, [&](const auto& entry) { return entry.second.start < threshold; });
  if (windows_.size() >= kMaxKeys) windows_.erase(windows_.begin());
}

}  // namespace processhost::plugins::iam
