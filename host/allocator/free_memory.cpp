#include "processhost/free_memory.hpp"

#include <dlfcn.h>
#include <malloc.h>

namespace processhost {
namespace {

using MiCollect = void (*)(bool force);

// mi_collect of the process's mimalloc, null when the process runs on glibc's malloc.
MiCollect find_mi_collect() noexcept {
  return reinterpret_cast<MiCollect>(dlsym(RTLD_DEFAULT, "mi_collect"));
}

}  // namespace

void release_free_memory() noexcept {
  static const MiCollect mi_collect = find_mi_collect();
  if (mi_collect) {
    // force: also decommit the pages mimalloc would keep for a while (decommit delay) and
    // take back blocks other threads freed into this thread's pages.
    mi_collect(true);
  } else {
    malloc_trim(0);
  }
}

}  // namespace processhost
