#include "hint_listener.hpp"

#include <exception>
#include <memory>
#include <utility>

#include <pqxx/pqxx>

#include "hint_codec.hpp"

namespace processhost::plugins::pg_store {
namespace {

// How long one wait for notifications lasts, and so how long published hints wait to be sent
// together: many commits share one NOTIFY (each costs PostgreSQL a transaction and a wake-up
// of every listener), for a few milliseconds of latency.
constexpr long kWaitMicroseconds = 5'000;
constexpr std::size_t kMaxPending = 100'000;
// How often the listener looks whether other hosts listen (which also checks its connection).
constexpr auto kOthersCheck = std::chrono::seconds(2);
// The name every listening connection has in pg_stat_activity.
constexpr const char* kListenerName = "processhost_hints";

bool count_others(pqxx::connection& connection) {
  pqxx::nontransaction tx(connection);
  const auto row = tx.exec1(std::string("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                                        " AND application_name = '") +
                            kListenerName + "' AND pid <> pg_backend_pid()");
  return row[0].as<long>() > 0;
}

// Collects the hints of one wait; the listener delivers them together.
class HintReceiver final : public pqxx::notification_receiver {
 public:
  HintReceiver(pqxx::connection_base& connection, const std::string& own_host, StoreHints& batch,
               std::atomic<bool>& others_listening)
      : pqxx::notification_receiver(connection, kHintChannel),
        own_host_(own_host),
        batch_(batch),
        others_listening_(others_listening) {}

  // A payload holds one hint per line (a group commit's).
  void operator()(const std::string& payload, int) override {
    for (auto& hint : decode_hints(payload)) {
      if (hint.host == own_host_) continue;
      if (hint.listening) others_listening_.store(true);
      if (hint.instance) batch_.instances.push_back(std::move(*hint.instance));
      if (hint.definition) batch_.definitions.push_back(std::move(*hint.definition));
    }
  }

 private:
  const std::string& own_host_;
  StoreHints& batch_;
  std::atomic<bool>& others_listening_;
};

}  // namespace

HintListener::HintListener(std::string conninfo, std::string host, Logger* logger,
                           std::chrono::milliseconds reconnect_delay)
    : conninfo_(std::move(conninfo)), host_(std::move(host)), logger_(logger), reconnect_delay_(reconnect_delay) {}

HintListener::~HintListener() { stop(); }

void HintListener::start(std::chrono::milliseconds first_connect_timeout) {
  std::unique_lock lock(state_mutex_);
  if (running_) return;
  running_ = true;
  thread_ = std::thread([this] { run(); });
  stopping_.wait_for(lock, first_connect_timeout, [this] { return first_attempt_done_; });
}

void HintListener::stop() noexcept {
  {
    std::lock_guard lock(state_mutex_);
    if (!running_) return;
    running_ = false;
  }
  stopping_.notify_all();
  if (thread_.joinable()) thread_.join();
}

std::uint64_t HintListener::subscribe(StoreHintHandler handler) {
  std::lock_guard lock(subscribers_mutex_);
  const auto id = next_subscription_++;
  subscribers_.emplace(id, std::move(handler));
  return id;
}

void HintListener::unsubscribe(std::uint64_t subscription) {
  std::lock_guard lock(subscribers_mutex_);
  subscribers_.erase(subscription);
}

void HintListener::deliver(StoreHints hints) {
  std::lock_guard lock(subscribers_mutex_);
  for (auto& [id, handler] : subscribers_) {
    try {
      handler(hints);
    } catch (const std::exception& e) {
      if (logger_) logger_->error(std::string("a hint handler threw: ") + e.what());
    } catch (...) {
      if (logger_) logger_->error("a hint handler threw a non-standard exception");
    }
  }
}

void HintListener::publish(std::vector<std::string> hints) {
  if (!others_listening_.load(std::memory_order_relaxed)) return;
  std::lock_guard lock(pending_mutex_);
  if (pending_.size() + hints.size() > kMaxPending) pending_.clear();
  for (auto& hint : hints) pending_.push_back(std::move(hint));
}

void HintListener::flush(pqxx::connection_base& connection) {
  std::vector<std::string> hints;
  {
    std::lock_guard lock(pending_mutex_);
    hints.swap(pending_);
  }
  if (hints.empty()) return;
  pqxx::nontransaction tx(connection);
  std::string sql = "BEGIN; SET LOCAL synchronous_commit TO off;";
  std::string chunk;
  auto add_chunk = [&] {
    if (chunk.empty()) return;
    sql += " SELECT pg_notify('" + std::string(kHintChannel) + "', " + tx.quote(chunk) + ");";
    chunk.clear();
  };
  for (const auto& hint : hints) {
    if (!chunk.empty() && chunk.size() + hint.size() + 1 > kMaxHintPayload) add_chunk();
    if (!chunk.empty()) chunk += '\n';
    chunk += hint;
  }
  add_chunk();
  tx.exec(sql + " COMMIT");
}

void HintListener::first_attempt_finished() {
  {
    std::lock_guard lock(state_mutex_);
    if (first_attempt_done_) return;
    first_attempt_done_ = true;
  }
  stopping_.notify_all();
}

bool HintListener::pause(std::chrono::milliseconds delay) {
  std::unique_lock lock(state_mutex_);
  stopping_.wait_for(lock, delay, [this] { return !running_; });
  return running_;
}

void HintListener::run() {
  bool listened_before = false;
  bool reported_down = false;
  auto running = [this] {
    std::lock_guard lock(state_mutex_);
    return running_;
  };
  while (running()) {
    StoreHints batch;
    try {
      pqxx::connection connection(conninfo_);
      // LISTEN: from here on, hints reach this connection; whatever was sent before is lost.
      HintReceiver receiver(connection, host_, batch, others_listening_);
      pqxx::nontransaction(connection).exec(std::string("SET application_name = '") + kListenerName + "'");
      others_listening_.store(count_others(connection));
      // Hello: hosts that saw no other listener start sending now, not at their next look.
      pqxx::nontransaction(connection).exec_params("SELECT pg_notify($1, $2)", kHintChannel,
                                                    encode_listening_hint(host_));
      if (listened_before) {
        // Hints sent while this connection was down are lost: the subscribers check again.
        batch.missed = true;
        if (logger_) logger_->info("hints: listening again; catching up on what other hosts committed meanwhile");
      }
      listened_before = true;
      reported_down = false;
      first_attempt_finished();
      auto last_check = std::chrono::steady_clock::now();
      while (running()) {
        if (batch.missed || !batch.instances.empty() || !batch.definitions.empty()) {
          heard_.fetch_add(batch.instances.size() + batch.definitions.size());
          deliver(std::exchange(batch, StoreHints{}));
        }
        if (!connection.is_open()) throw pqxx::broken_connection("the listening connection closed");
        connection.await_notification(0, kWaitMicroseconds);
        flush(connection);
        if (std::chrono::steady_clock::now() - last_check > kOthersCheck) {
          // Also finds a server gone without closing the socket.
          others_listening_.store(count_others(connection));
          last_check = std::chrono::steady_clock::now();
        }
      }
    } catch (const std::exception& e) {
      // Unknown while down: keep sending (the others may still listen).
      others_listening_.store(true);
      if (!reported_down && logger_) {
        logger_->warn(std::string("hints: the listening connection failed (") + e.what() +
                      "); other hosts' commits reach this host through its periodic checks until it is back");
      }
      reported_down = true;
    }
    first_attempt_finished();
    if (!pause(reconnect_delay_)) return;
  }
}

}  // namespace processhost::plugins::pg_store
