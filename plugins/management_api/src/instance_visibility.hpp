#pragma once
// Whose instances a Management API caller sees, the original's rule: every instance with
// can_manage_process_instances, otherwise only the instances it started (another user's
// instance is 404, as if it did not exist). Correlations, instance lists, an instance's flow
// nodes, tokens, token histories and logs all follow it. docs/api.md, "Who sees which instances".

#include <optional>
#include <string>

#include "processhost/services/identity.hpp"

namespace processhost::plugins::management_api {

// The owner a query must be narrowed to; nullopt: every instance.
inline std::optional<std::string> visible_owner(const Identity& identity) {
  if (identity.has_claim(claims::kManageProcessInstances)) return std::nullopt;
  return identity.user_id;
}

inline bool may_see(const Identity& identity, const std::string& owner_user_id) {
  const auto owner = visible_owner(identity);
  return !owner || *owner == owner_user_id;
}

}  // namespace processhost::plugins::management_api
