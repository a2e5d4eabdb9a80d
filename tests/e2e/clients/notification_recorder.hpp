#pragma once
// Keeps what a subscription delivered so a test can wait for an event by name and check
// what came before it. Handlers run on the subscription's thread; the rest on the test's.

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <initializer_list>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "processhost/client/notifications.hpp"

namespace processhost::testing {

class NotificationRecorder {
 public:
  client::SubscriptionHandlers handlers() {
    client::SubscriptionHandlers handlers;
    handlers.on_notification = [this](const client::Notification& notification) {
      std::lock_guard lock(mutex_);
      notifications_.push_back(notification);
      changed_.notify_all();
    };
    handlers.on_events_lost = [this] { count(events_lost_); };
    handlers.on_disconnected = [this](const client::ClientError&) { count(disconnects_); };
    handlers.on_reconnected = [this] { count(reconnects_); };
    return handlers;
  }

  // The first event named name (after `after` of them were seen), waiting up to timeout.
  std::optional<client::Notification> wait_for(const std::string& name, std::chrono::milliseconds timeout,
                                               std::size_t after = 0) {
    std::unique_lock lock(mutex_);
    std::optional<client::Notification> found;
    changed_.wait_for(lock, timeout, [&] {
      found = find_locked(name, after);
      return found.has_value();
    });
    return found;
  }

  // Waits until counter (one of the counts below) reaches at least n.
  bool wait_count(const int& counter, int n, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return counter >= n; });
  }

  std::optional<client::Notification> find(const std::string& name) {
    std::lock_guard lock(mutex_);
    return find_locked(name, 0);
  }

  std::vector<client::Notification> all() {
    std::lock_guard lock(mutex_);
    return notifications_;
  }

  // "id:name id:name ..." for failure messages.
  std::string names() {
    std::lock_guard lock(mutex_);
    std::string text;
    for (const auto& n : notifications_) text += n.event_id + ":" + n.event_name + " ";
    return text;
  }

  // "" when the names occur in this order (others may be between them), else what is missing.
  std::string order_of(std::initializer_list<std::string> wanted) {
    std::lock_guard lock(mutex_);
    auto at = notifications_.begin();
    for (const auto& name : wanted) {
      at = std::find_if(at, notifications_.end(), [&](const auto& n) { return n.event_name == name; });
      if (at == notifications_.end()) return "no " + name + " in order";
      ++at;
    }
    return {};
  }

  const int& events_lost() const { return events_lost_; }
  const int& disconnects() const { return disconnects_; }
  const int& reconnects() const { return reconnects_; }
  std::size_t size() {
    std::lock_guard lock(mutex_);
    return notifications_.size();
  }

 private:
  void count(int& counter) {
    std::lock_guard lock(mutex_);
    ++counter;
    changed_.notify_all();
  }
  std::optional<client::Notification> find_locked(const std::string& name, std::size_t after) const {
    for (std::size_t i = after; i < notifications_.size(); ++i) {
      if (notifications_[i].event_name == name) return notifications_[i];
    }
    return std::nullopt;
  }

  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<client::Notification> notifications_;
  int events_lost_ = 0;
  int disconnects_ = 0;
  int reconnects_ = 0;
};

}  // namespace processhost::testing
