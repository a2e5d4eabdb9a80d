// The conformance runner of one mode (PROCESSHOST_CONFORMANCE_MODE: "engine" or "http"):
//   conformance_<mode> --case NAME    runs one case; ctest runs each case this way
//   conformance_<mode> --all          runs every case, ends with "N passed, M failed"
//   conformance_<mode> --check-corpus fails when the corpus is missing
// Exit status 0 only when what was asked ran and passed: a missing corpus, an unknown case
// name or a failed step is a failure, never a skip.
#include <exception>
#include <iostream>
#include <string>

#include "case_runner.hpp"
#include "case_target_factory.hpp"
#include "corpus.hpp"

namespace {

using processhost::conformance::CaseRunner;
using processhost::conformance::Corpus;

constexpr const char* kMode = PROCESSHOST_CONFORMANCE_MODE;

// Runs one case; prints its failure. True when it passed.
bool run_case(const Corpus& corpus, const rapidjson::Value& test_case) {
  const std::string name = test_case["name"].GetString();
  try {
    auto target = processhost::conformance::make_case_target(corpus, test_case);
    CaseRunner(test_case, *target).run();
    std::cout << "conformance " << kMode << " " << name << ": passed" << std::endl;
    return true;
  } catch (const std::exception& failure) {
    std::cout << "conformance " << kMode << " " << name << ": FAILED: " << failure.what() << std::endl;
    return false;
  }
}

int usage() {
  std::cerr << "usage: conformance_" << kMode << " [--corpus DIR] --case NAME | --all | --check-corpus\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  // "--corpus DIR" first runs the cases of another corpus of the same layout: our own cases
  // (tests/conformance/own) beside the original engine's.
  std::string directory = PROCESSHOST_CONFORMANCE_DEFAULT_DIR;
  bool own_corpus = false;
  if (argc > 2 && std::string(argv[1]) == "--corpus") {
    directory = argv[2];
    own_corpus = true;
    argv += 2;
    argc -= 2;
  }
  const std::string command = argc > 1 ? argv[1] : "";
  if (command.empty() || (command == "--case" && argc != 3)) return usage();
  Corpus corpus;
  try {
    corpus = own_corpus ? processhost::conformance::load_corpus_at(directory)
                        : processhost::conformance::load_corpus(directory);
  } catch (const std::exception& missing) {
    std::cerr << "conformance " << kMode << ": " << missing.what() << std::endl;
    return 1;
  }
  if (command == "--check-corpus") {
    std::cout << "conformance corpus " << corpus.directory << ": " << corpus.cases.Size() << " cases" << std::endl;
    return 0;
  }
  if (command == "--case") {
    const auto* test_case = corpus.find(argv[2]);
    if (!test_case) {
      std::cerr << "conformance " << kMode << ": no case named '" << argv[2] << "' in " << corpus.directory
                << std::endl;
      return 1;
    }
    return run_case(corpus, *test_case) ? 0 : 1;
  }
  if (command != "--all") return usage();
  int passed = 0;
  int failed = 0;
  for (const auto& test_case : corpus.cases.GetArray()) ++(run_case(corpus, test_case) ? passed : failed);
  std::cout << "conformance " << kMode << ": " << passed << " passed, " << failed << " failed" << std::endl;
  return failed == 0 ? 0 : 1;
}
