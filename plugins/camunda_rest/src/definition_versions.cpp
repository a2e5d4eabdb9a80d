#include "definition_versions.hpp"

#include <algorithm>
#include <tuple>
#include <utility>

namespace processhost::plugins::camunda_rest {
namespace {

constexpr std::size_t kIdHashDigits = 16;

}  // namespace

std::string DefinitionVersion::id() const {
  return key + ":" + std::to_string(version) + ":" + hash.substr(0, kIdHashDigits);
}

std::string DefinitionVersion::deployment_id() const { return hash; }

std::vector<DefinitionVersion> number_versions(std::vector<ProcessDefinitionRecord> records) {
  std::sort(records.begin(), records.end(), [](const auto& a, const auto& b) {
    return std::tie(a.process_model_id, a.deployed_at_ms, a.hash) <
           std::tie(b.process_model_id, b.deployed_at_ms, b.hash);
  });
  std::vector<DefinitionVersion> versions;
  versions.reserve(records.size());
  for (auto& record : records) {
    const bool same_key = !versions.empty() && versions.back().key == record.process_model_id;
    if (same_key) versions.back().latest = false;
    versions.push_back({std::move(record.process_model_id), same_key ? versions.back().version + 1 : 1,
                        std::move(record.hash), record.deployed_at_ms, std::move(record.xml), true});
  }
  return versions;
}

const DefinitionVersion* find_by_id(const std::vector<DefinitionVersion>& versions, std::string_view id) {
  for (const auto& version : versions) {
    if (version.id() == id) return &version;
  }
  return nullptr;
}

const DefinitionVersion* find_by_deployment(const std::vector<DefinitionVersion>& versions,
                                            std::string_view deployment_id) {
  for (const auto& version : versions) {
    if (version.deployment_id() == deployment_id) return &version;
  }
  return nullptr;
}

const DefinitionVersion* find_latest(const std::vector<DefinitionVersion>& versions, std::string_view key) {
  for (const auto& version : versions) {
    if (version.key == key && version.latest) return &version;
  }
  return nullptr;
}

const DefinitionVersion* find_by_hash(const std::vector<DefinitionVersion>& versions, std::string_view key,
                                      std::string_view hash) {
  for (const auto& version : versions) {
    if (version.key == key && version.hash == hash) return &version;
  }
  return nullptr;
}

}  // namespace processhost::plugins::camunda_rest
