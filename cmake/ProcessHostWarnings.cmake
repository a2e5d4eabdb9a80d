# Warnings are errors on our own code only; third-party headers are included as SYSTEM.
# The fuzz build (clang, PROCESSHOST_FUZZ) keeps warnings that only clang knows as warnings:
# the gate for those is the normal g++ build, not the fuzzer's.
function(processhost_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Werror)
  if(PROCESSHOST_FUZZ)
    # ambiguous-reversed-operator: RapidJSON's iterator comparisons under C++20, not our code;
    # unknown-warning-option: pragmas naming g++'s warning groups.
    target_compile_options(${target} PRIVATE -Wno-error=unused-private-field -Wno-error=unused-lambda-capture
                                             -Wno-ambiguous-reversed-operator -Wno-unknown-warning-option)
  endif()
endfunction()
