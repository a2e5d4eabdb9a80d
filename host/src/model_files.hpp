#pragma once
// What became of each BPMN file the config's processModels names. A bad model never stops
// the host: the engine node deploys every file it can, logs every problem of those it
// cannot, and records both here; GET /host/process_models shows the record, and
// --check-config checks the files the same way without starting anything.

#include <filesystem>
#include <mutex>
#include <string>
#include <vector>

namespace processhost::host {

struct ModelProblemInfo {
  std::string element_id;  // empty when the problem concerns the whole document
  std::string message;
};

struct ModelFileOutcome {
  std::filesystem::path file;
  bool deployed = false;
  std::string id;    // when deployed
  std::string hash;  // when deployed
  std::vector<ModelProblemInfo> problems;  // when not deployed: every one, at least one
};

// Thread-safe: written by the engine node at start, read by HTTP I/O threads.
class ModelFileReport {
 public:
  void add(ModelFileOutcome outcome);
  std::vector<ModelFileOutcome> outcomes() const;
  // {"processModels":[{"file","state":"deployed","id","hash"} | {"file","state":"failed","problems":[{"elementId","message"}]}]}
  std::string to_json() const;

 private:
  mutable std::mutex mutex_;
  std::vector<ModelFileOutcome> outcomes_;
};

// The problems deploying file would report (unreadable file, invalid XML, unsupported
// elements, scripts that do not compile), found without an engine; empty when it deploys.
std::vector<ModelProblemInfo> check_model_file(const std::filesystem::path& file);
// The problems in an engine error's additionalInformation (a JSON array of
// {"elementId","message"}), or the error's message alone when it carries none.
std::vector<ModelProblemInfo> problems_of(const std::string& message, const std::string& additional_information);
// "'Element': message", or the message alone.
std::string describe(const ModelProblemInfo& problem);

}  // namespace processhost::host
