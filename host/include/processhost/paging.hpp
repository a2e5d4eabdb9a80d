#pragma once
// Paging as the Consumer API defines it, shared by the engine's and the store's list calls.

#include <cstddef>
#include <vector>

namespace processhost {

// offset skips, limit 0 (or >= remaining) = all.
struct PageRequest {
  std::size_t offset = 0;
  std::size_t limit = 0;
  // false: the caller does not use total_count (the Consumer API's UserTaskList and its
  // kin report the items returned), so a store may skip counting; total_count is then at
  // least offset + items and otherwise unspecified.
  bool count_total = true;
};

template <class T>
struct PagedList {
  std::vector<T> items;
  std::size_t total_count = 0;  // matching items before paging
};

}  // namespace processhost
