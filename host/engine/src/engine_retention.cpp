// History retention: instances that ended longer ago than EngineOptions::history_ttl are
// removed from the store with their history. Off the request path: the TimerScheduler
// starts a round every history_cleanup_interval; a round removes batches of
// history_cleanup_batch instances (each one short store transaction) with a pause between
// them, so that the cleanup never holds the store's connections for long, and ends when a
// batch comes back short. docs/persistence.md, "History retention".
// Cron tick claims (one row per tick, engine_timers.cpp) are needed only while the hosts
// that share a store may still reach that tick: they go an hour after the tick, whatever the
// history time to live.
#include <algorithm>
#include <chrono>
#include <string>

#include "engine_core.hpp"

namespace processhost::engine {
namespace {

// Longer than any host's clock may lag behind another's and than a tick's start may be
// delayed; a host that reached a tick after its claim was removed would start it again.
constexpr std::int64_t kCronClaimKeepMs = 60 * 60 * 1000;

}  // namespace

void EngineCore::sweep_history() {
  if (!running_ || options_.history_ttl.count() <= 0) return;
  const std::int64_t finished_before = now_ms() - options_.history_ttl.count();
  const std::size_t batch = std::max<std::size_t>(1, options_.history_cleanup_batch);
  ++history_calls_;
  store_->remove_ended_instances(finished_before, batch, [this, batch](Result<std::size_t> removed) {
    struct Done {
      std::atomic<int>& calls;
      ~Done() { --calls; }
    } done{history_calls_};
    if (!running_) return;
    std::chrono::milliseconds wait = options_.history_cleanup_interval;
    if (!removed) {
      logger_.warn("engine: history retention: " + removed.error().message);
    } else {
      if (removed.value() > 0) {
        logger_.info("engine: history retention removed " + std::to_string(removed.value()) + " ended instance(s)");
      }
      if (removed.value() >= batch) wait = options_.history_cleanup_pause;  // more may be waiting
    }
    timers_.schedule(now_ms() + wait.count(), [this] { sweep_history(); });
  });
}

void EngineCore::sweep_cron_claims() {
  if (!running_) return;
  ++history_calls_;
  store_->remove_cron_claims(now_ms() - kCronClaimKeepMs, [this](Result<std::size_t> removed) {
    struct Done {
      std::atomic<int>& calls;
      ~Done() { --calls; }
    } done{history_calls_};
    if (!running_) return;
    if (!removed) logger_.warn("engine: old cron tick claims not removed: " + removed.error().message);
    timers_.schedule(now_ms() + options_.history_cleanup_interval.count(), [this] { sweep_cron_claims(); });
  });
}

}  // namespace processhost::engine
