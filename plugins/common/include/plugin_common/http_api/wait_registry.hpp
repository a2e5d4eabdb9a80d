#pragma once
// Requests that wait on the engine (start with callback type 2/3, long polling) hold no
// thread: they are entries here. The registry pairs each waiting responder with the
// engine's CancelHandle so that a client that goes away drops its wait, and so that
// stop() can cancel every wait and answer 503 before the plugin is gone.

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>

#include "processhost/services/engine.hpp"
#include "processhost/services/http.hpp"

namespace processhost::plugins::http_api {

// Thread-safe. Shared by the plugin and the callbacks it hands out (through shared_ptr),
// so a late engine callback never touches a destroyed plugin.
class WaitRegistry {
 public:
  // api_name: how the 503 of close() names the API ("Consumer API").
  explicit WaitRegistry(std::string api_name = "API") : api_name_(std::move(api_name)) {}

  // Registers a wait; nullopt once closed (the caller answers 503 then).
  std::optional<std::uint64_t> add(std::shared_ptr<Responder> responder);
  // Attaches the engine's handle. If the wait is already gone (client left, closed), the
  // handle is cancelled at once.
  void attach(std::uint64_t id, CancelHandle handle);
  // The engine answered: forget the wait. Returns false when it was cancelled before,
  // in which case the caller must not respond (someone else did or nobody listens).
  bool finish(std::uint64_t id);
  // The client went away: cancel the engine wait and forget it.
  void cancel(std::uint64_t id);
  // Cancels every wait and answers each with 503; later add() calls fail. Idempotent.
  void close();
  std::size_t size() const;

 private:
  struct Entry {
    std::shared_ptr<Responder> responder;
    CancelHandle handle;
  };
  const std::string api_name_;
  mutable std::mutex mutex_;
  std::uint64_t next_id_ = 1;
  bool closed_ = false;
  std::unordered_map<std::uint64_t, Entry> entries_;
};

}  // namespace processhost::plugins::http_api
