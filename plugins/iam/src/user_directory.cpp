#include "user_directory.hpp"

#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>

#include "password_hasher.hpp"
#include "processhost/json.hpp"

namespace processhost::plugins::iam {
namespace {

[[noreturn]] void fail(const std::string& source, const std::string& message) {
  throw std::invalid_argument("users file '" + source + "': " + message);
}

std::string entry_name(std::size_t index, const std::string& username) {
  return "users[" + std::to_string(index) + "]" + (username.empty() ? "" : " ('" + username + "')");
}

User parse_user(const rapidjson::Value& entry, std::size_t index, const std::string& source) {
  if (!entry.IsObject()) fail(source, entry_name(index, "") + " must be an object");
  User user;
  auto username = entry.FindMember("username");
  if (username == entry.MemberEnd() || !username->value.IsString() || username->value.GetStringLength() == 0) {
    fail(source, entry_name(index, "") + " needs a non-empty string 'username'");
  }
  user.username.assign(username->value.GetString(), username->value.GetStringLength());
  const auto where = entry_name(index, user.username);

  if (entry.HasMember("password")) {
    fail(source,
         where + " has a plain 'password'; store 'passwordHash' instead (processhost-hash-password prints one)");
  }
  auto hash = entry.FindMember("passwordHash");
  if (hash == entry.MemberEnd() || !hash->value.IsString()) fail(source, where + " needs a string 'passwordHash'");
  user.password_hash.assign(hash->value.GetString(), hash->value.GetStringLength());
  if (!PasswordHasher::is_valid_hash(user.password_hash)) {
    fail(source, where + ": 'passwordHash' is not an Argon2id hash (processhost-hash-password prints one)");
  }

  user.user_id = user.username;
  auto user_id = entry.FindMember("userId");
  if (user_id != entry.MemberEnd()) {
    if (!user_id->value.IsString() || user_id->value.GetStringLength() == 0) {
      fail(source, where + ": 'userId' must be a non-empty string");
    }
    user.user_id.assign(user_id->value.GetString(), user_id->value.GetStringLength());
  }

  auto claims = entry.FindMember("claims");
  if (claims != entry.MemberEnd()) {
    if (!claims->value.IsArray()) fail(source, where + ": 'claims' must be an array of strings");
    for (const auto& claim : claims->value.GetArray()) {
      if (!claim.IsString() || claim.GetStringLength() == 0) {
        fail(source, where + ": 'claims' must be an array of non-empty strings");
      }
      user.claims.emplace_back(claim.GetString(), claim.GetStringLength());
    }
  }
  return user;
}

}  // namespace

UserDirectory UserDirectory::load(const std::filesystem::path& file) {
  std::ifstream stream(file, std::ios::binary);
  if (!stream) fail(file.string(), "cannot be read (set the iam plugin's 'usersFile')");
  std::ostringstream content;
  content << stream.rdbuf();
  return parse(content.str(), file.string());
}

UserDirectory UserDirectory::parse(std::string_view json_text, const std::string& source) {
  rapidjson::Document document;
  if (auto error = json_parse(json_text, document)) fail(source, "invalid JSON: " + error->message);
  if (!document.IsObject()) fail(source, "the root must be an object {\"users\": [...]}");
  const rapidjson::Value& root = document;
  auto users = root.FindMember("users");
  if (users == root.MemberEnd() || !users->value.IsArray()) fail(source, "needs an array 'users'");

  UserDirectory directory;
  std::set<std::string> user_ids;
  std::size_t index = 0;
  for (const auto& entry : users->value.GetArray()) {
    User user = parse_user(entry, index, source);
    if (directory.users_.contains(user.username)) {
      fail(source, entry_name(index, user.username) + ": the username appears twice");
    }
    if (!user_ids.insert(user.user_id).second) {
      fail(source, entry_name(index, user.username) + ": the userId '" + user.user_id + "' appears twice");
    }
    directory.users_.emplace(user.username, std::move(user));
    ++index;
  }
  return directory;
}

const User* UserDirectory::find(std::string_view username) const {
  auto found = users_.find(username);
  return found == users_.end() ? nullptr : &found->second;
}

}  // namespace processhost::plugins::iam
