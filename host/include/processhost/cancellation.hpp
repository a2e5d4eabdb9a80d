#pragma once
// Lets a waiting call (start with callback type 2/3, long polling) be dropped, e.g. when
// the client disconnects. cancel() is idempotent; the call's callback then never runs.

#include <memory>

namespace processhost {

class Cancellation {
 public:
  virtual ~Cancellation() = default;
  virtual void cancel() = 0;
};
using CancelHandle = std::shared_ptr<Cancellation>;

}  // namespace processhost
