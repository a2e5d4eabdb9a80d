#include "hint_listener.hpp"

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <exception>
#include <memory>
#include <stdexcept>
#include <utility>

#include <pqxx/pqxx>

#include "hint_codec.hpp"

namespace processhost::plugins::pg_store {
namespace {

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

  // A payload holds its host, then one hint per line. This host's own come back too (its
  // connection listens): they are told by the header, not decoded.
  void operator()(const std::string& payload, int) override {
    if (notification_host(payload) == own_host_) return;
    auto notification = decode_notification(payload);
    if (!notification) return;
    for (auto& hint : notification->hints) {
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
                           std::chrono::milliseconds send_interval, std::chrono::milliseconds reconnect_delay)
    : conninfo_(std::move(conninfo)),
      host_(std::move(host)),
      logger_(logger),
      send_interval_(send_interval),
      reconnect_delay_(reconnect_delay),
      wake_fd_(eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {
  if (wake_fd_ < 0) throw std::runtime_error("hints: eventfd failed");
}

HintListener::~HintListener() {
  stop();
  ::close(wake_fd_);
}

void HintListener::wake() noexcept {
  const std::uint64_t one = 1;
  [[maybe_unused]] auto written = ::write(wake_fd_, &one, sizeof one);
}

void HintListener::clear_wake() noexcept {
  std::uint64_t count = 0;
  [[maybe_unused]] auto read = ::read(wake_fd_, &count, sizeof count);
}

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
  wake();
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
  if (hints.empty() || !others_listening_.load(std::memory_order_relaxed)) return;
  bool was_empty = false;
  {
    std::lock_guard lock(pending_mutex_);
    if (pending_.size() + hints.size() > kMaxPending) pending_.clear();
    was_empty = pending_.empty();
    for (auto& hint : hints) pending_.push_back(std::move(hint));
  }
  // Only the first hint of an interval wakes the thread; the others wait for its send.
  if (was_empty) wake();
}

bool HintListener::has_pending() {
  std::lock_guard lock(pending_mutex_);
  return !pending_.empty();
}

void HintListener::flush(pqxx::connection_base& connection) {
  std::vector<std::string> hints;
  {
    std::lock_guard lock(pending_mutex_);
    hints.swap(pending_);
  }
  if (hints.empty()) return;
  pqxx::nontransaction tx(connection);
  const auto header = notification_header(host_);
  std::string sql;
  std::string chunk;
  auto add_chunk = [&] {
    if (chunk.empty()) return;
    sql += (sql.empty() ? "SELECT " : ", ") + std::string("pg_notify('") + kHintChannel + "', " + tx.quote(chunk) + ")";
    chunk.clear();
  };
  for (const auto& hint : hints) {
    if (!chunk.empty() && chunk.size() + hint.size() + 1 > kMaxHintPayload) add_chunk();
    if (chunk.empty()) chunk = header;
    chunk += '\n';
    chunk += hint;
  }
  add_chunk();
  // One statement, one transaction; the session commits asynchronously (run()).
  tx.exec(sql);
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
      // Nothing this connection commits needs to be durable: a NOTIFY's transaction does not
      // wait for its commit record to be flushed.
      pqxx::nontransaction(connection)
          .exec(std::string("SET application_name = '") + kListenerName + "'; SET synchronous_commit TO off");
      others_listening_.store(count_others(connection));
      // Hello: hosts that saw no other listener start sending now, not at their next look.
      pqxx::nontransaction(connection).exec_params("SELECT pg_notify($1, $2)", kHintChannel,
                                                    encode_notification(host_, encode_listening_hint()));
      if (listened_before) {
        // Hints sent while this connection was down are lost: the subscribers check again.
        batch.missed = true;
        if (logger_) logger_->info("hints: listening again; catching up on what other hosts committed meanwhile");
      }
      listened_before = true;
      reported_down = false;
      first_attempt_finished();
      using SteadyClock = std::chrono::steady_clock;
      auto last_check = SteadyClock::now();
      auto last_send = last_check - send_interval_;
      while (running()) {
        // Notifications that came with the last statement's answer wait in libpq's buffer, not
        // on the socket: take them before sleeping.
        connection.get_notifs();
        if (batch.missed || !batch.instances.empty() || !batch.definitions.empty()) {
          heard_.fetch_add(batch.instances.size() + batch.definitions.size());
          deliver(std::exchange(batch, StoreHints{}));
        }
        if (!connection.is_open()) throw pqxx::broken_connection("the listening connection closed");
        auto until = last_check + kOthersCheck;
        if (has_pending()) until = std::min(until, last_send + send_interval_);
        const auto timeout =
            std::chrono::duration_cast<std::chrono::milliseconds>(until - SteadyClock::now() + std::chrono::microseconds(999));
        pollfd watched[2] = {{connection.sock(), POLLIN, 0}, {wake_fd_, POLLIN, 0}};
        if (::poll(watched, 2, static_cast<int>(std::max<std::int64_t>(0, timeout.count()))) < 0 && errno != EINTR) {
          throw std::runtime_error("hints: poll failed");
        }
        clear_wake();
        const auto now = SteadyClock::now();
        if (now >= last_send + send_interval_ && has_pending()) {
          flush(connection);
          last_send = now;
        }
        if (now - last_check > kOthersCheck) {
          // Also finds a server gone without closing the socket.
          others_listening_.store(count_others(connection));
          last_check = SteadyClock::now();
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
