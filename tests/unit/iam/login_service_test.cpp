#include "login_service.hpp"

#include <gtest/gtest.h>

#include "iam_test_support.hpp"
#include "processhost/json.hpp"

namespace processhost::plugins::iam {
namespace {

using namespace testing;

class LoginServiceTest : public ::testing::Test {
 protected:
  LoginServiceTest() {
    users_ = UserDirectory::parse(R"({"users":[{"username":"sampleUser","userId":"u-1","passwordHash":")" +
                                      hasher_.hash("pass") + R"(","claims":["sample_lane"]}]})",
                                  "users.json");
  }

  ManualClock clock_;
  PasswordHasher hasher_{fast_limits()};
  UserDirectory users_;
  TokenService tokens_{settings(), clock_.function()};
  LoginService logins_{users_, hasher_, tokens_};
};

TEST_F(LoginServiceTest, RightPasswordGivesAVerifiableToken) {
  auto result = logins_.login({"sampleUser", "pass"});
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(result->user_id, "u-1");
  auto verified = tokens_.verify(result->token.token);
  ASSERT_TRUE(verified.ok());
  EXPECT_EQ(verified->subject, "u-1");
  EXPECT_EQ(verified->claims, std::vector<std::string>{"sample_lane"});
}

TEST_F(LoginServiceTest, WrongPasswordAndUnknownUserGetTheSameAnswer) {
  auto wrong_password = logins_.login({"sampleUser", "wrong"});
  auto unknown_user = logins_.login({"nobody", "pass"});
  ASSERT_FALSE(wrong_password.ok());
  ASSERT_FALSE(unknown_user.ok());
  EXPECT_EQ(wrong_password.error().status, ErrorStatus::unauthorized);
  EXPECT_EQ(unknown_user.error().status, ErrorStatus::unauthorized);
  EXPECT_EQ(wrong_password.error().message, "Invalid username or password.");
  EXPECT_EQ(unknown_user.error().message, wrong_password.error().message);
}

// docs/security.md: an unknown user costs as much as a wrong password. Each login runs one
// Argon2id verification, and the unknown user's runs against the dummy hash, whose parameters
// (the work) are those of the user's hash.
TEST_F(LoginServiceTest, UnknownUserAndWrongPasswordCostOneVerificationWithTheSameLimits) {
  const auto* user = users_.find("sampleUser");
  ASSERT_NE(user, nullptr);
  EXPECT_FALSE(hasher_.needs_rehash(user->password_hash));
  EXPECT_EQ(argon2_parameters(user->password_hash), argon2_parameters(hasher_.dummy_hash()));

  const auto before = hasher_.verifications();
  EXPECT_FALSE(logins_.login({"nobody", "pass"}).ok());
  EXPECT_EQ(hasher_.verifications(), before + 1) << "an unknown user";
  EXPECT_FALSE(logins_.login({"sampleUser", "wrong"}).ok());
  EXPECT_EQ(hasher_.verifications(), before + 2) << "a wrong password";
  EXPECT_TRUE(logins_.login({"sampleUser", "pass"}).ok());
  EXPECT_EQ(hasher_.verifications(), before + 3) << "the right password";
}

TEST_F(LoginServiceTest, ParsesTheBodyAndNamesWhatIsWrong) {
  auto good = parse_login_request(R"({"username":"sampleUser","password":"pass"})");
  ASSERT_TRUE(good.ok());
  EXPECT_EQ(good->username, "sampleUser");
  EXPECT_EQ(good->password, "pass");

  const std::pair<std::string, std::string> bad[] = {
      {"", "not valid JSON"},
      {"{", "not valid JSON"},
      {"[]", "JSON object"},
      {R"({"password":"pass"})", "'username'"},
      {R"({"username":"sampleUser"})", "'password'"},
      {R"({"username":1,"password":"pass"})", "'username' must be a string"},
      {R"({"username":"sampleUser","password":null})", "'password' must be a string"},
      {R"({"username":"","password":"pass"})", "'username' must not be empty"},
      {R"({"username":"a\u0000b","password":"pass"})", "U+0000"},
      {R"({"username":"sampleUser","password":")" + std::string(kMaxCredentialBytes + 1, 'x') + "\"}", "longer"},
  };
  for (const auto& [body, message_part] : bad) {
    auto result = parse_login_request(body);
    ASSERT_FALSE(result.ok()) << body;
    EXPECT_EQ(result.error().status, ErrorStatus::bad_request) << body;
    EXPECT_NE(result.error().message.find(message_part), std::string::npos) << result.error().message;
  }
}

TEST_F(LoginServiceTest, ResponseJsonHasTokenUserIdAndIsoExpiry) {
  LoginResult result{IssuedToken{"a.b.c", 1'800'028'800}, "u-1"};
  rapidjson::Document document;
  ASSERT_FALSE(json_parse(login_response_json(result), document).has_value());
  EXPECT_STREQ(document["token"].GetString(), "a.b.c");
  EXPECT_STREQ(document["userId"].GetString(), "u-1");
  EXPECT_STREQ(document["expiresAt"].GetString(), "2027-01-15T16:00:00.000Z");
}

}  // namespace
}  // namespace processhost::plugins::iam
