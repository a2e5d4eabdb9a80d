#include "password_hasher.hpp"

#include <gtest/gtest.h>

#include "iam_test_support.hpp"

namespace processhost::plugins::iam {
namespace {

using testing::argon2_parameters;
using testing::fast_limits;

TEST(PasswordHasherTest, HashVerifiesOnlyTheRightPassword) {
  PasswordHasher hasher(fast_limits());
  auto hash = hasher.hash("pass");
  EXPECT_TRUE(hash.starts_with("$argon2id$v=19$"));
  EXPECT_TRUE(hasher.verify(hash, "pass"));
  EXPECT_FALSE(hasher.verify(hash, "Pass"));
  EXPECT_FALSE(hasher.verify(hash, "pass "));
  EXPECT_FALSE(hasher.verify(hash, ""));
}

TEST(PasswordHasherTest, SaltMakesEveryHashDifferent) {
  PasswordHasher hasher(fast_limits());
  auto first = hasher.hash("pass");
  auto second = hasher.hash("pass");
  EXPECT_NE(first, second);
  EXPECT_TRUE(hasher.verify(second, "pass"));
}

TEST(PasswordHasherTest, HashCarriesTheConfiguredLimits) {
  PasswordHasher hasher(fast_limits());
  auto hash = hasher.hash("pass");
  EXPECT_NE(hash.find("m=8,t=1,p=1"), std::string::npos) << hash;
  EXPECT_FALSE(hasher.needs_rehash(hash));
  PasswordHasher stronger(PasswordLimits{crypto_pwhash_OPSLIMIT_MIN + 1, crypto_pwhash_MEMLIMIT_MIN});
  EXPECT_TRUE(stronger.needs_rehash(hash));
  EXPECT_TRUE(stronger.verify(hash, "pass")) << "verification reads the limits from the hash";
}

TEST(PasswordHasherTest, RejectsStringsThatAreNotArgon2idHashes) {
  PasswordHasher hasher(fast_limits());
  EXPECT_FALSE(PasswordHasher::is_valid_hash("pass"));
  EXPECT_FALSE(PasswordHasher::is_valid_hash(""));
  EXPECT_FALSE(PasswordHasher::is_valid_hash("$argon2id$v=19$m=8,t=1,p=1$garbage"));
  auto hash = hasher.hash("pass");
  EXPECT_TRUE(PasswordHasher::is_valid_hash(hash));
  auto argon2i = "$argon2i$" + hash.substr(std::string("$argon2id$").size());
  EXPECT_FALSE(PasswordHasher::is_valid_hash(argon2i));
  EXPECT_FALSE(hasher.verify("pass", "pass"));
}

// docs/security.md: an unknown user costs as much as a wrong password because the password is
// verified against a dummy hash made with the configured limits. Counted, not timed: the
// same number of Argon2id verifications with the same parameters is the same work.
TEST(PasswordHasherTest, TheDummyHashHasTheConfiguredLimits) {
  PasswordHasher hasher(fast_limits());
  EXPECT_TRUE(PasswordHasher::is_valid_hash(hasher.dummy_hash()));
  EXPECT_FALSE(hasher.needs_rehash(hasher.dummy_hash()));
  EXPECT_EQ(argon2_parameters(hasher.dummy_hash()), "$argon2id$v=19$m=8,t=1,p=1");
  EXPECT_EQ(argon2_parameters(hasher.dummy_hash()), argon2_parameters(hasher.hash("pass")));

  PasswordHasher stronger(PasswordLimits{crypto_pwhash_OPSLIMIT_MIN + 1, 2 * crypto_pwhash_MEMLIMIT_MIN});
  EXPECT_EQ(argon2_parameters(stronger.dummy_hash()), "$argon2id$v=19$m=16,t=2,p=1");
  EXPECT_NE(stronger.dummy_hash(), hasher.dummy_hash());
}

TEST(PasswordHasherTest, VerifyAndDummyVerifyRunOneArgon2idVerificationEach) {
  PasswordHasher hasher(fast_limits());
  const auto hash = hasher.hash("pass");
  const auto before = hasher.verifications();
  EXPECT_FALSE(hasher.verify(hash, "wrong"));
  EXPECT_EQ(hasher.verifications(), before + 1);
  EXPECT_TRUE(hasher.verify(hash, "pass"));
  EXPECT_EQ(hasher.verifications(), before + 2);
  hasher.verify_dummy("pass");
  EXPECT_EQ(hasher.verifications(), before + 3);
  EXPECT_FALSE(hasher.verify("not a hash", "pass"));
  EXPECT_EQ(hasher.verifications(), before + 3);
}

TEST(PasswordHasherTest, DummyVerificationNeverThrows) {
  PasswordHasher hasher(fast_limits());
  EXPECT_NO_THROW(hasher.verify_dummy("anything"));
  EXPECT_NO_THROW(hasher.verify_dummy(""));
}

}  // namespace
}  // namespace processhost::plugins::iam
