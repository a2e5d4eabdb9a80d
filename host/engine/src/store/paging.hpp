#pragma once
// Paging as the Consumer API defines it, for lists the engine and the memory store hold whole.

#include <cstddef>
#include <iterator>
#include <vector>

#include "processhost/services/engine.hpp"

namespace processhost::engine {

// total_count is the count before paging; offset past the end gives an empty page;
// limit 0 (or >= what remains) takes the rest.
template <class T>
PagedList<T> take_page(std::vector<T> items, PageRequest page) {
  PagedList<T> list;
  list.total_count = items.size();
  if (page.offset >= items.size()) return list;
  const std::size_t remaining = items.size() - page.offset;
  const std::size_t count = page.limit == 0 || page.limit >= remaining ? remaining : page.limit;
  if (count == items.size()) {  // the whole list: no second vector
    list.items = std::move(items);
    return list;
  }
  list.items.assign(std::make_move_iterator(items.begin() + static_cast<std::ptrdiff_t>(page.offset)),
                    std::make_move_iterator(items.begin() + static_cast<std::ptrdiff_t>(page.offset + count)));
  return list;
}

}  // namespace processhost::engine
