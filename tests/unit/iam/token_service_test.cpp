#include "token_service.hpp"

#include <jwt.h>

#include <cstdlib>
#include <memory>

#include <gtest/gtest.h>

#include "iam_test_support.hpp"

namespace processhost::plugins::iam {
namespace {

using namespace testing;

// Signs grants_json with libjwt as an attacker or a foreign issuer would.
std::string forge(jwt_alg_t alg, const std::string& key, const std::string& grants_json) {
  jwt_t* raw = nullptr;
  EXPECT_EQ(jwt_new(&raw), 0);
  std::unique_ptr<jwt_t, decltype(&jwt_free)> jwt(raw, &jwt_free);
  EXPECT_EQ(
      jwt_set_alg(jwt.get(), alg, alg == JWT_ALG_NONE ? nullptr : reinterpret_cast<const unsigned char*>(key.data()),
                  alg == JWT_ALG_NONE ? 0 : static_cast<int>(key.size())),
      0);
  EXPECT_EQ(jwt_add_grants_json(jwt.get(), grants_json.c_str()), 0);
  char* encoded = jwt_encode_str(jwt.get());
  EXPECT_NE(encoded, nullptr);
  std::string token = encoded ? encoded : "";
  std::free(encoded);
  return token;
}

class TokenServiceTest : public ::testing::Test {
 protected:
  std::string valid_grants(std::int64_t exp_offset = 3600) const {
    auto now = std::chrono::duration_cast<std::chrono::seconds>(clock_.now.time_since_epoch()).count();
    return R"({"iss":")" + std::string(kIssuer) + R"(","sub":"sample-id","name":"sampleUser","iat":)" +
           std::to_string(now) + R"(,"exp":)" + std::to_string(now + exp_offset) + R"(,"claims":["sample_lane"]})";
  }
  void expect_refused(const std::string& token, std::string_view message_part) {
    auto result = tokens_.verify(token);
    ASSERT_FALSE(result.ok()) << "accepted: " << token;
    EXPECT_EQ(result.error().status, ErrorStatus::unauthorized);
    EXPECT_NE(result.error().message.find(message_part), std::string::npos) << result.error().message;
  }

  ManualClock clock_;
  TokenService tokens_{settings(), clock_.function()};
};

TEST_F(TokenServiceTest, IssuedTokenVerifiesWithSubjectClaimsAndExpiry) {
  auto issued = tokens_.issue(sample_user());
  ASSERT_TRUE(issued.ok());
  auto now = std::chrono::duration_cast<std::chrono::seconds>(clock_.now.time_since_epoch()).count();
  EXPECT_EQ(issued->expires_at, now + 8 * 3600);

  auto verified = tokens_.verify(issued->token);
  ASSERT_TRUE(verified.ok()) << verified.error().message;
  EXPECT_EQ(verified->subject, "sample-id");
  EXPECT_EQ(verified->username, "sampleUser");
  EXPECT_EQ(verified->claims, (std::vector<std::string>{"sample_lane", "can_read_process_model"}));
  EXPECT_EQ(verified->issued_at, now);
  EXPECT_EQ(verified->expires_at, now + 8 * 3600);
}

TEST_F(TokenServiceTest, HeaderNamesHs256AndPayloadCarriesRegisteredClaims) {
  auto issued = tokens_.issue(sample_user());
  ASSERT_TRUE(issued.ok());
  auto parts = split_token(issued->token);
  ASSERT_EQ(parts.size(), 3u);
  auto header = base64url_decode(parts[0]);
  EXPECT_NE(header.find(R"("alg":"HS256")"), std::string::npos) << header;
  auto payload = base64url_decode(parts[1]);
  for (const char* field : {R"("iss":"processhost-test")", R"("sub":"sample-id")", R"("iat":)", R"("exp":)",
                            R"("claims":["sample_lane","can_read_process_model"])"}) {
    EXPECT_NE(payload.find(field), std::string::npos) << field << " in " << payload;
  }
}

TEST_F(TokenServiceTest, RefusesTamperedPayload) {
  auto issued = tokens_.issue(sample_user());
  ASSERT_TRUE(issued.ok());
  auto parts = split_token(issued->token);
  auto payload = base64url_decode(parts[1]);
  auto lane = payload.find("sample_lane");
  ASSERT_NE(lane, std::string::npos);
  payload.replace(lane, 11, "can_manage_process_instances");
  expect_refused(parts[0] + "." + base64url_encode(payload) + "." + parts[2], "signature");
}

TEST_F(TokenServiceTest, RefusesTamperedSignature) {
  auto issued = tokens_.issue(sample_user());
  ASSERT_TRUE(issued.ok());
  auto parts = split_token(issued->token);
  parts[2][0] = parts[2][0] == 'A' ? 'B' : 'A';
  expect_refused(parts[0] + "." + parts[1] + "." + parts[2], "signature");
}

TEST_F(TokenServiceTest, RefusesAlgNoneWithAndWithoutSignature) {
  auto unsigned_token = forge(JWT_ALG_NONE, "", valid_grants());
  expect_refused(unsigned_token, "malformed");
  // The same with a signature segment that libjwt never checks for "none".
  auto header = base64url_encode(R"({"alg":"none","typ":"JWT"})");
  auto payload = base64url_encode(valid_grants());
  expect_refused(header + "." + payload + ".c2lnbmF0dXJl", "");
}

TEST_F(TokenServiceTest, RefusesAnotherAlgorithmEvenWithTheRightSecret) {
  expect_refused(forge(JWT_ALG_HS512, kSecret, valid_grants()), "HS256");
  expect_refused(forge(JWT_ALG_HS384, kSecret, valid_grants()), "HS256");
}

TEST_F(TokenServiceTest, RefusesHeaderThatClaimsAnAsymmetricAlgorithm) {
  auto good = split_token(forge(JWT_ALG_HS256, kSecret, valid_grants()));
  auto header = base64url_encode(R"({"alg":"RS256","typ":"JWT"})");
  expect_refused(header + "." + good[1] + "." + good[2], "");
}

TEST_F(TokenServiceTest, RefusesExpiredTokenAfterLeeway) {
  auto issued = tokens_.issue(sample_user());
  ASSERT_TRUE(issued.ok());
  clock_.now += std::chrono::hours(8) + std::chrono::seconds(29);
  EXPECT_TRUE(tokens_.verify(issued->token).ok()) << "within the 30 s leeway";
  clock_.now += std::chrono::seconds(1);
  expect_refused(issued->token, "expired");
}

TEST_F(TokenServiceTest, RefusesTokenIssuedInTheFuture) {
  ManualClock future;
  future.now = clock_.now + std::chrono::minutes(5);
  TokenService ahead(settings(), future.function());
  auto issued = ahead.issue(sample_user());
  ASSERT_TRUE(issued.ok());
  expect_refused(issued->token, "not valid yet");
}

TEST_F(TokenServiceTest, RefusesWrongIssuer) {
  TokenService foreign(settings("someone-else"), clock_.function());
  auto issued = foreign.issue(sample_user());
  ASSERT_TRUE(issued.ok());
  expect_refused(issued->token, "issued by this host");
}

TEST_F(TokenServiceTest, RefusesWrongSecret) {
  TokenService foreign(settings(kIssuer, kOtherSecret), clock_.function());
  auto issued = foreign.issue(sample_user());
  ASSERT_TRUE(issued.ok());
  expect_refused(issued->token, "signature");
}

TEST_F(TokenServiceTest, AcceptsPreviousSecretUntilItIsRemoved) {
  TokenService old_key(settings(kIssuer, kOtherSecret), clock_.function());
  auto issued = old_key.issue(sample_user());
  ASSERT_TRUE(issued.ok());
  auto rotated_settings = settings();
  rotated_settings.previous_secrets = {kOtherSecret};
  TokenService rotated(rotated_settings, clock_.function());
  EXPECT_TRUE(rotated.verify(issued->token).ok());
  expect_refused(issued->token, "signature");
}

TEST_F(TokenServiceTest, RefusesGarbage) {
  for (const std::string token : {"", "garbage", "a.b", "a.b.c", "a..c", "...", "eyJ.eyJ.abc.def",
                                  "ZHVtbXlfdG9rZW4=", "eyJhbGciOiJIUzI1NiJ9.e30.!!!"}) {
    expect_refused(token, "");
  }
  expect_refused(std::string(kMaxTokenBytes + 1, 'a'), "malformed");
}

TEST_F(TokenServiceTest, RefusesSignedTokensWithMissingOrBadFields) {
  auto now = std::chrono::duration_cast<std::chrono::seconds>(clock_.now.time_since_epoch()).count();
  auto base = R"({"iss":")" + std::string(kIssuer) + R"(","iat":)" + std::to_string(now);
  expect_refused(forge(JWT_ALG_HS256, kSecret, base + R"(,"sub":"u"})"), "expiry");
  expect_refused(forge(JWT_ALG_HS256, kSecret, base + R"(,"exp":"later","sub":"u"})"), "expiry");
  expect_refused(forge(JWT_ALG_HS256, kSecret, base + R"(,"exp":)" + std::to_string(now + 60) + "}"), "subject");
  expect_refused(forge(JWT_ALG_HS256, kSecret,
                       base + R"(,"exp":)" + std::to_string(now + 60) + R"(,"sub":"u","claims":"sample_lane"})"),
                 "claims");
  expect_refused(
      forge(JWT_ALG_HS256, kSecret, base + R"(,"exp":)" + std::to_string(now + 60) + R"(,"sub":"u","claims":[1]})"),
      "claims");
}

TEST_F(TokenServiceTest, ForgedTokenWithTheRightSecretAndFieldsVerifies) {
  // The control for the cases above: only the field under test makes them fail.
  auto verified = tokens_.verify(forge(JWT_ALG_HS256, kSecret, valid_grants()));
  ASSERT_TRUE(verified.ok()) << verified.error().message;
  EXPECT_EQ(verified->claims, std::vector<std::string>{"sample_lane"});
}

}  // namespace
}  // namespace processhost::plugins::iam
