#pragma once
// The users who may log in: read once from a JSON file (usersFile), immutable afterwards.
//
//   {"users": [{"username": "sampleUser", "userId": "sampleUser",
//               "passwordHash": "$argon2id$v=19$...", "claims": ["sample_lane"]}]}

#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace processhost::plugins::iam {

struct User {
  std::string username;
  std::string user_id;  // the token's "sub"; defaults to the username
  std::string password_hash;
  std::vector<std::string> claims;
};

// Immutable after construction, so safe to read from any thread.
class UserDirectory {
 public:
  // Control plane. Throw std::invalid_argument naming the file (source) and the entry
  // that is wrong: unreadable file, bad JSON, missing or duplicate names, a plain
  // "password" field, a hash that is not Argon2id, claims that are not strings.
  static UserDirectory load(const std::filesystem::path& file);
  static UserDirectory parse(std::string_view json_text, const std::string& source);

  // Null when no such user. Names compare exactly (case-sensitive).
  const User* find(std::string_view username) const;
  std::size_t size() const { return users_.size(); }
  const std::map<std::string, User, std::less<>>& users() const { return users_; }

 private:
  std::map<std::string, User, std::less<>> users_;
};

}  // namespace processhost::plugins::iam
