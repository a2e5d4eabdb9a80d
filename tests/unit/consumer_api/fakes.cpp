#include "fakes.hpp"

#include <sstream>

namespace processhost::plugins::consumer_api::testing {
namespace {

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  std::string part;
  std::istringstream stream(text);
  while (std::getline(stream, part, separator)) parts.push_back(part);
  return parts;
}

}  // namespace

void FakeResponder::respond(HttpResponse response) {
  std::lock_guard lock(mutex_);
  ++calls_;
  if (!response_) response_ = std::move(response);
}

bool FakeResponder::cancelled() const {
  std::lock_guard lock(mutex_);
  return cancelled_;
}

void FakeResponder::on_cancel(std::function<void()> callback) {
  {
    std::lock_guard lock(mutex_);
    if (!cancelled_) {
      on_cancel_.push_back(std::move(callback));
      return;
    }
  }
  callback();
}

void FakeResponder::cancel() {
  std::vector<std::function<void()>> callbacks;
  {
    std::lock_guard lock(mutex_);
    cancelled_ = true;
    callbacks.swap(on_cancel_);
  }
  for (auto& callback : callbacks) callback();
}

bool FakeResponder::responded() const {
  std::lock_guard lock(mutex_);
  return response_.has_value();
}

const HttpResponse& FakeResponder::response() const {
  std::lock_guard lock(mutex_);
  return *response_;
}

int FakeResponder::respond_calls() const {
  std::lock_guard lock(mutex_);
  return calls_;
}

void FakeRouter::add_route(std::string method, std::string pattern, HttpHandler handler) {
  for (const auto& route : routes_) {
    if (route.method == method && route.pattern == pattern) throw std::invalid_argument("duplicate route " + pattern);
  }
  routes_.push_back({std::move(method), std::move(pattern), std::move(handler)});
}

std::shared_ptr<FakeResponder> FakeRouter::dispatch(const std::string& method, const std::string& target,
                                                    const std::string& body,
                                                    std::vector<std::pair<std::string, std::string>> headers) const {
  HttpRequest request;
  request.method = method;
  request.target = target;
  const auto question = target.find('?');
  request.path = target.substr(0, question);
  if (request.path.size() > 1 && request.path.back() == '/') request.path.pop_back();
  if (question != std::string::npos) {
    for (const auto& pair : split(target.substr(question + 1), '&')) {
      const auto equals = pair.find('=');
      request.query.emplace_back(pair.substr(0, equals), equals == std::string::npos ? "" : pair.substr(equals + 1));
    }
  }
  request.headers = std::move(headers);
  request.body = body;
  const auto path_segments = split(request.path, '/');
  for (const auto& route : routes_) {
    if (route.method != method) continue;
    const auto pattern_segments = split(route.pattern, '/');
    if (pattern_segments.size() != path_segments.size()) continue;
    std::vector<std::pair<std::string, std::string>> params;
    bool match = true;
    for (std::size_t i = 0; i < pattern_segments.size() && match; ++i) {
      if (!pattern_segments[i].empty() && pattern_segments[i][0] == ':') {
        params.emplace_back(pattern_segments[i].substr(1), path_segments[i]);
      } else {
        match = pattern_segments[i] == path_segments[i];
      }
    }
    if (!match) continue;
    request.params = std::move(params);
    auto responder = std::make_shared<FakeResponder>();
    route.handler(std::move(request), responder);
    return responder;
  }
  return nullptr;
}

void* FakeRegistry::find(std::string_view service_id) const {
  auto found = services_.find(std::string(service_id));
  return found == services_.end() ? nullptr : found->second;
}

void FakeLogger::log(LogLevel level, std::string_view message) { lines.emplace_back(level, std::string(message)); }

Result<Identity> FakeIdentityService::authenticate(std::string_view header_value) const {
  constexpr std::string_view kPrefix = "Bearer ";
  if (header_value.substr(0, kPrefix.size()) != kPrefix) {
    return make_error(ErrorStatus::unauthorized, "The Authorization header must be 'Bearer <token>'.");
  }
  auto found = tokens.find(std::string(header_value.substr(kPrefix.size())));
  if (found == tokens.end()) return make_error(ErrorStatus::unauthorized, "The token could not be verified.");
  return found->second;
}

}  // namespace processhost::plugins::consumer_api::testing
