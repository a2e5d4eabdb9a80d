#include "runtime/start_waiters.hpp"

#include <vector>

namespace processhost::engine {

void StartWaiter::complete(Result<StartResult> result) {
  if (finished.exchange(true)) return;
  done(std::move(result));
}

void StartWaiters::add(std::shared_ptr<StartWaiter> waiter) {
  std::lock_guard lock(mutex_);
  waiters_.emplace(waiter->process_instance_id, std::move(waiter));
}

void StartWaiters::remove(const std::shared_ptr<StartWaiter>& waiter) {
  std::lock_guard lock(mutex_);
  auto [begin, end] = waiters_.equal_range(waiter->process_instance_id);
  for (auto it = begin; it != end; ++it) {
    if (it->second == waiter) {
      waiters_.erase(it);
      return;
    }
  }
}

void StartWaiters::fail_all(const Error& error) {
  std::vector<std::shared_ptr<StartWaiter>> waiting;
  {
    std::lock_guard lock(mutex_);
    for (auto& [id, waiter] : waiters_) waiting.push_back(waiter);
    waiters_.clear();
  }
  for (auto& waiter : waiting) waiter->complete(error);
}

std::vector<std::string> StartWaiters::instance_ids() {
  std::lock_guard lock(mutex_);
  std::vector<std::string> ids;
  for (auto it = waiters_.begin(); it != waiters_.end(); it = waiters_.equal_range(it->first).second) {
    ids.push_back(it->first);
  }
  return ids;
}

bool StartWaiters::waits_for(const std::string& instance_id) {
  std::lock_guard lock(mutex_);
  return waiters_.count(instance_id) > 0;
}

void StartWaiters::settle(const ProcessInstanceRecord& instance, const std::vector<CorrelationResultRecord>& results) {
  const bool ended = instance.state != ProcessInstanceState::running;
  // The results of this instance in the order they were recorded (the store's order).
  std::vector<const CorrelationResultRecord*> reached;
  for (const auto& result : results) {
    if (result.process_instance_id == instance.id) reached.push_back(&result);
  }
  if (!ended && reached.empty()) return;
  auto reached_for = [&](const StartWaiter& waiter) -> const CorrelationResultRecord* {
    for (const auto* result : reached) {
      if (waiter.type == StartCallbackType::on_process_finished || result->end_event_id == waiter.end_event_id) {
        return result;
      }
    }
    return nullptr;
  };
  std::vector<std::pair<std::shared_ptr<StartWaiter>, const CorrelationResultRecord*>> ready;
  {
    std::lock_guard lock(mutex_);
    auto [begin, end] = waiters_.equal_range(instance.id);
    for (auto it = begin; it != end;) {
      const auto* result = reached_for(*it->second);
      if (ended || result || it->second->finished.load()) {
        ready.emplace_back(it->second, result);
        it = waiters_.erase(it);
      } else {
        ++it;
      }
    }
  }
  // As notify() answers the same waiters when this host commits the end.
  for (auto& [waiter, result] : ready) {
    if (result) {
      waiter->complete(
          StartResult{waiter->correlation_id, waiter->process_instance_id, result->end_event_id, result->token_payload});
    } else if (instance.state == ProcessInstanceState::error || instance.state == ProcessInstanceState::terminated) {
      waiter->complete(error_from_json(instance.error));
    } else if (waiter->type == StartCallbackType::on_process_finished) {
      waiter->complete(StartResult{waiter->correlation_id, waiter->process_instance_id, std::nullopt, "null"});
    } else {
      waiter->complete(make_error(ErrorStatus::internal, "process instance " + waiter->process_instance_id +
                                                             " finished without reaching end event '" +
                                                             waiter->end_event_id + "'"));
    }
  }
}

void StartWaiters::notify(const std::string& instance_id, const RunOutcome& outcome) {
  const bool ended = outcome.failure || outcome.changes.instance.state != ProcessInstanceState::running;
  if (outcome.ends.empty() && !ended) return;
  std::vector<std::shared_ptr<StartWaiter>> ready;
  {
    std::lock_guard lock(mutex_);
    auto [begin, end] = waiters_.equal_range(instance_id);
    for (auto it = begin; it != end;) {
      auto& waiter = it->second;
      bool done = ended || waiter->finished.load();
      if (!done && waiter->type == StartCallbackType::on_process_finished) done = true;
      for (const auto& reached : outcome.ends) done = done || reached.end_event_id == waiter->end_event_id;
      if (done) {
        ready.push_back(waiter);
        it = waiters_.erase(it);
      } else {
        ++it;
      }
    }
  }
  for (auto& waiter : ready) {
    const EndReached* reached = nullptr;
    for (const auto& end : outcome.ends) {
      if (waiter->type == StartCallbackType::on_process_finished || end.end_event_id == waiter->end_event_id) {
        reached = &end;
        break;
      }
    }
    if (reached) {
      waiter->complete(
          StartResult{waiter->correlation_id, waiter->process_instance_id, reached->end_event_id, reached->payload});
    } else if (outcome.failure) {
      waiter->complete(*outcome.failure);
    } else if (waiter->type == StartCallbackType::on_process_finished) {
      waiter->complete(StartResult{waiter->correlation_id, waiter->process_instance_id, std::nullopt, "null"});
    } else {
      waiter->complete(make_error(ErrorStatus::internal, "process instance " + waiter->process_instance_id +
                                                             " finished without reaching end event '" +
                                                             waiter->end_event_id + "'"));
    }
  }
}

}  // namespace processhost::engine
