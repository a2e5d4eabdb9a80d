#pragma once
// Where a page deep in a long list starts, from the kept counts per range of seconds (schema
// migration 11, kept_counts.hpp): without it, OFFSET n skips n index entries (half a million
// for the middle of a million: 40 - 90 ms), with it the page is a seek to the second its
// first entry was created in plus a skip of at most about a thousand entries.
//
// Each count row counts the list's entries created within its range of seconds
// [from, to]; rows of one second and folded ranges may overlap (an entry of an old second
// changed after its second was folded). Overlapping rows are joined into islands: every
// entry created within an island is counted by rows of that island, and by no other, so the
// islands' sums taken in order say exactly how many entries come before each island.

#include <cstdint>
#include <optional>
#include <vector>

namespace processhost::plugins::pg_store {

// One row of "SELECT bucket_from, bucket_to, sum(n) ... ORDER BY bucket_from, bucket_to".
struct CountRange {
  std::int64_t from_second = 0;
  std::int64_t to_second = 0;
  std::int64_t entries = 0;
};

// A page's start: the entries created at or after from_ms, of which skip come first.
struct PagePosition {
  std::int64_t from_ms = 0;
  std::uint64_t skip = 0;
};

// The start of the entry at offset (0-based) of the list the ranges count (ordered by
// from_second); nullopt when the ranges count no more than offset entries.
std::optional<PagePosition> find_page_position(const std::vector<CountRange>& ranges, std::uint64_t offset);

}  // namespace processhost::plugins::pg_store
