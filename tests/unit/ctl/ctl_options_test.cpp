// processhost-ctl's command line: commands, options anywhere, values from the environment,
// and what is refused.

#include "ctl_options.hpp"

#include <map>

#include <gtest/gtest.h>

namespace processhost::ctl {
namespace {

std::map<std::string, std::string>& environment() {
  static std::map<std::string, std::string> values;
  return values;
}

const char* fake_getenv(const char* name) {
  auto found = environment().find(name);
  return found == environment().end() ? nullptr : found->second.c_str();
}

std::optional<CtlOptions> parse(std::vector<std::string> args, UsageError& error) {
  args.insert(args.begin(), "processhost-ctl");
  return parse_command_line(args, error, &fake_getenv);
}

TEST(CtlOptions, ReadsTheCommandItsArgumentsAndOptionsAnywhere) {
  environment().clear();
  UsageError error;
  auto options = parse({"--url", "http://h:9", "instances", "--state=running", "--json", "--model", "m1"}, error);
  ASSERT_TRUE(options) << error.message;
  EXPECT_EQ(options->url, "http://h:9");
  EXPECT_EQ(options->command, "instances");
  EXPECT_EQ(options->state.value(), "running");
  EXPECT_EQ(options->model.value(), "m1");
  EXPECT_TRUE(options->json);
  auto finish = parse({"finish", "pi", "c1", "fni", "--kind", "manual"}, error);
  ASSERT_TRUE(finish) << error.message;
  EXPECT_EQ(finish->arguments, (std::vector<std::string>{"pi", "c1", "fni"}));
  EXPECT_EQ(finish->kind, "manual");
  auto deploy = parse({"deploy", "a.bpmn", "b.bpmn"}, error);
  ASSERT_TRUE(deploy);
  EXPECT_EQ(deploy->arguments.size(), 2U);
}

TEST(CtlOptions, TakesTheHostAndCredentialsFromTheEnvironmentUnlessGiven) {
  environment() = {{"PROCESSHOST_URL", "http://env:1"}, {"PROCESSHOST_USER", "u"}, {"PROCESSHOST_PASSWORD", "p"},
                   {"PROCESSHOST_TOKEN", ""}};
  UsageError error;
  auto options = parse({"models"}, error);
  ASSERT_TRUE(options);
  EXPECT_EQ(options->url, "http://env:1");
  EXPECT_EQ(options->user.value(), "u");
  EXPECT_EQ(options->password.value(), "p");
  EXPECT_FALSE(options->token.has_value()) << "an empty variable is no token";
  auto given = parse({"models", "--url", "http://flag:2", "--token", "t"}, error);
  ASSERT_TRUE(given);
  EXPECT_EQ(given->url, "http://flag:2");
  EXPECT_EQ(given->token.value(), "t");
  environment().clear();
}

TEST(CtlOptions, RefusesWhatItCannotRun) {
  environment().clear();
  const struct {
    std::vector<std::string> args;
    std::string message;
  } cases[] = {
      {{}, "no command given"},
      {{"launch"}, "unknown command 'launch'"},
      {{"deploy"}, "wrong number of arguments for 'deploy'"},
      {{"terminate", "a", "b"}, "wrong number of arguments for 'terminate'"},
      {{"models", "--colour"}, "unknown option --colour"},
      {{"models", "--url"}, "--url needs a value"},
      {{"finish", "a", "b", "c", "--kind", "script"}, "--kind must be user, manual or empty"},
      {{"instances", "--limit", "0"}, "--limit must be at least 1"},
      {{"instances", "--limit", "ten"}, "--limit must be a whole number"},
  };
  for (const auto& [args, message] : cases) {
    UsageError error;
    EXPECT_FALSE(parse(args, error));
    EXPECT_EQ(error.message, message);
  }
  UsageError error;
  auto help = parse({"--help"}, error);
  ASSERT_TRUE(help);
  EXPECT_TRUE(help->help);
  EXPECT_NE(usage_text().find("Exit codes"), std::string::npos);
}

}  // namespace
}  // namespace processhost::ctl
