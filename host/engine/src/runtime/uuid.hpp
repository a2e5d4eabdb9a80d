#pragma once
// Ids of instances, flow node instances, tasks, timers and correlations. They travel in
// URLs and act as capabilities (knowing a task's id is half of finishing it), so they
// must not be predictable from ids seen before.

#include <string>

namespace processhost::engine {

// A random UUID v4 in the canonical lower-case form (8-4-4-4-12 hex digits), its 122
// random bits from libsodium's CSPRNG (randombytes_buf, read in per-thread blocks).
// Thread-safe and fork-safe. Throws std::runtime_error only when libsodium cannot be
// initialised.
std::string make_uuid();

}  // namespace processhost::engine
