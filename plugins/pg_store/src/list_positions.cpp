#include "list_positions.hpp"

#include <algorithm>

namespace processhost::plugins::pg_store {

std::optional<PagePosition> find_page_position(const std::vector<CountRange>& ranges, std::uint64_t offset) {
  std::uint64_t before = 0;  // entries of the islands before the current one
  std::size_t i = 0;
  while (i < ranges.size()) {
    // The island from ranges[i]: every later range that starts within its reach.
    const std::int64_t from = ranges[i].from_second;
    std::int64_t reach = ranges[i].to_second;
    std::int64_t entries = 0;
    for (; i < ranges.size() && ranges[i].from_second <= reach; ++i) {
      reach = std::max(reach, ranges[i].to_second);
      entries += ranges[i].entries;
    }
    // An island counts its entries exactly, so never fewer than none.
    const auto counted = static_cast<std::uint64_t>(std::max<std::int64_t>(entries, 0));
    if (offset < before + counted) return PagePosition{from * 1000, offset - before};
    before += counted;
  }
  return std::nullopt;
}

}  // namespace processhost::plugins::pg_store
