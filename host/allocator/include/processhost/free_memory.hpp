#pragma once
// Gives the memory the calling thread freed back to the system. Allocators keep freed pages
// for reuse, per thread (mimalloc) or per arena (glibc); a thread that idles after a burst of
// large requests would otherwise keep that peak forever. Long-lived threads call this when
// they have found no work for a while (the engine's workers, the HTTP server's threads).
// Works with whatever malloc the process has: mimalloc when the executable runs on it
// (looked up at run time, so libraries need not link it), glibc's malloc_trim otherwise.
namespace processhost {

void release_free_memory() noexcept;

}  // namespace processhost
