#pragma once
// POST /iam/login: parse and rate-limit on the I/O thread (cheap), verify the password and
// sign the token on the worker pool (slow), answer through the Responder.

#include <cstddef>
#include <memory>

#include "login_service.hpp"
#include "processhost/logger.hpp"
#include "processhost/services/http.hpp"
#include "rate_limiter.hpp"
#include "worker_pool.hpp"

namespace processhost::plugins::iam {

inline constexpr const char* kLoginRoutePath = "/iam/login";
// Two credentials of at most kMaxCredentialBytes fit many times over; a larger login body
// is refused with 413 before it is read.
inline constexpr std::size_t kMaxLoginBodyBytes = 16 * 1024;

// Thread-safe. The parts must outlive every call of handle(); jobs posted to the pool end
// by the pool's stop().
class LoginRoute {
 public:
  LoginRoute(const LoginService& logins, RateLimiter& limiter, WorkerPool& pool, Logger& logger);

  // Answers 200 {"token","userId","expiresAt"}; 400 bad body; 401 bad credentials;
  // 429 (Retry-After) too many attempts for this user and address; 503 when the pool is
  // full or the plugin is stopping. Never blocks.
  void handle(HttpRequest request, std::shared_ptr<Responder> responder);

  HttpHandler handler() {
    return [this](HttpRequest request, std::shared_ptr<Responder> responder) {
      handle(std::move(request), std::move(responder));
    };
  }

 private:
  void finish(const LoginRequest& login, const std::string& limiter_key, const std::string& remote_address,
              Responder& responder);

  const LoginService& logins_;
  RateLimiter& limiter_;
  WorkerPool& pool_;
  Logger& logger_;
};

}  // namespace processhost::plugins::iam
