#include "list_bookmarks.hpp"

#include <algorithm>
#include <utility>

namespace processhost::plugins::pg_store {

std::vector<ChangedRow> changed_rows(const ChangeSet& changes) {
  std::vector<ChangedRow> rows;
  rows.reserve(1 + changes.flow_node_instances.size());
  const auto& instance = changes.instance;
  rows.push_back({ListTable::instances, instance.created_at_ms, instance.process_model_id, instance.id,
                  instance.correlation_id, instance.owner_user_id});
  for (const auto& node : changes.flow_node_instances) {
    rows.push_back({ListTable::flow_nodes, node.created_at_ms, node.process_model_id, node.process_instance_id,
                    node.correlation_id, node.owner_user_id});
  }
  return rows;
}

ListBookmarks::ListBookmarks(std::size_t max_lists, std::size_t per_list, std::size_t max_skip)
    : max_lists_(std::max<std::size_t>(max_lists, 1)), per_list_(std::max<std::size_t>(per_list, 1)),
      max_skip_(max_skip) {}

void ListBookmarks::set_enabled(bool enabled) {
  std::lock_guard lock(mutex_);
  enabled_ = enabled;
  if (!enabled) entries_.clear();
}

bool ListBookmarks::meets(const ListScope& scope, const ChangedRow& row) {
  if (scope.table != row.table) return false;
  const auto differs = [](const std::optional<std::string>& filter, const std::string& value) {
    return filter && *filter != value;
  };
  return !(differs(scope.process_model_id, row.process_model_id) ||
           differs(scope.process_instance_id, row.process_instance_id) ||
           differs(scope.correlation_id, row.correlation_id) || differs(scope.owner_user_id, row.owner_user_id));
}

std::optional<std::int64_t> ListBookmarks::earliest_pending(const ListScope& scope) const {
  std::optional<std::int64_t> earliest;
  for (const auto& [id, change] : pending_) {
    for (const auto& row : change.rows) {
      if (meets(scope, row) && (!earliest || row.created_at_ms < *earliest)) earliest = row.created_at_ms;
    }
  }
  return earliest;
}

std::optional<ListBookmarks::Bookmark> ListBookmarks::find(const std::string& list, const ListScope& scope,
                                                           std::size_t offset, Ticket& ticket) {
  std::lock_guard lock(mutex_);
  ticket = {};
  if (!enabled_) return std::nullopt;
  auto found = entries_.find(list);
  if (found == entries_.end()) {
    if (entries_.size() >= max_lists_) {
      const auto oldest = std::min_element(entries_.begin(), entries_.end(), [](const auto& a, const auto& b) {
        return a.second.last_use < b.second.last_use;
      });
      entries_.erase(oldest);
    }
    Entry entry;
    entry.scope = scope;
    entry.serial = next_serial_++;
    found = entries_.emplace(list, std::move(entry)).first;
  }
  auto& entry = found->second;
  entry.last_use = ++clock_;
  ticket = {list, entry.serial, entry.generation};
  if (offset == 0) return std::nullopt;
  auto bookmark = entry.bookmarks.upper_bound(offset);  // the first past offset
  if (bookmark == entry.bookmarks.begin()) return std::nullopt;
  --bookmark;
  if (offset - bookmark->first > max_skip_) return std::nullopt;
  if (const auto pending = earliest_pending(entry.scope); pending && *pending <= bookmark->second.created_at_ms) {
    return std::nullopt;
  }
  ++seeks_;
  return Bookmark{bookmark->first, bookmark->second};
}

void ListBookmarks::remember(const Ticket& ticket, std::size_t position, RowKey key) {
  std::lock_guard lock(mutex_);
  if (!enabled_ || ticket.entry == 0) return;
  const auto found = entries_.find(ticket.list);
  if (found == entries_.end()) return;
  auto& entry = found->second;
  // Anything that may have touched the list since the ticket was taken: the page may have
  // been read before or after it, so its last key says nothing sure.
  if (entry.serial != ticket.entry || entry.generation != ticket.generation) return;
  if (const auto pending = earliest_pending(entry.scope); pending && *pending <= key.created_at_ms) return;
  entry.bookmarks[position] = std::move(key);
  while (entry.bookmarks.size() > per_list_) entry.bookmarks.erase(entry.bookmarks.begin());
}

void ListBookmarks::apply(const Change& change) {
  for (auto& [list, entry] : entries_) {
    std::optional<std::int64_t> earliest;
    for (const auto& row : change.rows) {
      if (meets(entry.scope, row) && (!earliest || row.created_at_ms < *earliest)) earliest = row.created_at_ms;
    }
    if (!earliest) continue;
    ++entry.generation;
    for (auto it = entry.bookmarks.begin(); it != entry.bookmarks.end();) {
      it = it->second.created_at_ms >= *earliest ? entry.bookmarks.erase(it) : std::next(it);
    }
  }
}

std::uint64_t ListBookmarks::begin_change(std::vector<ChangedRow> rows) {
  std::lock_guard lock(mutex_);
  const auto id = next_change_++;
  Change change{std::move(rows)};
  apply(change);
  pending_.emplace(id, std::move(change));
  return id;
}

void ListBookmarks::end_change(std::uint64_t change) {
  std::lock_guard lock(mutex_);
  const auto found = pending_.find(change);
  if (found == pending_.end()) return;
  apply(found->second);
  pending_.erase(found);
}

void ListBookmarks::forget_all() {
  std::lock_guard lock(mutex_);
  for (auto& [list, entry] : entries_) {
    ++entry.generation;
    entry.bookmarks.clear();
  }
}

std::uint64_t ListBookmarks::seeks() const {
  std::lock_guard lock(mutex_);
  return seeks_;
}

std::size_t ListBookmarks::lists() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

}  // namespace processhost::plugins::pg_store
