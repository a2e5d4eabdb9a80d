# PROCESSHOST_FUZZ=ON builds the libFuzzer targets of tests/fuzz (./run fuzz, in build-fuzz/
# only). Everything compiled in that tree gets libFuzzer's coverage hooks and ASan+UBSan.
# UBSan stays recoverable here only so that its suppressions (third-party code,
# tests/fuzz/ubsan.supp) work; the targets set halt_on_error, so any other report is a crash.
# Only the targets link libFuzzer's main (tests/fuzz/CMakeLists.txt).
option(PROCESSHOST_FUZZ "Build the libFuzzer targets of tests/fuzz (clang only)" OFF)

if(PROCESSHOST_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "PROCESSHOST_FUZZ=ON needs clang: configure with -DCMAKE_CXX_COMPILER=clang++-14 "
                        "-DCMAKE_C_COMPILER=clang-14 (./run fuzz does)")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()
