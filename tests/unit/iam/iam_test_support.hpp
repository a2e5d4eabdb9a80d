#pragma once
// Helpers shared by the iam unit tests: fast hashing limits, a settable clock, token surgery.

#include <sodium.h>

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "iam_config.hpp"
#include "token_service.hpp"
#include "user_directory.hpp"

namespace processhost::plugins::iam::testing {

inline constexpr const char* kSecret = "unit-test-secret-0123456789abcdefghijklmnop";
inline constexpr const char* kOtherSecret = "another-secret-0123456789abcdefghijklmnopqrs";
inline constexpr const char* kIssuer = "processhost-test";

// The smallest limits libsodium accepts: tests stay fast, the code path is the same.
inline PasswordLimits fast_limits() { return PasswordLimits{crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN}; }

// "$argon2id$v=19$m=8,t=1,p=1" of a hash: algorithm, version and limits, which set the work
// of verifying a password against it (salt and digest are left out).
inline std::string argon2_parameters(const std::string& hash) {
  std::size_t end = 0;
  for (int field = 0; field < 3 && end != std::string::npos; ++field) end = hash.find('$', end + 1);
  return hash.substr(0, end);
}

// A clock tests move by hand.
struct ManualClock {
  std::chrono::system_clock::time_point now{std::chrono::sys_seconds(std::chrono::seconds(1'800'000'000))};
  TokenService::Clock function() {
    return [this] { return now; };
  }
};

inline TokenSettings settings(std::string issuer = kIssuer, std::string secret = kSecret) {
  TokenSettings result;
  result.issuer = std::move(issuer);
  result.secret = std::move(secret);
  result.lifetime = std::chrono::hours(8);
  result.leeway = std::chrono::seconds(30);
  return result;
}

inline User sample_user() { return User{"sampleUser", "sample-id", "", {"sample_lane", "can_read_process_model"}}; }

inline std::string base64url_encode(std::string_view bytes) {
  std::string out(sodium_base64_encoded_len(bytes.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(),
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(out.find('\0'));
  return out;
}

inline std::string base64url_decode(std::string_view text) {
  std::string out(text.size(), '\0');
  std::size_t length = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(), text.size(), nullptr,
                        &length, nullptr, sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0) {
    return {};
  }
  out.resize(length);
  return out;
}

inline std::vector<std::string> split_token(const std::string& token) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (;;) {
    auto dot = token.find('.', start);
    parts.push_back(token.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
    if (dot == std::string::npos) return parts;
    start = dot + 1;
  }
}

}  // namespace processhost::plugins::iam::testing
