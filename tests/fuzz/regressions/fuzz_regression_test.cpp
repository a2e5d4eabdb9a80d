// Reproducers of fuzz findings and the seed corpora, fed to the fuzz targets' entry points.
// A reproducer's outcome must be the clean, specific answer written beside it (.expected);
// before its fix the same input crashed, hung or broke an invariant.

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "fuzz_entries.hpp"

namespace processhost::fuzz {
namespace {

namespace fs = std::filesystem;
using Entry = std::function<std::string(std::string_view)>;

const std::map<std::string, Entry>& entries() {
  static const std::map<std::string, Entry> kEntries = {
      {"consumer_api", consumer_api_request}, {"bpmn", bpmn_document},      {"http", http_stream},
      {"token", authorization_header},        {"host_config", host_config}, {"timer", timer_text},
      {"multipart", multipart_form}};
  return kEntries;
}

std::string read_file(const fs::path& file) {
  std::ifstream stream(file, std::ios::binary);
  std::ostringstream text;
  text << stream.rdbuf();
  return text.str();
}

struct Case {
  std::string target;
  fs::path input;
};

void PrintTo(const Case& value, std::ostream* out) { *out << value.input.string(); }

// Every file under root/<target>/ but the .expected ones, sorted.
std::vector<Case> cases_under(const fs::path& root) {
  std::vector<Case> cases;
  for (const auto& [target, entry] : entries()) {
    if (!fs::is_directory(root / target)) continue;
    for (const auto& file : fs::directory_iterator(root / target)) {
      if (file.path().extension() != ".expected") cases.push_back({target, file.path()});
    }
  }
  std::sort(cases.begin(), cases.end(), [](const Case& a, const Case& b) { return a.input < b.input; });
  return cases;
}

std::string case_name(const ::testing::TestParamInfo<Case>& info) {
  std::string name = info.param.target + "_" + info.param.input.filename().string();
  std::replace_if(
      name.begin(), name.end(), [](char c) { return !std::isalnum(static_cast<unsigned char>(c)); }, '_');
  return name;
}

class Reproducer : public ::testing::TestWithParam<Case> {};

TEST_P(Reproducer, GivesItsExpectedOutcome) {
  const auto& [target, input] = GetParam();
  fs::path expected_file = input;
  expected_file += ".expected";
  ASSERT_TRUE(fs::is_regular_file(expected_file)) << "no " << expected_file;
  std::string expected = read_file(expected_file);
  while (!expected.empty() && expected.back() == '\n') expected.pop_back();
  EXPECT_EQ(entries().at(target)(read_file(input)), expected) << input;
}

INSTANTIATE_TEST_SUITE_P(Fuzz, Reproducer, ::testing::ValuesIn(cases_under(PROCESSHOST_FUZZ_REGRESSIONS)), case_name);

class Seed : public ::testing::TestWithParam<Case> {};

// The seeds are real inputs: each runs cleanly, and each Consumer API seed reaches a route
// and is served (a seed that stops matching a route would no longer steer the fuzzer).
TEST_P(Seed, RunsCleanly) {
  const auto& [target, input] = GetParam();
  const std::string outcome = entries().at(target)(read_file(input));
  EXPECT_FALSE(outcome.empty());
  if (target == "consumer_api") {
    EXPECT_NE(outcome, "no route") << input;
    EXPECT_EQ(outcome[0], '2') << input << ": " << outcome;
  }
}

INSTANTIATE_TEST_SUITE_P(Fuzz, Seed, ::testing::ValuesIn(cases_under(PROCESSHOST_FUZZ_CORPUS)), case_name);

}  // namespace
}  // namespace processhost::fuzz
