// processhost-hash-password as an operator runs it: password on stdin, hash on stdout.

#include <sodium.h>

#include <array>
#include <cstdio>
#include <string>

#include <gtest/gtest.h>
#include <sys/wait.h>

namespace {

struct Run {
  int exit_code = -1;
  std::string output;
};

Run run(const std::string& shell_command) {
  Run result;
  FILE* pipe = ::popen((shell_command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return result;
  std::array<char, 512> buffer{};
  while (std::fgets(buffer.data(), buffer.size(), pipe) != nullptr) result.output += buffer.data();
  int status = ::pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

const std::string kTool = PROCESSHOST_HASH_PASSWORD_TOOL;

TEST(HashPasswordToolTest, PrintsAnArgon2idHashOfTheFirstStdinLine) {
  auto result = run("printf 'pass\\nignored\\n' | " + kTool + " --ops-limit 1 --mem-limit 8192");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  ASSERT_FALSE(result.output.empty());
  std::string hash = result.output.substr(0, result.output.find('\n'));
  EXPECT_TRUE(hash.starts_with("$argon2id$v=19$m=8,t=1,p=1$")) << hash;
  ASSERT_GE(sodium_init(), 0);
  EXPECT_EQ(crypto_pwhash_str_verify(hash.c_str(), "pass", 4), 0);
  EXPECT_NE(crypto_pwhash_str_verify(hash.c_str(), "ignored", 7), 0);
}

TEST(HashPasswordToolTest, DefaultsToInteractiveLimits) {
  auto result = run("printf 'pass\\n' | " + kTool);
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_TRUE(result.output.starts_with("$argon2id$v=19$m=65536,t=2,p=1$")) << result.output;
}

TEST(HashPasswordToolTest, NeverTakesThePasswordFromTheCommandLine) {
  auto result = run("printf '' | " + kTool + " pass");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.output.find("unexpected argument"), std::string::npos) << result.output;
  EXPECT_EQ(result.output.find("$argon2id$"), std::string::npos);
}

TEST(HashPasswordToolTest, RefusesAnEmptyPassword) {
  auto empty_line = run("printf '\\n' | " + kTool);
  EXPECT_EQ(empty_line.exit_code, 1);
  EXPECT_NE(empty_line.output.find("empty"), std::string::npos) << empty_line.output;
  auto no_input = run(kTool + " < /dev/null");
  EXPECT_EQ(no_input.exit_code, 1);
  EXPECT_NE(no_input.output.find("no password"), std::string::npos) << no_input.output;
}

}  // namespace
