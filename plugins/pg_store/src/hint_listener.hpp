#pragma once
// pg_store's hints (docs/cluster.md, "Hints"): one thread with one connection of its own
// that LISTENs on kHintChannel, hands every batch of other hosts' hints to the subscribers and
// sends this host's (at most one NOTIFY per send_interval). It reconnects by itself (every
// reconnect_delay while the server cannot be reached) and, after a reconnect, tells the
// subscribers that hints may have been missed meanwhile.
//
// The thread sleeps in poll() on the connection's socket and an eventfd that publish() and
// stop() signal: it wakes for a notification, for the first hint published after a send, at
// the end of a send interval with hints waiting, and every kOthersCheck; never otherwise.
//
// Threading: subscribe/unsubscribe from any thread; handlers run on the listener thread, one
// batch at a time, under the subscription lock (so unsubscribe waits for a running handler).
// stop() joins the thread: the store calls it before the plugin's library can go.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace pqxx {
class connection_base;
}

#include "processhost/logger.hpp"
#include "processhost/services/store.hpp"

namespace processhost::plugins::pg_store {

class HintListener {
 public:
  // host: this store's id, whose own hints are skipped. logger may be null. send_interval: the
  // least time between two NOTIFYs of this host; hints published meanwhile wait and share the
  // next one (a hint published after a quiet interval goes at once).
  HintListener(std::string conninfo, std::string host, Logger* logger,
               std::chrono::milliseconds send_interval = std::chrono::milliseconds(20),
               std::chrono::milliseconds reconnect_delay = std::chrono::milliseconds(1000));
  ~HintListener();
  HintListener(const HintListener&) = delete;
  HintListener& operator=(const HintListener&) = delete;

  // Starts the thread and waits (up to first_connect_timeout) until it listens, has looked
  // for other hosts and said hello: a host is ready only once its hints reach the others.
  void start(std::chrono::milliseconds first_connect_timeout = std::chrono::seconds(10));
  void stop() noexcept;

  // Hint lines of commits that applied (hint_codec.hpp), sent with the next NOTIFY (at most
  // send_interval later) while another host listens; dropped otherwise. Bounded: beyond
  // kMaxPending waiting hints the waiting ones go (a lost hint costs latency only).
  void publish(std::vector<std::string> hints);

  std::uint64_t subscribe(StoreHintHandler handler);
  void unsubscribe(std::uint64_t subscription);

  // Hints heard from other hosts, for metrics and tests.
  std::uint64_t hints_heard() const { return heard_.load(); }
  // Whether another host listened at the last look (every kOthersCheck): a host alone on its
  // database sends no hints. A host that starts listening is seen within that time; what it
  // missed meanwhile it read at start-up.
  bool others_listening() const { return others_listening_.load(std::memory_order_relaxed); }

 private:
  void run();
  void deliver(StoreHints hints);
  // Sends the published hints on the listener's own connection: one statement (its session
  // commits asynchronously), one hint per line after the header, chunked below the payload
  // limit.
  void flush(class pqxx::connection_base& connection);
  bool has_pending();
  // Wakes the thread's poll(); clears the wake-up.
  void wake() noexcept;
  void clear_wake() noexcept;
  // Sleeps up to delay unless stop() comes first; false when stopping.
  bool pause(std::chrono::milliseconds delay);
  void first_attempt_finished();

  const std::string conninfo_;
  const std::string host_;
  Logger* logger_;
  const std::chrono::milliseconds send_interval_;
  const std::chrono::milliseconds reconnect_delay_;
  int wake_fd_ = -1;  // an eventfd
  std::thread thread_;
  std::mutex state_mutex_;
  std::condition_variable stopping_;
  bool running_ = false;
  bool first_attempt_done_ = false;
  std::mutex subscribers_mutex_;
  std::map<std::uint64_t, StoreHintHandler> subscribers_;
  std::uint64_t next_subscription_ = 1;
  std::atomic<std::uint64_t> heard_{0};
  std::atomic<bool> others_listening_{false};
  std::mutex pending_mutex_;
  std::vector<std::string> pending_;
};

}  // namespace processhost::plugins::pg_store
