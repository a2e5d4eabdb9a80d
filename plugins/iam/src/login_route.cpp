#include "login_route.hpp"

#include <exception>
#include <optional>
#include <string>

namespace processhost::plugins::iam {
namespace {

HttpResponse unavailable(std::string message) {
  auto response = HttpResponse::error(ErrorStatus::unavailable, std::move(message));
  response.headers.emplace_back("Retry-After", "1");
  return response;
}

HttpResponse too_many(const ThrottleDecision& decision) {
  const std::string seconds = std::to_string(decision.retry_after.count());
  // The same words for a known and an unknown username: a refusal tells nothing about
  // which accounts exist.
  const std::string what =
      decision.limit == ThrottleDecision::Limit::address ? "from this address" : "for this account";
  auto response = HttpResponse::error(ErrorStatus::too_many_requests,
                                      "Too many failed logins " + what + "; try again in " + seconds + " seconds.");
  response.headers.emplace_back("Retry-After", seconds);
  return response;
}

}  // namespace

LoginRoute::LoginRoute(const LoginService& logins, LoginThrottle& throttle, WorkerPool<>& pool, Logger& logger)
    : logins_(logins), throttle_(throttle), pool_(pool), logger_(logger) {}

void LoginRoute::handle(HttpRequest request, std::shared_ptr<Responder> responder) {
  auto parsed = parse_login_request(request.body, request.json_limits);
  if (!parsed) {
    responder->respond(HttpResponse::error(parsed.error()));
    return;
  }
  if (auto decision = throttle_.begin(parsed->username, request.remote_address); !decision.allowed()) {
    logger_.warn("login of " + json_quote(parsed->username) + " from " + request.remote_address + " refused for " +
                 std::to_string(decision.retry_after.count()) + " s: too many failed logins " +
                 (decision.limit == ThrottleDecision::Limit::address ? "from the address" : "for the account"));
    responder->respond(too_many(decision));
    return;
  }
  // The job holds the only other reference to the responder; a refused job is destroyed.
  pool_.post({
      .run =
          [this, login = parsed.value(), remote_address = request.remote_address, responder](NoWorkerContext&) {
            if (responder->cancelled()) {
              // Never verified, so it is no failure of the account or the address.
              throttle_.abandoned(login.username, remote_address);
              return;
            }
            responder->respond(finish(login, remote_address));
          },
      .drop =
          [this, username = parsed->username, remote_address = request.remote_address,
           responder](const JobDropped& dropped) {
            // Never verified, so it is no failure of the account or the address.
            throttle_.abandoned(username, remote_address);
            responder->respond(dropped.reason == JobDropped::Reason::stopping
                                   ? unavailable("The login service is stopping.")
                                   : unavailable("Too many logins in progress; try again shortly."));
          },
  });
}

HttpResponse LoginRoute::finish(const LoginRequest& login, const std::string& remote_address) {
  const std::string who = "login of " + json_quote(login.username) + " from " + remote_address;
  std::optional<Result<LoginResult>> result;
  try {
    result.emplace(logins_.login(login));
  } catch (const std::exception& error) {
    throttle_.abandoned(login.username, remote_address);
    logger_.error(who + " failed unexpectedly: " + error.what());
    return HttpResponse::error(ErrorStatus::internal, "The login failed unexpectedly.");
  }
  if (!*result) {
    // A wrong password stays counted (begin() counted it); any other error is no guess.
    if (result->error().status != ErrorStatus::unauthorized) throttle_.abandoned(login.username, remote_address);
    logger_.info(who + " refused: " + result->error().message);
    return HttpResponse::error(result->error());
  }
  throttle_.succeeded(login.username, remote_address);
  logger_.info(who + " succeeded");
  return HttpResponse::json(200, login_response_json(result->value()));
}

}  // namespace processhost::plugins::iam
