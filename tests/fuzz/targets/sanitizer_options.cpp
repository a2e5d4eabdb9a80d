// The sanitizers' defaults, built into every fuzz target so that a reproducer replayed by
// hand (fuzz_<target> crash-...) behaves exactly as in ./run fuzz. ASAN_OPTIONS and
// UBSAN_OPTIONS in the environment still override them.

extern "C" const char* __ubsan_default_options() {
  return "halt_on_error=1:print_stacktrace=1:suppressions=" PROCESSHOST_UBSAN_SUPPRESSIONS;
}
