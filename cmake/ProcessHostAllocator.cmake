# The process-wide allocator of the host process and of programs measured like it.
#
# PROCESSHOST_ALLOCATOR=mimalloc (default) links mimalloc (Debian: libmimalloc-dev) into the
# executables given to processhost_use_allocator(); =system keeps glibc's malloc.
# mimalloc's shared library overrides malloc/free/new/delete for the whole process (plugins
# loaded later included) when the executable itself needs it, so it is linked as a direct,
# always-kept dependency ahead of libc. Asking for mimalloc without it installed fails
# configure.
set(PROCESSHOST_ALLOCATOR "mimalloc" CACHE STRING "process allocator of the host executables: mimalloc or system")
set_property(CACHE PROCESSHOST_ALLOCATOR PROPERTY STRINGS mimalloc system)

if(NOT PROCESSHOST_ALLOCATOR MATCHES "^(mimalloc|system)$")
  message(FATAL_ERROR "PROCESSHOST_ALLOCATOR must be 'mimalloc' or 'system', not '${PROCESSHOST_ALLOCATOR}'")
endif()

if(PROCESSHOST_ALLOCATOR STREQUAL "mimalloc" AND NOT TARGET ProcessHost::allocator)
  find_package(PkgConfig QUIET)
  if(PkgConfig_FOUND)
    pkg_check_modules(PROCESSHOST_MIMALLOC QUIET IMPORTED_TARGET mimalloc)
  endif()
  add_library(processhost_allocator INTERFACE)
  add_library(ProcessHost::allocator ALIAS processhost_allocator)
  if(PROCESSHOST_MIMALLOC_FOUND)
    set(_processhost_mimalloc_libs ${PROCESSHOST_MIMALLOC_LINK_LIBRARIES})
    target_include_directories(processhost_allocator SYSTEM INTERFACE ${PROCESSHOST_MIMALLOC_INCLUDE_DIRS})
  else()
    # Debian's libmimalloc-dev ships no .pc file: the library and header are found directly.
    find_library(PROCESSHOST_MIMALLOC_LIBRARY NAMES mimalloc)
    find_path(PROCESSHOST_MIMALLOC_INCLUDE_DIR NAMES mimalloc.h)
    if(NOT PROCESSHOST_MIMALLOC_LIBRARY OR NOT PROCESSHOST_MIMALLOC_INCLUDE_DIR)
      message(FATAL_ERROR
        "PROCESSHOST_ALLOCATOR=mimalloc but mimalloc was not found (pkg-config 'mimalloc' or "
        "libmimalloc.so + mimalloc.h). Install libmimalloc-dev, or configure with "
        "-DPROCESSHOST_ALLOCATOR=system to keep the C library's malloc.")
    endif()
    set(_processhost_mimalloc_libs ${PROCESSHOST_MIMALLOC_LIBRARY})
    target_include_directories(processhost_allocator SYSTEM INTERFACE ${PROCESSHOST_MIMALLOC_INCLUDE_DIR})
  endif()
  # --no-as-needed: the executable references no mimalloc symbol, so an --as-needed link
  # would drop the library and leave glibc's malloc in place.
  target_link_libraries(processhost_allocator INTERFACE
    "-Wl,--push-state,--no-as-needed" ${_processhost_mimalloc_libs} "-Wl,--pop-state")
  target_compile_definitions(processhost_allocator INTERFACE PROCESSHOST_ALLOCATOR_MIMALLOC=1)
  # The process's mimalloc options, compiled into each executable that uses it.
  target_sources(processhost_allocator INTERFACE ${CMAKE_CURRENT_LIST_DIR}/../host/allocator/mimalloc_options.cpp)
  message(STATUS "Process allocator: mimalloc (${_processhost_mimalloc_libs})")
elseif(PROCESSHOST_ALLOCATOR STREQUAL "system")
  message(STATUS "Process allocator: system malloc")
endif()

# processhost_use_allocator(target): makes the executable `target` run on the configured
# allocator. One call per executable; libraries and plugins need nothing (they use whatever
# malloc the process has).
function(processhost_use_allocator target)
  get_target_property(_type ${target} TYPE)
  if(NOT _type STREQUAL "EXECUTABLE")
    message(FATAL_ERROR "processhost_use_allocator(${target}): only executables choose the process allocator")
  endif()
  if(PROCESSHOST_ALLOCATOR STREQUAL "mimalloc")
    target_link_libraries(${target} PRIVATE ProcessHost::allocator)
  endif()
endfunction()
