#pragma once
// Argon2id password hashes through libsodium (crypto_pwhash_str): the hash string carries
// its own salt and limits, so verification needs nothing but the string.

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>

#include "iam_config.hpp"

namespace processhost::plugins::iam {

// Thread-safe after construction. Hashing and verifying are slow on purpose (tens of
// milliseconds, limits.mem_limit_bytes of memory each): never call them on an I/O thread.
class PasswordHasher {
 public:
  // Throws std::runtime_error when libsodium cannot be initialised or the limits are
  // refused. Computes the dummy hash, so construction costs one hash.
  explicit PasswordHasher(PasswordLimits limits);

  // Throws std::runtime_error when the hash cannot be computed (e.g. out of memory).
  std::string hash(std::string_view password) const;
  // False for a wrong password and for a string that is not an Argon2id hash.
  bool verify(std::string_view hash, std::string_view password) const;
  // Spends the time of one verification against a hash with this hasher's limits, so an
  // unknown user takes as long as a known one with a wrong password.
  void verify_dummy(std::string_view password) const;
  // True when a hash is well formed (Argon2id, parameters libsodium accepts).
  static bool is_valid_hash(std::string_view hash);
  // True when a hash uses other limits than this hasher's (timing differs from the dummy).
  bool needs_rehash(std::string_view hash) const;

  const PasswordLimits& limits() const { return limits_; }
  // The hash verify_dummy verifies against: Argon2id of a random password nobody knows, made
  // with this hasher's limits, which set the work of each verification.
  const std::string& dummy_hash() const { return dummy_hash_; }
  // Argon2id verifications run so far by verify and verify_dummy (a string that is not a
  // hash runs none): the work a login costs, counted instead of timed.
  std::uint64_t verifications() const { return verifications_.load(std::memory_order_relaxed); }

 private:
  bool run_verification(const std::string& hash, std::string_view password) const;

  PasswordLimits limits_;
  std::string dummy_hash_;
  mutable std::atomic<std::uint64_t> verifications_{0};
};

}  // namespace processhost::plugins::iam
