#pragma once
// Camunda 7's view of the stored process definitions. ProcessHost versions a model by the
// content hash of its document; Camunda clients expect a version number per key and ids of
// the form "key:version:suffix". A model's versions are numbered 1, 2, ... in the order
// they were deployed, so a number never changes once given; a definition id carries the
// first 16 hex digits of the content hash, and a deployment id is the whole hash (one BPMN
// document per deployment).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "processhost/services/store.hpp"

namespace processhost::plugins::camunda_rest {

struct DefinitionVersion {
  std::string key;  // the BPMN process id
  int version = 0;  // 1 for the first deployed document of the key
  std::string hash;
  std::int64_t deployed_at_ms = 0;
  std::string xml;
  bool latest = false;  // the highest version of its key

  std::string id() const;             // "key:version:hash16"
  std::string deployment_id() const;  // the content hash
};

// Numbers the versions of each key by deployment time (then hash, for equal times); the
// result is ordered by key, then version.
std::vector<DefinitionVersion> number_versions(std::vector<ProcessDefinitionRecord> records);

// The version with that definition id, deployment id, or the latest of a key.
const DefinitionVersion* find_by_id(const std::vector<DefinitionVersion>& versions, std::string_view id);
const DefinitionVersion* find_by_deployment(const std::vector<DefinitionVersion>& versions,
                                            std::string_view deployment_id);
const DefinitionVersion* find_latest(const std::vector<DefinitionVersion>& versions, std::string_view key);
const DefinitionVersion* find_by_hash(const std::vector<DefinitionVersion>& versions, std::string_view key,
                                      std::string_view hash);

}  // namespace processhost::plugins::camunda_rest
