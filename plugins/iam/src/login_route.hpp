#pragma once
// POST /iam/login: parse and throttle on the I/O thread (cheap), verify the password and
// sign the token on the worker pool (slow), answer through the Responder.

#include <cstddef>
#include <memory>

#include "login_service.hpp"
#include "login_throttle.hpp"
#include "plugin_common/worker_pool.hpp"
#include "processhost/logger.hpp"
#include "processhost/services/http.hpp"

namespace processhost::plugins::iam {

inline constexpr const char* kLoginRoutePath = "/iam/login";
// Two credentials of at most kMaxCredentialBytes fit many times over; a larger login body
// is refused with 413 before it is read.
inline constexpr std::size_t kMaxLoginBodyBytes = 16 * 1024;

// Thread-safe. The parts must outlive every call of handle(); jobs posted to the pool end
// by the pool's stop().
class LoginRoute {
 public:
  LoginRoute(const LoginService& logins, LoginThrottle& throttle, WorkerPool<>& pool, Logger& logger);

  // Answers 200 {"token","userId","expiresAt"}; 400 bad body; 401 bad credentials;
  // 429 (Retry-After) while the account must wait or the address has spent its failure
  // budget; 503 when the pool is full or the plugin is stopping. Never blocks: a wait is
  // answered with Retry-After, not slept.
  void handle(HttpRequest request, std::shared_ptr<Responder> responder);

  HttpHandler handler() {
    return [this](HttpRequest request, std::shared_ptr<Responder> responder) {
      handle(std::move(request), std::move(responder));
    };
  }

 private:
  // Runs on a worker: verifies, settles the attempt with the throttle, builds the answer.
  HttpResponse finish(const LoginRequest& login, const std::string& remote_address);

  const LoginService& logins_;
  LoginThrottle& throttle_;
  WorkerPool<>& pool_;
  Logger& logger_;
};

}  // namespace processhost::plugins::iam
