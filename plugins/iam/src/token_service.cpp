#include "token_service.hpp"

#include <jwt.h>

#include <cstdlib>
#include <memory>

#include "processhost/json.hpp"

namespace processhost::plugins::iam {
namespace {

struct JwtDeleter {
  void operator()(jwt_t* jwt) const { jwt_free(jwt); }
};
using JwtPtr = std::unique_ptr<jwt_t, JwtDeleter>;

// libjwt hands out malloc'ed strings.
struct FreeDeleter {
  void operator()(char* text) const { std::free(text); }
};
using MallocString = std::unique_ptr<char, FreeDeleter>;

Error unauthorized(std::string message) { return make_error(ErrorStatus::unauthorized, std::move(message)); }

std::int64_t to_unix_seconds(std::chrono::system_clock::time_point time) {
  return std::chrono::duration_cast<std::chrono::seconds>(time.time_since_epoch()).count();
}

// Three non-empty base64url segments. An empty signature ("alg": "none") is refused here
// already; the algorithm is pinned again after decoding.
bool has_jws_shape(std::string_view token) {
  if (token.empty() || token.size() > kMaxTokenBytes) return false;
  std::size_t dots = 0;
  std::size_t segment_length = 0;
  for (char c : token) {
    if (c == '.') {
      if (segment_length == 0) return false;
      ++dots;
      segment_length = 0;
      continue;
    }
    bool base64url = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    if (!base64url) return false;
    ++segment_length;
  }
  return dots == 2 && segment_length > 0;
}

JwtPtr decode_with(const std::string& token, const std::string& secret) {
  jwt_t* raw = nullptr;
  int status = jwt_decode(&raw, token.c_str(), reinterpret_cast<const unsigned char*>(secret.data()),
                          static_cast<int>(secret.size()));
  JwtPtr jwt(raw);
  if (status != 0) return nullptr;
  return jwt;
}

bool read_int(const rapidjson::Value& payload, const char* name, std::int64_t& value) {
  auto member = payload.FindMember(name);
  if (member == payload.MemberEnd() || !member->value.IsInt64()) return false;
  value = member->value.GetInt64();
  return true;
}

const char* read_string(const rapidjson::Value& payload, const char* name) {
  auto member = payload.FindMember(name);
  if (member == payload.MemberEnd() || !member->value.IsString()) return nullptr;
  return member->value.GetString();
}

Result<std::vector<std::string>> read_claims(const rapidjson::Value& payload) {
  std::vector<std::string> claims;
  auto member = payload.FindMember("claims");
  if (member == payload.MemberEnd()) return claims;
  if (!member->value.IsArray()) return unauthorized("The auth token's 'claims' must be an array of strings.");
  for (const auto& claim : member->value.GetArray()) {
    if (!claim.IsString()) return unauthorized("The auth token's 'claims' must be an array of strings.");
    claims.emplace_back(claim.GetString(), claim.GetStringLength());
  }
  return claims;
}

std::string claims_json(const std::vector<std::string>& claims) {
  std::string json = "{\"claims\":[";
  for (std::size_t i = 0; i < claims.size(); ++i) {
    if (i != 0) json += ',';
    json += json_quote(claims[i]);
  }
  json += "]}";
  return json;
}

}  // namespace

TokenService::TokenService(TokenSettings settings, Clock clock)
    : settings_(std::move(settings)), clock_(std::move(clock)) {}

Result<IssuedToken> TokenService::issue(const User& user) const {
  jwt_t* raw = nullptr;
  if (jwt_new(&raw) != 0) return make_error(ErrorStatus::internal, "Could not create a token.");
  JwtPtr jwt(raw);
  const auto issued_at = to_unix_seconds(clock_());
  const auto expires_at = issued_at + settings_.lifetime.count();
  const auto claims = claims_json(user.claims);
  bool ok = jwt_set_alg(jwt.get(), JWT_ALG_HS256, reinterpret_cast<const unsigned char*>(settings_.secret.data()),
                        static_cast<int>(settings_.secret.size())) == 0 &&
            jwt_add_grant(jwt.get(), "iss", settings_.issuer.c_str()) == 0 &&
            jwt_add_grant(jwt.get(), "sub", user.user_id.c_str()) == 0 &&
            jwt_add_grant(jwt.get(), "name", user.username.c_str()) == 0 &&
            jwt_add_grant_int(jwt.get(), "iat", static_cast<long>(issued_at)) == 0 &&
            jwt_add_grant_int(jwt.get(), "exp", static_cast<long>(expires_at)) == 0 &&
            jwt_add_grants_json(jwt.get(), claims.c_str()) == 0;
  if (!ok) return make_error(ErrorStatus::internal, "Could not create a token.");
  MallocString encoded(jwt_encode_str(jwt.get()));
  if (!encoded) return make_error(ErrorStatus::internal, "Could not sign a token.");
  return IssuedToken{std::string(encoded.get()), expires_at};
}

Result<VerifiedToken> TokenService::verify(std::string_view token_view) const {
  if (!has_jws_shape(token_view)) return unauthorized("The auth token is malformed.");
  const std::string token(token_view);

  JwtPtr jwt = decode_with(token, settings_.secret);
  for (std::size_t i = 0; !jwt && i < settings_.previous_secrets.size(); ++i) {
    jwt = decode_with(token, settings_.previous_secrets[i]);
  }
  if (!jwt) return unauthorized("The auth token is not valid (bad signature or format).");
  // Pinned: a token may not pick its own algorithm (no "none", no switch to another one).
  if (jwt_get_alg(jwt.get()) != JWT_ALG_HS256) return unauthorized("The auth token must be signed with HS256.");

  // The payload is read strictly with RapidJSON: every field must have its exact type.
  MallocString payload_text(jwt_get_grants_json(jwt.get(), nullptr));
  rapidjson::Document payload;
  if (!payload_text || json_parse(payload_text.get(), payload) || !payload.IsObject()) {
    return unauthorized("The auth token's payload is not a JSON object.");
  }
  const char* issuer = read_string(payload, "iss");
  if (issuer == nullptr || settings_.issuer != issuer) {
    return unauthorized("The auth token was not issued by this host.");
  }

  VerifiedToken verified;
  if (!read_int(payload, "exp", verified.expires_at)) return unauthorized("The auth token has no expiry.");
  if (!read_int(payload, "iat", verified.issued_at)) return unauthorized("The auth token has no issue time.");
  const auto now = to_unix_seconds(clock_());
  const auto leeway = settings_.leeway.count();
  if (verified.expires_at <= now - leeway) return unauthorized("The auth token has expired.");
  if (verified.issued_at > now + leeway) return unauthorized("The auth token is not valid yet.");

  const char* subject = read_string(payload, "sub");
  if (subject == nullptr || *subject == '\0') return unauthorized("The auth token has no subject.");
  verified.subject = subject;
  if (const char* name = read_string(payload, "name")) verified.username = name;

  auto claims = read_claims(payload);
  if (!claims) return std::move(claims).take_error();
  verified.claims = std::move(claims.value());
  return verified;
}

}  // namespace processhost::plugins::iam
