#pragma once
// The deployed process models: every version by id and content hash, and the latest version
// of each id. A running instance keeps the version it started with, so versions are never
// removed; a deleted model only loses its latest version. With several hosts on one store
// (docs/cluster.md) the latest version is the one deployed last by the store's deployment
// times, whichever host deployed it.
//
// Threading: every member is safe from any thread (one mutex, held only for map access).

#include <cstdint>
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
  // The model that became the latest, and its deployment time in the store (0: not known),
  // which every host sharing the store agrees on.
  using Added = std::function<void(const std::shared_ptr<const ProcessModel>&, std::int64_t deployed_at_ms)>;
  // Adds model as a version of its id and makes it the latest. then (optional) runs under the
  // registry's lock, so what follows a registration (cron schedules) keeps its order.
  // deployed_at_ms: the store's deployment time, if known (0: not known).
  void add(std::shared_ptr<const ProcessModel> model, const Added& then = {}, std::int64_t deployed_at_ms = 0);
  // A stored deployment (read from the store, possibly another host's): a version of its id,
  // and the latest (then runs) only when deployed after the latest this registry knows.
  // Returns whether it became the latest.
  bool add_stored(std::shared_ptr<const ProcessModel> model, std::int64_t deployed_at_ms, const Added& then = {});
  // Whether a stored deployment of id at deployed_at_ms would become the latest.
  bool is_later(const std::string& id, std::int64_t deployed_at_ms) const;
  // A version that instances of a deleted model still run: found by version(), never latest.
  void add_version(std::shared_ptr<const ProcessModel> model);
  // The model is deleted: latest(id) is null from now on; its versions stay for its instances.
  void withdraw(const std::string& id);

  // Counts the changes of latest versions (add, add_stored, withdraw, agree_with_store).
  std::uint64_t generation() const;
  enum class Agreement { unchanged, replaced, withdrawn };
  // The store's latest version of id is stored_latest (null: the store has no deployed
  // version, the model was deleted), as the store was read when this registry was at
  // generation read_at. The registry takes it, unless its own latest of id changed after
  // read_at (a deployment here that the read may not have seen). then runs (under the lock)
  // when stored_latest became the latest.
  Agreement agree_with_store(const std::string& id, std::shared_ptr<const ProcessModel> stored_latest,
                             std::int64_t deployed_at_ms, std::uint64_t read_at, const Added& then = {});
  std::vector<std::string> latest_ids() const;
  // Null when unknown.
  std::shared_ptr<const ProcessModel> latest(const std::string& id) const;
  std::shared_ptr<const ProcessModel> version(const std::string& id, const std::string& hash) const;
  std::vector<std::shared_ptr<const ProcessModel>> latest_models() const;
  bool has_single_version(const std::string& id) const;

 private:
  mutable std::mutex mutex_;
  std::map<std::string, std::shared_ptr<const ProcessModel>> latest_;
  std::map<std::string, std::int64_t> latest_deployed_at_ms_;
  std::uint64_t generation_ = 0;
  std::map<std::string, std::uint64_t> latest_generation_;  // when each id's latest last changed
  std::map<std::string, std::map<std::string, std::shared_ptr<const ProcessModel>>> versions_;
};

}  // namespace processhost::engine
