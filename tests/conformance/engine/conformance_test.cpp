// One gtest per conformance case of the corpus (../shared/conformance by default,
// PROCESSHOST_CONFORMANCE_DIR overrides). Cases listed in expected_failures.json with a
// reason are skipped when they fail and reported when they pass.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

#include "case_runner.hpp"
#include "processhost/json.hpp"

namespace processhost::conformance {
namespace {

struct Corpus {
  std::filesystem::path directory;
  bool present = false;
  rapidjson::Document cases;
  std::vector<std::string> names;
  std::map<std::string, std::string> expected_failures;  // case name -> reason
};

std::string read_all(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

const Corpus& corpus() {
  static const Corpus loaded = [] {
    Corpus result;
    const char* overridden = std::getenv("PROCESSHOST_CONFORMANCE_DIR");
    result.directory = overridden && *overridden ? overridden : PROCESSHOST_CONFORMANCE_DEFAULT_DIR;
    const auto cases_file = result.directory / "cases.json";
    result.present = std::filesystem::exists(cases_file);
    if (!result.present) return result;
    if (auto error = json_parse(read_all(cases_file), result.cases); error || !result.cases.IsArray()) {
      std::cerr << "conformance: " << cases_file << " is not a JSON array of cases\n";
      result.present = false;
      return result;
    }
    for (const auto& item : result.cases.GetArray()) result.names.push_back(item["name"].GetString());
    rapidjson::Document xfail;
    if (!json_parse(read_all(PROCESSHOST_CONFORMANCE_XFAIL_FILE), xfail) && xfail.IsObject()) {
      for (const auto& entry : xfail.GetObject()) {
        result.expected_failures[entry.name.GetString()] = entry.value.GetString();
      }
    }
    return result;
  }();
  return loaded;
}

std::atomic<int> passed{0};
std::atomic<int> failed{0};
std::atomic<int> expected_to_fail{0};

class Summary : public ::testing::Environment {
 public:
  void TearDown() override {
    if (!corpus().present) return;
    std::cout << "conformance: " << passed << " passed, " << failed << " failed, " << expected_to_fail
              << " expected-to-fail" << std::endl;
  }
};

const auto* const summary = ::testing::AddGlobalTestEnvironment(new Summary);

class Conformance : public ::testing::TestWithParam<std::string> {};

TEST_P(Conformance, Case) {
  const auto& all = corpus();
  const rapidjson::Value* test_case = nullptr;
  for (const auto& item : all.cases.GetArray()) {
    if (GetParam() == item["name"].GetString()) test_case = &item;
  }
  ASSERT_NE(test_case, nullptr);
  std::string failure;
  try {
    CaseRunner runner(all.directory, *test_case);
    runner.run();
  } catch (const std::exception& error) {
    failure = error.what();
  }
  const auto xfail = all.expected_failures.find(GetParam());
  if (xfail != all.expected_failures.end()) {
    if (failure.empty()) {
      ++failed;
      FAIL() << "case passes but is listed in expected_failures.json (" << xfail->second << "); remove it there";
    }
    ++expected_to_fail;
    GTEST_SKIP() << "expected to fail: " << xfail->second << "\n  failure: " << failure;
  }
  if (!failure.empty()) {
    ++failed;
    FAIL() << failure;
  }
  ++passed;
}

std::vector<std::string> case_names() {
  if (!corpus().present) return {};
  return corpus().names;
}

INSTANTIATE_TEST_SUITE_P(Corpus, Conformance, ::testing::ValuesIn(case_names()),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(Conformance);

TEST(ConformanceCorpus, IsPresent) {
  if (!corpus().present) {
    GTEST_SKIP() << "conformance corpus not found at " << corpus().directory
                 << " (cases.json missing); set PROCESSHOST_CONFORMANCE_DIR to run the suite";
  }
  EXPECT_FALSE(corpus().names.empty());
}

}  // namespace
}  // namespace processhost::conformance
