#include "login_route.hpp"

#include <exception>
#include <string>

namespace processhost::plugins::iam {
namespace {

HttpResponse unavailable(std::string message) {
  auto response = HttpResponse::error(ErrorStatus::unavailable, std::move(message));
  response.headers.emplace_back("Retry-After", "1");
  return response;
}

}  // namespace

LoginRoute::LoginRoute(const LoginService& logins, RateLimiter& limiter, WorkerPool& pool, Logger& logger)
    : logins_(logins), limiter_(limiter), pool_(pool), logger_(logger) {}

void LoginRoute::handle(HttpRequest request, std::shared_ptr<Responder> responder) {
  auto parsed = parse_login_request(request.body, request.json_limits);
  if (!parsed) {
    responder->respond(HttpResponse::error(parsed.error()));
    return;
  }
  auto key = RateLimiter::key_for(parsed->username, request.remote_address);
  if (auto retry_after = limiter_.try_acquire(key); retry_after.count() > 0) {
    logger_.warn("login of " + json_quote(parsed->username) + " from " + request.remote_address +
                 " refused: too many attempts");
    auto response =
        HttpResponse::error(ErrorStatus::too_many_requests, "Too many login attempts; try again in " +
                                                                std::to_string(retry_after.count()) + " seconds.");
    response.headers.emplace_back("Retry-After", std::to_string(retry_after.count()));
    responder->respond(std::move(response));
    return;
  }
  auto job = [this, login = std::move(parsed.value()), key = std::move(key),
              remote_address = std::move(request.remote_address), responder](bool dropped) {
    if (dropped) {
      responder->respond(unavailable("The login service is stopping."));
      return;
    }
    if (responder->cancelled()) return;
    try {
      finish(login, key, remote_address, *responder);
    } catch (const std::exception& error) {
      logger_.error(std::string("login failed unexpectedly: ") + error.what());
      responder->respond(HttpResponse::error(ErrorStatus::internal, "The login failed unexpectedly."));
    }
  };
  // The job holds the only other reference to the responder; a refused job is destroyed.
  if (!pool_.post(std::move(job))) {
    responder->respond(unavailable("Too many logins in progress; try again shortly."));
  }
}

void LoginRoute::finish(const LoginRequest& login, const std::string& limiter_key, const std::string& remote_address,
                        Responder& responder) {
  auto result = logins_.login(login);
  if (!result) {
    logger_.info("login of " + json_quote(login.username) + " from " + remote_address +
                 " refused: " + result.error().message);
    responder.respond(HttpResponse::error(result.error()));
    return;
  }
  limiter_.reset(limiter_key);
  logger_.info("login of " + json_quote(login.username) + " from " + remote_address + " succeeded");
  responder.respond(HttpResponse::json(200, login_response_json(result.value())));
}

}  // namespace processhost::plugins::iam
