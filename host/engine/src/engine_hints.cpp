// Hints from the store (docs/cluster.md, "Hints"): what other hosts on the same database
// committed, so that this host drops cached instances, answers its start waiters, wakes its
// long polls, scans for timers and reads the definitions without waiting for a reason of its
// own. A hint only says where to look: every action reads the store, and a lost hint is made
// up for by the periodic check of the start waiters (cluster_recheck_interval), the long
// polls' own deadline and the timer scheduler's scans.
#include "engine_core.hpp"

namespace processhost::engine {

void EngineCore::listen_for_hints() {
  // On the store's thread: hand over at once.
  hint_subscription_ = store_->subscribe_hints([this](StoreHints hints) {
    post([this, hints = std::move(hints)] { apply_hints(hints); });
  });
  if (hint_subscription_ == 0) return;  // no other host writes to this store
  timers_.schedule(now_ms() + options_.cluster_recheck_interval.count(), [this] { recheck_waiters(); });
}

void EngineCore::stop_listening_for_hints() noexcept {
  if (hint_subscription_ != 0 && store_) store_->unsubscribe_hints(hint_subscription_);
  hint_subscription_ = 0;
}

void EngineCore::apply_hints(const StoreHints& hints) {
  if (!running_.load()) return;
  std::vector<std::string> ended;
  if (hints.missed) {
    // Anything may have happened meanwhile: check everything taken from the store.
    runner_.forget_all();
    pollers_.wake_all();
    timers_.note_store_due(now_ms());
    ended = waiters_.instance_ids();
  }
  bool wake_all_pollers = false;
  for (const auto& hint : hints.instances) {
    runner_.forget(hint.process_instance_id);
    if (hint.ended && waiters_.waits_for(hint.process_instance_id)) ended.push_back(hint.process_instance_id);
    wake_all_pollers = wake_all_pollers || hint.all_topics;
    if (!wake_all_pollers) {
      for (const auto& topic : hint.external_task_topics) pollers_.wake(topic);
    }
    if (hint.earliest_timer_due_ms) timers_.note_store_due(*hint.earliest_timer_due_ms);
  }
  if (wake_all_pollers) pollers_.wake_all();
  if (hints.missed || !hints.definitions.empty()) read_stored_definitions([](Status) {});
  settle_waiters(std::move(ended));
}

void EngineCore::settle_waiters(std::vector<std::string> instance_ids) {
  for (auto& id : instance_ids) {
    ++hint_calls_;
    store_->load_instance(id, [this](Result<std::optional<ProcessInstanceRecord>> loaded) {
      if (!loaded || !*loaded) {
        --hint_calls_;
        return;  // not committed yet, or the store is away: the next check or hint
      }
      auto instance = std::make_shared<ProcessInstanceRecord>(std::move(**loaded));
      instance->runtime_state = "null";  // not needed here
      const auto correlation_id = instance->correlation_id;
      const auto model_id = instance->process_model_id;
      store_->query_results(correlation_id, model_id,
                            [this, instance](Result<std::vector<CorrelationResultRecord>> results) {
                              if (results) waiters_.settle(*instance, results.value());
                              --hint_calls_;
                            });
    });
  }
}

void EngineCore::recheck_waiters() {
  if (!running_.load()) return;
  settle_waiters(waiters_.instance_ids());
  timers_.schedule(now_ms() + options_.cluster_recheck_interval.count(), [this] { recheck_waiters(); });
}

}  // namespace processhost::engine
