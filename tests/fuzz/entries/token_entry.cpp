#include <sodium.h>

#include "fuzz_entries.hpp"
#include "identity_provider.hpp"
#include "token_service.hpp"

namespace processhost::fuzz {
namespace {

constexpr std::string_view kSignedPrefix = "signed:";
constexpr std::string_view kDefaultHeader = R"({"alg":"HS256","typ":"JWT"})";

plugins::iam::TokenSettings settings() {
  plugins::iam::TokenSettings settings;
  settings.issuer = "processhost-fuzz";
  settings.secret = "fuzz-secret-0123456789abcdef-0123456789";
  settings.previous_secrets = {"fuzz-previous-secret"};
  return settings;
}

// A fixed clock (2023-11-14) so that the seed tokens' iat/exp stay valid.
std::chrono::system_clock::time_point fixed_now() {
  return std::chrono::system_clock::time_point(std::chrono::seconds(1'700'000'000));
}

std::string base64url(std::string_view bytes) {
  std::string text(sodium_base64_encoded_len(bytes.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(text.data(), text.size(), reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(),
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  text.resize(text.find('\0'));
  return text;
}

// header.payload.HMAC-SHA256(secret): what a holder of the secret would hand out, so the
// fuzzer reaches the algorithm pin and the payload checks behind the signature.
std::string signed_token(std::string_view header, std::string_view payload, const std::string& secret) {
  const std::string signing_input = base64url(header) + "." + base64url(payload);
  crypto_auth_hmacsha256_state state;
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(secret.data()), secret.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(signing_input.data()),
                                signing_input.size());
  crypto_auth_hmacsha256_final(&state, mac);
  return signing_input + "." + base64url(std::string_view(reinterpret_cast<const char*>(mac), sizeof mac));
}

}  // namespace

std::string authorization_header(std::string_view input) {
  static const bool sodium_ready = sodium_init() >= 0;
  if (!sodium_ready) finding("libsodium could not be initialised");
  static const plugins::iam::TokenService tokens(settings(), &fixed_now);
  static const plugins::iam::IdentityProvider provider(tokens, false);
  std::string header(input);
  if (input.starts_with(kSignedPrefix)) {
    std::string_view rest = input.substr(kSignedPrefix.size());
    const auto newline = rest.find('\n');
    const std::string_view jose = newline == std::string_view::npos ? kDefaultHeader : rest.substr(0, newline);
    const std::string_view payload = newline == std::string_view::npos ? rest : rest.substr(newline + 1);
    header = "Bearer " + signed_token(jose, payload, settings().secret);
  }
  const auto identity = provider.authenticate(header);
  if (!identity) {
    if (identity.error().status != ErrorStatus::unauthorized) finding("a refused token did not answer 401");
    return "401";
  }
  if (identity.value().user_id.empty()) finding("an accepted token has no user id");
  return "accepted " + identity.value().user_id;
}

}  // namespace processhost::fuzz
