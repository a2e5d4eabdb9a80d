# List-valued properties (several labels, several fixtures) on tests found by
# gtest_discover_tests.
#
# gtest_discover_tests passes its PROPERTIES through two generated scripts, and a list value
# such as LABELS "integration;postgres" comes out split: "postgres" is then read as the next
# property's name and every later property is shifted (fixtures and environment lost). Give
# gtest_discover_tests single-valued properties only and set list values here: this script
# runs after the discovered tests' own file and sets the property on every test in its
# TEST_LIST. tools/check_discovered_test_properties.py (a ctest test) finds list values
# given to gtest_discover_tests itself.
#   processhost_discovered_tests_property(target LABELS integration postgres)
function(processhost_discovered_tests_property target property)
  set(values ${ARGN})
  set(script "${CMAKE_CURRENT_BINARY_DIR}/${target}_${property}.cmake")
  file(WRITE "${script}"
    "if(DEFINED ${target}_TESTS)\n"
    "  set_tests_properties(\${${target}_TESTS} PROPERTIES ${property} \"${values}\")\n"
    "endif()\n")
  set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES "${script}")
endfunction()
