#pragma once
// The ResponseStream a streaming handler writes to: counts the bytes not yet written against
// its limit and hands each piece to its session's strand.

#include <atomic>
#include <cstdint>
#include <memory>

#include "http_shared.hpp"
#include "processhost/services/http.hpp"

namespace processhost::host {

class HttpSession;

class SessionStream final : public ResponseStream {
 public:
  SessionStream(std::weak_ptr<HttpSession> session, std::uint64_t slot_id, std::shared_ptr<HttpShared> shared,
                std::size_t max_queued_bytes)
      : session_(std::move(session)), slot_id_(slot_id), shared_(std::move(shared)), max_queued_bytes_(max_queued_bytes) {}

  bool write(std::string bytes) override;
  void end() override;

  // The session queued bytes that did not come through write(): the head's body, which goes
  // out as the first chunk. Counted so that written() never takes the count below zero (it
  // is unsigned: below zero it wraps, and the next small write looks like a flood).
  void queued(std::size_t bytes) { queued_bytes_.fetch_add(bytes); }
  // The session wrote bytes of what was queued (on its strand).
  void written(std::size_t bytes) { queued_bytes_.fetch_sub(bytes); }
  // The connection is gone: later writes fail.
  void closed() { closed_.store(true); }

 private:
  std::weak_ptr<HttpSession> session_;
  const std::uint64_t slot_id_;
  std::shared_ptr<HttpShared> shared_;
  const std::size_t max_queued_bytes_;
  std::atomic<std::size_t> queued_bytes_{0};
  std::atomic<bool> closed_{false};
  std::atomic<bool> ended_{false};
};

}  // namespace processhost::host
