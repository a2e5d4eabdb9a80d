#include "identity_provider.hpp"

#include <gtest/gtest.h>

#include "iam_test_support.hpp"

namespace processhost::plugins::iam {
namespace {

using namespace testing;

class IdentityProviderTest : public ::testing::Test {
 protected:
  std::string token() {
    auto issued = tokens_.issue(sample_user());
    EXPECT_TRUE(issued.ok());
    return issued->token;
  }
  void expect_unauthorized(const IdentityService& service, std::string_view header) {
    auto result = service.authenticate(header);
    ASSERT_FALSE(result.ok()) << "accepted: " << header;
    EXPECT_EQ(result.error().status, ErrorStatus::unauthorized);
    EXPECT_EQ(result.error().http_status(), 401);
  }

  ManualClock clock_;
  TokenService tokens_{settings(), clock_.function()};
  IdentityProvider provider_{tokens_, false};
};

TEST_F(IdentityProviderTest, BearerTokenBecomesIdentityWithTheTokensClaims) {
  auto raw = token();
  auto identity = provider_.authenticate("Bearer " + raw);
  ASSERT_TRUE(identity.ok()) << identity.error().message;
  EXPECT_EQ(identity->user_id, "sample-id");
  EXPECT_EQ(identity->token, raw);
  EXPECT_FALSE(identity->super_user);
  EXPECT_TRUE(identity->has_claim("sample_lane"));
  EXPECT_TRUE(identity->has_claim(claims::kReadProcessModel));
  EXPECT_FALSE(identity->has_claim(claims::kManageProcessInstances));
  EXPECT_FALSE(identity->has_claim("other_lane"));
}

TEST_F(IdentityProviderTest, SchemeIsCaseInsensitiveAndSpacesAreTolerated) {
  auto raw = token();
  for (const std::string& header : {"bearer " + raw, "BEARER " + raw, "  Bearer   " + raw + "  ", "Bearer\t" + raw}) {
    EXPECT_TRUE(provider_.authenticate(header).ok()) << header;
  }
}

TEST_F(IdentityProviderTest, RefusesMissingOrOtherScheme) {
  auto raw = token();
  expect_unauthorized(provider_, "");
  expect_unauthorized(provider_, "   ");
  expect_unauthorized(provider_, "Bearer");
  expect_unauthorized(provider_, "Bearer   ");
  expect_unauthorized(provider_, raw);
  expect_unauthorized(provider_, "Basic " + raw);
  expect_unauthorized(provider_, "Bearerx " + raw);
  EXPECT_EQ(provider_.authenticate("").error().message, "No auth token provided!");
}

TEST_F(IdentityProviderTest, RefusesEveryBadToken) {
  auto parts = split_token(token());
  auto tampered_signature = parts[2];
  tampered_signature[0] = tampered_signature[0] == 'A' ? 'B' : 'A';
  expect_unauthorized(provider_, "Bearer " + parts[0] + "." + parts[1] + "." + tampered_signature);
  expect_unauthorized(provider_, "Bearer " + parts[0] + "." + base64url_encode(R"({"sub":"admin"})") + "." + parts[2]);
  expect_unauthorized(provider_, "Bearer " + base64url_encode(R"({"alg":"none"})") + "." + parts[1] + ".");
  expect_unauthorized(provider_, "Bearer garbage");

  TokenService wrong_secret(settings(kIssuer, kOtherSecret), clock_.function());
  expect_unauthorized(provider_, "Bearer " + wrong_secret.issue(sample_user())->token);
  TokenService wrong_issuer(settings("elsewhere"), clock_.function());
  expect_unauthorized(provider_, "Bearer " + wrong_issuer.issue(sample_user())->token);

  auto raw = token();
  clock_.now += std::chrono::hours(9);
  expect_unauthorized(provider_, "Bearer " + raw);
}

TEST_F(IdentityProviderTest, GodTokenOnlyWhenAllowed) {
  expect_unauthorized(provider_, "Bearer ZHVtbXlfdG9rZW4=");

  IdentityProvider permissive(tokens_, true);
  auto identity = permissive.authenticate("Bearer ZHVtbXlfdG9rZW4=");
  ASSERT_TRUE(identity.ok());
  EXPECT_EQ(identity->user_id, "dummy_token");
  EXPECT_TRUE(identity->super_user);
  EXPECT_TRUE(identity->has_claim("any_lane"));
  // Allowing the god token does not loosen anything else.
  expect_unauthorized(permissive, "Bearer ZHVtbXlfdG9rZW4");
  expect_unauthorized(permissive, "ZHVtbXlfdG9rZW4=");
}

}  // namespace
}  // namespace processhost::plugins::iam
