#include "password_hasher.hpp"

#include <sodium.h>

#include <array>
#include <stdexcept>

namespace processhost::plugins::iam {
namespace {

// crypto_pwhash_str_* need nul-terminated strings; a hash never contains a nul.
std::string terminated(std::string_view text) { return std::string(text); }

}  // namespace

PasswordHasher::PasswordHasher(PasswordLimits limits) : limits_(limits) {
  if (sodium_init() < 0) throw std::runtime_error("libsodium could not be initialised");
  std::array<unsigned char, 32> random_password{};
  randombytes_buf(random_password.data(), random_password.size());
  dummy_hash_ = hash(std::string_view(reinterpret_cast<const char*>(random_password.data()), random_password.size()));
}

std::string PasswordHasher::hash(std::string_view password) const {
  std::array<char, crypto_pwhash_STRBYTES> out{};
  if (crypto_pwhash_str_alg(out.data(), password.data(), password.size(), limits_.ops_limit, limits_.mem_limit_bytes,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    throw std::runtime_error("password hashing failed (out of memory or limits refused: opsLimit " +
                             std::to_string(limits_.ops_limit) + ", memLimitBytes " +
                             std::to_string(limits_.mem_limit_bytes) + ")");
  }
  return std::string(out.data());
}

bool PasswordHasher::verify(std::string_view hash, std::string_view password) const {
  if (!is_valid_hash(hash)) return false;
  return run_verification(terminated(hash), password);
}

void PasswordHasher::verify_dummy(std::string_view password) const {
  // The result is meaningless: the dummy hash is of a random password nobody knows.
  [[maybe_unused]] bool result = run_verification(dummy_hash_, password);
}

bool PasswordHasher::run_verification(const std::string& hash, std::string_view password) const {
  verifications_.fetch_add(1, std::memory_order_relaxed);
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

bool PasswordHasher::is_valid_hash(std::string_view hash) {
  if (hash.size() >= crypto_pwhash_STRBYTES || !hash.starts_with(crypto_pwhash_argon2id_STRPREFIX)) return false;
  auto stored = terminated(hash);
  // needs_rehash parses the string and returns -1 when it is not a valid hash.
  return crypto_pwhash_argon2id_str_needs_rehash(stored.c_str(), crypto_pwhash_OPSLIMIT_MIN,
                                                 crypto_pwhash_MEMLIMIT_MIN) != -1;
}

bool PasswordHasher::needs_rehash(std::string_view hash) const {
  auto stored = terminated(hash);
  return crypto_pwhash_str_needs_rehash(stored.c_str(), limits_.ops_limit, limits_.mem_limit_bytes) != 0;
}

}  // namespace processhost::plugins::iam
