#pragma once
// The deployed process models: every version by id and content hash, and the latest version
// of each id. A running instance keeps the version it started with, so versions are never
// removed; a deleted model only loses its latest version.
//
// Threading: every member is safe from any thread (one mutex, held only for map access).

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "processhost/engine/process_model.hpp"

namespace processhost::engine {

class ModelRegistry {
 public:
  using Added = std::function<void(const std::shared_ptr<const ProcessModel>&)>;
  // Adds model as a version of its id and makes it the latest. then (optional) runs under the
  // registry's lock, so what follows a registration (cron schedules) keeps its order.
  void add(std::shared_ptr<const ProcessModel> model, const Added& then = {});
  // A version that instances of a deleted model still run: found by version(), never latest.
  void add_version(std::shared_ptr<const ProcessModel> model);
  // The model is deleted: latest(id) is null from now on; its versions stay for its instances.
  void withdraw(const std::string& id);
  // Null when unknown.
  std::shared_ptr<const ProcessModel> latest(const std::string& id) const;
  std::shared_ptr<const ProcessModel> version(const std::string& id, const std::string& hash) const;
  std::vector<std::shared_ptr<const ProcessModel>> latest_models() const;
  bool has_single_version(const std::string& id) const;

 private:
  mutable std::mutex mutex_;
  std::map<std::string, std::shared_ptr<const ProcessModel>> latest_;
  std::map<std::string, std::map<std::string, std::shared_ptr<const ProcessModel>>> versions_;
};

}  // namespace processhost::engine
