// The sanitizers' defaults, built into every fuzz target so that a reproducer replayed by
// hand (fuzz_<target> crash-...) behaves exactly as in ./run fuzz. ASAN_OPTIONS and
// UBSAN_OPTIONS in the environment still override them.

extern "C" const char* __ubsan_default_options() {
  return "halt_on_error=1:print_stacktrace=1:suppressions=" PROCESSHOST_UBSAN_SUPPRESSIONS;
}

// SpiderMonkey (the script engine, libmozjs-102) keeps its objects in GC chunks it maps
// itself, which LeakSanitizer does not scan; blocks reachable only from there (compiled
// scripts, their bytecode) look leaked until the next collection frees them.
extern "C" const char* __lsan_default_suppressions() { return "leak:libmozjs-102.so\n"; }
