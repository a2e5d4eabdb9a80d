# Builds Duktape from Debian's duktape-dev source with the execution-timeout hook enabled and
# checked often.
# The Debian duk_config.h leaves DUK_USE_INTERRUPT_COUNTER and DUK_USE_EXEC_TIMEOUT_CHECK off;
# a patched copy is generated into the build tree (the source is never committed).
set(PROCESSHOST_DUKTAPE_SOURCE_DIR /usr/share/duktape CACHE PATH "Duktape source (duktape-dev)")
set(duk_out ${CMAKE_CURRENT_BINARY_DIR}/duktape)
if(NOT EXISTS ${PROCESSHOST_DUKTAPE_SOURCE_DIR}/duktape.c)
  message(FATAL_ERROR "Duktape source not found in ${PROCESSHOST_DUKTAPE_SOURCE_DIR}: install duktape-dev")
endif()
file(READ ${PROCESSHOST_DUKTAPE_SOURCE_DIR}/duk_config.h duk_config)
string(REPLACE "#undef DUK_USE_INTERRUPT_COUNTER" "#define DUK_USE_INTERRUPT_COUNTER"
       duk_config "${duk_config}")
string(REPLACE "#undef DUK_USE_EXEC_TIMEOUT_CHECK"
       "#if defined(__cplusplus)\nextern \"C\"\n#endif\nint processhost_duk_exec_timeout(void *udata);\n#define DUK_USE_EXEC_TIMEOUT_CHECK(udata) processhost_duk_exec_timeout(udata)"
       duk_config "${duk_config}")
string(FIND "${duk_config}" "processhost_duk_exec_timeout" patched)
if(patched EQUAL -1)
  message(FATAL_ERROR "could not enable DUK_USE_EXEC_TIMEOUT_CHECK in ${PROCESSHOST_DUKTAPE_SOURCE_DIR}/duk_config.h")
endif()
file(CONFIGURE OUTPUT ${duk_out}/duk_config.h CONTENT "${duk_config}" @ONLY)
# The hook runs every DUK_HTHREAD_INTCTR_DEFAULT bytecode instructions: 256K by default, so a
# loop around a heavy built-in (join, replace, sort of a large array) ran on for tens of
# seconds past the budget. The hook only reads a flag the script watchdog sets, so running it
# every 256 instructions costs next to nothing and keeps the overrun to milliseconds.
file(READ ${PROCESSHOST_DUKTAPE_SOURCE_DIR}/duktape.c duktape_c)
string(FIND "${duktape_c}" "#define DUK_HTHREAD_INTCTR_DEFAULT (256L * 1024L)" interval_found)
if(interval_found EQUAL -1)
  message(FATAL_ERROR "could not find DUK_HTHREAD_INTCTR_DEFAULT in ${PROCESSHOST_DUKTAPE_SOURCE_DIR}/duktape.c")
endif()
string(REPLACE "#define DUK_HTHREAD_INTCTR_DEFAULT (256L * 1024L)" "#define DUK_HTHREAD_INTCTR_DEFAULT 256L"
       duktape_c "${duktape_c}")
# Written beside, then copied only when it differs, so a configure does not rebuild it.
file(WRITE ${duk_out}/duktape.c.new "${duktape_c}")
configure_file(${duk_out}/duktape.c.new ${duk_out}/duktape.c COPYONLY)
configure_file(${PROCESSHOST_DUKTAPE_SOURCE_DIR}/duktape.h ${duk_out}/duktape.h COPYONLY)
