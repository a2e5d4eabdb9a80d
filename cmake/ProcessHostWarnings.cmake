# Warnings are errors on our own code only; third-party headers are included as SYSTEM.
function(processhost_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Werror)
endfunction()
