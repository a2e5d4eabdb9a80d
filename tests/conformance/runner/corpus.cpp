#include "corpus.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "processhost/json.hpp"

namespace processhost::conformance {

const rapidjson::Value* Corpus::find(std::string_view name) const {
  for (const auto& item : cases.GetArray()) {
    if (name == item["name"].GetString()) return &item;
  }
  return nullptr;
}

std::string read_text_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

Corpus load_corpus(const std::filesystem::path& default_directory) {
  const char* overridden = std::getenv("PROCESSHOST_CONFORMANCE_DIR");
  return load_corpus_at(overridden && *overridden ? std::filesystem::path(overridden) : default_directory);
}

Corpus load_corpus_at(const std::filesystem::path& directory) {
  Corpus corpus;
  corpus.directory = directory;
  const auto cases_file = corpus.directory / "cases.json";
  if (!std::filesystem::is_regular_file(cases_file)) {
    throw std::runtime_error("the conformance corpus is missing: no " + cases_file.string() +
                             ". It lives in ../shared/conformance beside the checkout; point "
                             "PROCESSHOST_CONFORMANCE_DIR at a copy of it and configure again.");
  }
  const auto error = json_parse(read_text_file(cases_file), corpus.cases);
  bool named = !error && corpus.cases.IsArray() && !corpus.cases.Empty();
  if (named) {
    for (const auto& item : corpus.cases.GetArray()) {
      named = named && item.IsObject() && item.HasMember("name") && item["name"].IsString();
    }
  }
  if (!named) throw std::runtime_error(cases_file.string() + " is not a non-empty JSON array of named cases");
  return corpus;
}

}  // namespace processhost::conformance
