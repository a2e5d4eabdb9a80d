// mimalloc settings of every executable that processhost_use_allocator() puts on mimalloc
// (cmake/ProcessHostAllocator.cmake), applied before main() so no thread allocates first.
#include <mimalloc.h>

namespace {

// With decommit allowed, mimalloc hands freed pages back to the kernel and faults them in
// again moments later: in the host, where I/O, store and engine threads free each other's
// blocks, that cost about 25 % more host CPU per flow than glibc's malloc (flow_bench, see
// docs/performance.md). Kept pages stay reusable; the process holds its peak instead.
__attribute__((constructor)) void configure_mimalloc() { mi_option_disable(mi_option_allow_decommit); }

}  // namespace
