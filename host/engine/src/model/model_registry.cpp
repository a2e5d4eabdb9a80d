#include "model/model_registry.hpp"

#include <algorithm>

namespace processhost::engine {

void ModelRegistry::add(std::shared_ptr<const ProcessModel> model, const Added& then, std::int64_t deployed_at_ms) {
  std::lock_guard lock(mutex_);
  versions_[model->id][model->hash] = model;
  latest_[model->id] = model;
  auto& latest_time = latest_deployed_at_ms_[model->id];
  latest_time = std::max(latest_time, deployed_at_ms);
  latest_generation_[model->id] = ++generation_;
  if (then) then(model, latest_time);
}

bool ModelRegistry::add_stored(std::shared_ptr<const ProcessModel> model, std::int64_t deployed_at_ms,
                               const Added& then) {
  std::lock_guard lock(mutex_);
  versions_[model->id][model->hash] = model;
  auto known = latest_deployed_at_ms_.find(model->id);
  if (latest_.count(model->id) && known != latest_deployed_at_ms_.end() && known->second >= deployed_at_ms) {
    return false;
  }
  latest_[model->id] = model;
  latest_deployed_at_ms_[model->id] = deployed_at_ms;
  latest_generation_[model->id] = ++generation_;
  if (then) then(model, deployed_at_ms);
  return true;
}

bool ModelRegistry::is_later(const std::string& id, std::int64_t deployed_at_ms) const {
  std::lock_guard lock(mutex_);
  if (!latest_.count(id)) return true;
  auto known = latest_deployed_at_ms_.find(id);
  return known == latest_deployed_at_ms_.end() || known->second < deployed_at_ms;
}

void ModelRegistry::add_version(std::shared_ptr<const ProcessModel> model) {
  std::lock_guard lock(mutex_);
  versions_[model->id][model->hash] = model;
}

void ModelRegistry::withdraw(const std::string& id) {
  std::lock_guard lock(mutex_);
  latest_.erase(id);
  latest_generation_[id] = ++generation_;
}

std::uint64_t ModelRegistry::generation() const {
  std::lock_guard lock(mutex_);
  return generation_;
}

ModelRegistry::Agreement ModelRegistry::agree_with_store(const std::string& id,
                                                         std::shared_ptr<const ProcessModel> stored_latest,
                                                         std::int64_t deployed_at_ms, std::uint64_t read_at,
                                                         const Added& then) {
  std::lock_guard lock(mutex_);
  if (auto changed = latest_generation_.find(id); changed != latest_generation_.end() && changed->second > read_at) {
    return Agreement::unchanged;
  }
  auto current = latest_.find(id);
  if (!stored_latest) {
    if (current == latest_.end()) return Agreement::unchanged;
    latest_.erase(current);
    latest_generation_[id] = ++generation_;
    return Agreement::withdrawn;
  }
  versions_[id][stored_latest->hash] = stored_latest;
  if (current != latest_.end() && current->second->hash == stored_latest->hash) {
    latest_deployed_at_ms_[id] = deployed_at_ms;
    return Agreement::unchanged;
  }
  latest_[id] = stored_latest;
  latest_deployed_at_ms_[id] = deployed_at_ms;
  latest_generation_[id] = ++generation_;
  if (then) then(stored_latest, deployed_at_ms);
  return Agreement::replaced;
}

std::vector<std::string> ModelRegistry::latest_ids() const {
  std::lock_guard lock(mutex_);
  std::vector<std::string> ids;
  for (const auto& [id, model] : latest_) ids.push_back(id);
  return ids;
}

std::shared_ptr<const ProcessModel> ModelRegistry::latest(const std::string& id) const {
  std::lock_guard lock(mutex_);
  auto found = latest_.find(id);
  return found == latest_.end() ? nullptr : found->second;
}

std::shared_ptr<const ProcessModel> ModelRegistry::version(const std::string& id, const std::string& hash) const {
  std::lock_guard lock(mutex_);
  auto found = versions_.find(id);
  if (found == versions_.end()) return nullptr;
  auto version = found->second.find(hash);
  return version == found->second.end() ? nullptr : version->second;
}

bool ModelRegistry::has_single_version(const std::string& id) const {
  std::lock_guard lock(mutex_);
  auto found = versions_.find(id);
  return found != versions_.end() && found->second.size() == 1;
}

std::vector<std::shared_ptr<const ProcessModel>> ModelRegistry::latest_models() const {
  std::lock_guard lock(mutex_);
  std::vector<std::shared_ptr<const ProcessModel>> models;
  for (const auto& [id, model] : latest_) models.push_back(model);
  return models;
}

}  // namespace processhost::engine
