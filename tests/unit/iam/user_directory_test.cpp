#include "user_directory.hpp"

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "iam_test_support.hpp"
#include "password_hasher.hpp"

namespace processhost::plugins::iam {
namespace {

class UserDirectoryTest : public ::testing::Test {
 protected:
  std::string user_json(const std::string& fields) {
    return R"({"users":[{"username":"sampleUser","passwordHash":")" + hash_ + "\"" + fields + "}]}";
  }
  void expect_error(const std::string& json, std::string_view message_part) {
    try {
      UserDirectory::parse(json, "users.json");
      FAIL() << "accepted: " << json;
    } catch (const std::invalid_argument& error) {
      std::string message = error.what();
      EXPECT_NE(message.find("users.json"), std::string::npos) << message;
      EXPECT_NE(message.find(message_part), std::string::npos) << message;
    }
  }

  PasswordHasher hasher_{testing::fast_limits()};
  std::string hash_ = hasher_.hash("pass");
};

TEST_F(UserDirectoryTest, ParsesUsersWithClaims) {
  auto directory = UserDirectory::parse(
      user_json(R"(,"userId":"u-1","claims":["sample_lane","can_read_process_model"])"), "users.json");
  ASSERT_EQ(directory.size(), 1u);
  const User* user = directory.find("sampleUser");
  ASSERT_NE(user, nullptr);
  EXPECT_EQ(user->user_id, "u-1");
  EXPECT_EQ(user->password_hash, hash_);
  EXPECT_EQ(user->claims, (std::vector<std::string>{"sample_lane", "can_read_process_model"}));
  EXPECT_EQ(directory.find("sampleuser"), nullptr) << "names are case-sensitive";
  EXPECT_EQ(directory.find("nobody"), nullptr);
}

TEST_F(UserDirectoryTest, UserIdDefaultsToUsernameAndClaimsToNone) {
  auto directory = UserDirectory::parse(user_json(""), "users.json");
  const User* user = directory.find("sampleUser");
  ASSERT_NE(user, nullptr);
  EXPECT_EQ(user->user_id, "sampleUser");
  EXPECT_TRUE(user->claims.empty());
}

TEST_F(UserDirectoryTest, ReportsEachKindOfMistake) {
  expect_error("{", "invalid JSON");
  expect_error("[]", "root must be an object");
  expect_error(R"({"people":[]})", "'users'");
  expect_error(R"({"users":[1]})", "users[0] must be an object");
  expect_error(R"({"users":[{"passwordHash":")" + hash_ + "\"}]}", "'username'");
  expect_error(R"({"users":[{"username":"a","password":"pass"}]})", "plain 'password'");
  expect_error(R"({"users":[{"username":"a"}]})", "'passwordHash'");
  expect_error(R"({"users":[{"username":"a","passwordHash":"pass"}]})", "not an Argon2id hash");
  expect_error(user_json(R"(,"claims":"sample_lane")"), "'claims' must be an array");
  expect_error(user_json(R"(,"claims":[1])"), "'claims' must be an array");
  expect_error(user_json(R"(,"userId":"")"), "'userId'");
  expect_error(R"({"users":[{"username":"a","passwordHash":")" + hash_ + R"("},{"username":"a","passwordHash":")" +
                   hash_ + "\"}]}",
               "users[1] ('a'): the username appears twice");
  expect_error(R"({"users":[{"username":"a","passwordHash":")" + hash_ +
                   R"("},{"username":"b","userId":"a","passwordHash":")" + hash_ + "\"}]}",
               "userId 'a' appears twice");
}

TEST_F(UserDirectoryTest, LoadNamesAMissingFile) {
  auto missing = std::filesystem::temp_directory_path() / "processhost-iam-no-such-users.json";
  try {
    UserDirectory::load(missing);
    FAIL();
  } catch (const std::invalid_argument& error) {
    EXPECT_NE(std::string(error.what()).find(missing.string()), std::string::npos) << error.what();
  }
}

TEST_F(UserDirectoryTest, LoadReadsAFile) {
  auto path =
      std::filesystem::temp_directory_path() / ("processhost-iam-users-" + std::to_string(::getpid()) + ".json");
  std::ofstream(path) << user_json(R"(,"claims":["sample_lane"])");
  auto directory = UserDirectory::load(path);
  std::filesystem::remove(path);
  ASSERT_NE(directory.find("sampleUser"), nullptr);
  EXPECT_EQ(directory.find("sampleUser")->claims, std::vector<std::string>{"sample_lane"});
}

}  // namespace
}  // namespace processhost::plugins::iam
