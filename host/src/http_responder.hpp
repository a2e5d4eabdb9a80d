#pragma once
// The Responder a handler gets: completes one request of one session from any thread.

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "http_shared.hpp"
#include "processhost/services/http.hpp"

namespace processhost::host {

class HttpSession;

class SessionResponder final : public Responder {
 public:
  SessionResponder(std::weak_ptr<HttpSession> session, std::uint64_t slot_id, std::shared_ptr<HttpShared> shared,
                   RequestMetrics metrics = {})
      : session_(std::move(session)), slot_id_(slot_id), shared_(std::move(shared)), metrics_(std::move(metrics)) {}

  void respond(HttpResponse response) override;
  bool cancelled() const override { return cancelled_.load(); }
  void on_cancel(std::function<void()> callback) override;
  std::shared_ptr<ResponseStream> stream(HttpResponse head, std::size_t max_queued_bytes) override;

  // Marks the request cancelled and runs the callbacks once; later respond() is ignored
  // by the session. Called on the session's strand.
  void cancel();

 private:
  std::weak_ptr<HttpSession> session_;
  const std::uint64_t slot_id_;
  std::shared_ptr<HttpShared> shared_;
  const RequestMetrics metrics_;
  std::atomic<bool> answered_{false};
  std::atomic<bool> cancelled_{false};
  std::mutex mutex_;
  std::vector<std::function<void()>> callbacks_;
};

}  // namespace processhost::host
