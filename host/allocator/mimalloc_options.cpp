// mimalloc settings of every executable that processhost_use_allocator() puts on mimalloc
// (cmake/ProcessHostAllocator.cmake), applied before main() so no thread allocates first.
#include <mimalloc.h>

namespace {

// Freed pages are decommitted at once instead of after mimalloc's delays. With a delay, a
// thread that idles after a burst keeps the pages it freed committed until its next
// allocation, which may never come; at once, and with release_free_memory() on idle
// threads (processhost/free_memory.hpp), the host returns to its idle size after a burst.
// mimalloc's default (25 ms) once cost about 25 % more host CPU per flow on a quiet machine;
// delay 0 showed no cost beyond the noise of alternated runs (docs/performance.md,
// "Memory given back").
__attribute__((constructor)) void configure_mimalloc() {
  mi_option_set(mi_option_decommit_delay, 0);
  mi_option_set(mi_option_segment_decommit_delay, 0);
}

}  // namespace
