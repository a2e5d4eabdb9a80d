# processhost_add_plugin(NAME SOURCES...): target plugin_NAME, a MODULE library built as
# lib/processhost/plugins/NAME.so that exports only the descriptor entry symbol.
function(processhost_add_plugin name)
  set(target plugin_${name})
  add_library(${target} MODULE ${ARGN})
  target_link_libraries(${target} PRIVATE ProcessHost::sdk)
  processhost_warnings(${target})
  set_target_properties(${target} PROPERTIES
    PREFIX ""
    OUTPUT_NAME ${name}
    LIBRARY_OUTPUT_DIRECTORY ${PROCESSHOST_PLUGIN_OUTPUT_DIR}
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
  target_link_options(${target} PRIVATE
    "LINKER:--version-script=${PROCESSHOST_SDK_VERSION_SCRIPT}"
    "LINKER:--no-undefined")
  install(TARGETS ${target} LIBRARY DESTINATION ${PROCESSHOST_PLUGIN_SUBDIR})
endfunction()
