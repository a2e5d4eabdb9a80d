// mimalloc settings of every executable that processhost_use_allocator() puts on mimalloc
// (cmake/ProcessHostAllocator.cmake), applied before main() so no thread allocates first.
#include <mimalloc.h>

namespace {

// mimalloc decommits freed pages 25 ms after they were freed by default: in the host, where
// I/O, store and engine threads free each other's blocks, the same pages were handed back
// and faulted in again moments later, about 25 % more host CPU per flow than glibc's malloc
// (flow_bench, docs/performance.md). With a ten-second delay pages in use are reused long
// before; what a burst left behind goes back when an idle thread calls release_free_memory()
// (processhost/free_memory.hpp), which decommits without waiting.
__attribute__((constructor)) void configure_mimalloc() {
  mi_option_set(mi_option_decommit_delay, 0);
  mi_option_set(mi_option_segment_decommit_delay, 0);
}

}  // namespace
