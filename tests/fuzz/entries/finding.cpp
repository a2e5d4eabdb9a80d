#include <cstdio>
#include <cstdlib>

#include "fuzz_entries.hpp"

namespace processhost::fuzz {

void finding(const std::string& what) {
  std::fprintf(stderr, "fuzz finding: %s\n", what.c_str());
  std::abort();
}

}  // namespace processhost::fuzz
