#include "login_service.hpp"

#include <ctime>

#include "processhost/json.hpp"

namespace processhost::plugins::iam {
namespace {

Error bad_request(std::string message) { return make_error(ErrorStatus::bad_request, std::move(message)); }

Result<std::string> read_field(const rapidjson::Value& body, const char* name) {
  auto member = body.FindMember(name);
  if (member == body.MemberEnd()) return bad_request(std::string("The login body needs '") + name + "'.");
  if (!member->value.IsString()) return bad_request(std::string("'") + name + "' must be a string.");
  std::string value(member->value.GetString(), member->value.GetStringLength());
  if (value.empty()) return bad_request(std::string("'") + name + "' must not be empty.");
  if (value.size() > kMaxCredentialBytes) {
    return bad_request(std::string("'") + name + "' is longer than " + std::to_string(kMaxCredentialBytes) + " bytes.");
  }
  if (value.find('\0') != std::string::npos) return bad_request(std::string("'") + name + "' contains a NUL.");
  return value;
}

std::string iso_8601_utc(std::int64_t unix_seconds) {
  const std::time_t time = static_cast<std::time_t>(unix_seconds);
  std::tm parts{};
  gmtime_r(&time, &parts);
  char text[32] = {};
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S.000Z", &parts);
  return text;
}

}  // namespace

Result<LoginRequest> parse_login_request(std::string_view body, const JsonLimits& limits) {
  rapidjson::Document document;
  if (auto error = json_parse(body, document, limits)) {
    return make_error(ErrorStatus::bad_request, "The login body is not valid JSON: " + error->message,
                      error->additional_information());
  }
  if (!document.IsObject()) return bad_request("The login body must be a JSON object {\"username\", \"password\"}.");
  auto username = read_field(document, "username");
  if (!username) return std::move(username).take_error();
  auto password = read_field(document, "password");
  if (!password) return std::move(password).take_error();
  return LoginRequest{std::move(username.value()), std::move(password.value())};
}

std::string login_response_json(const LoginResult& result) {
  return "{\"token\":" + json_quote(result.token.token) + ",\"userId\":" + json_quote(result.user_id) +
         ",\"expiresAt\":" + json_quote(iso_8601_utc(result.token.expires_at)) + "}";
}

LoginService::LoginService(const UserDirectory& users, const PasswordHasher& hasher, const TokenService& tokens)
    : users_(users), hasher_(hasher), tokens_(tokens) {}

Result<LoginResult> LoginService::login(const LoginRequest& request) const {
  const User* user = users_.find(request.username);
  if (user == nullptr) {
    // Same cost as a known user with a wrong password: timing does not tell who exists.
    hasher_.verify_dummy(request.password);
    return make_error(ErrorStatus::unauthorized, kInvalidCredentialsMessage);
  }
  if (!hasher_.verify(user->password_hash, request.password)) {
    return make_error(ErrorStatus::unauthorized, kInvalidCredentialsMessage);
  }
  auto token = tokens_.issue(*user);
  if (!token) return std::move(token).take_error();
  return LoginResult{std::move(token.value()), user->user_id};
}

}  // namespace processhost::plugins::iam
