# processhost_add_plugin(NAME [TEST_FIXTURE] SOURCES...): target plugin_NAME, a MODULE library
# built as lib/processhost/plugins/NAME.so that exports only the descriptor entry symbol.
# TEST_FIXTURE: a plugin of the test suite, built into its own binary folder and not installed.
# PROCESSHOST_PLUGIN_VERSION, the version the descriptor names, is the calling project's VERSION.
function(processhost_add_plugin name)
  cmake_parse_arguments(PARSE_ARGV 1 plugin "TEST_FIXTURE" "" "")
  set(target plugin_${name})
  add_library(${target} MODULE ${plugin_UNPARSED_ARGUMENTS})
  target_link_libraries(${target} PRIVATE ProcessHost::sdk)
  processhost_warnings(${target})
  if(PROJECT_VERSION)
    target_compile_definitions(${target} PRIVATE PROCESSHOST_PLUGIN_VERSION="${PROJECT_VERSION}")
  endif()
  set_target_properties(${target} PROPERTIES
    PREFIX ""
    OUTPUT_NAME ${name}
    LIBRARY_OUTPUT_DIRECTORY ${PROCESSHOST_PLUGIN_OUTPUT_DIR}
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
  target_link_options(${target} PRIVATE
    "LINKER:--version-script=${PROCESSHOST_SDK_VERSION_SCRIPT}"
    "LINKER:--no-undefined")
  if(plugin_TEST_FIXTURE)
    set_target_properties(${target} PROPERTIES LIBRARY_OUTPUT_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR})
  else()
    install(TARGETS ${target} LIBRARY DESTINATION ${PROCESSHOST_PLUGIN_SUBDIR})
  endif()
endfunction()
