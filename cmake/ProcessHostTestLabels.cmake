# Several labels on tests found by gtest_discover_tests.
#
# gtest_discover_tests passes its PROPERTIES through two generated scripts, and a list value
# such as LABELS "integration;postgres" comes out split: "postgres" is then read as the next
# property's name and every later property is shifted (fixtures and environment lost). Give
# gtest_discover_tests single-valued properties only and set the labels here: this script
# runs after the discovered tests' own file and labels every test in its TEST_LIST.
function(processhost_label_discovered_tests target)
  set(labels ${ARGN})
  set(script "${CMAKE_CURRENT_BINARY_DIR}/${target}_labels.cmake")
  file(WRITE "${script}"
    "if(DEFINED ${target}_TESTS)\n"
    "  set_tests_properties(\${${target}_TESTS} PROPERTIES LABELS \"${labels}\")\n"
    "endif()\n")
  set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES "${script}")
endfunction()
