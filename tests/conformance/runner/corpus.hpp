#pragma once
// The conformance corpus (cases.json and bpmn/, kept outside this repository): where it is,
// and its cases.

#include <filesystem>
#include <string>
#include <string_view>

#include <rapidjson/document.h>

namespace processhost::conformance {

struct Corpus {
  std::filesystem::path directory;
  rapidjson::Document cases;  // an array of case objects

  // The case of that name, or null.
  const rapidjson::Value* find(std::string_view name) const;
};

// Loads the corpus from $PROCESSHOST_CONFORMANCE_DIR, else from default_directory (the one
// found when the build was configured). Throws std::runtime_error naming the folder and how
// to point at the corpus when cases.json is missing or is not an array of named cases.
Corpus load_corpus(const std::filesystem::path& default_directory);
// Loads the corpus in directory, whatever the environment says (our own cases).
Corpus load_corpus_at(const std::filesystem::path& directory);

// The whole file; throws std::runtime_error when it cannot be read.
std::string read_text_file(const std::filesystem::path& path);

}  // namespace processhost::conformance
