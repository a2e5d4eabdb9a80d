# One ctest test per conformance case and mode: conformance.<mode>.<case>, each running
#   <runner> --case <case>
# The corpus (cases.json and bpmn/, kept outside this repository) is found anew at every
# configure, never through a stale cached path: $PROCESSHOST_CONFORMANCE_DIR when set, else
# ../shared/conformance beside the checkout. Without it the suite is one failing test that
# says where it looked: a missing corpus fails the run, it never shrinks it.
get_filename_component(processhost_conformance_repo ${CMAKE_CURRENT_LIST_DIR}/../.. ABSOLUTE)
if(DEFINED ENV{PROCESSHOST_CONFORMANCE_DIR} AND NOT "$ENV{PROCESSHOST_CONFORMANCE_DIR}" STREQUAL "")
  set(PROCESSHOST_CONFORMANCE_DIR $ENV{PROCESSHOST_CONFORMANCE_DIR})
else()
  get_filename_component(PROCESSHOST_CONFORMANCE_DIR ${processhost_conformance_repo}/../shared/conformance ABSOLUTE)
endif()

# processhost_add_conformance_cases(MODE runner_target [ctest properties...])
function(processhost_add_conformance_cases mode runner)
  target_compile_definitions(${runner} PRIVATE
    PROCESSHOST_CONFORMANCE_MODE="${mode}"
    PROCESSHOST_CONFORMANCE_DEFAULT_DIR="${PROCESSHOST_CONFORMANCE_DIR}")
  set(cases_file ${PROCESSHOST_CONFORMANCE_DIR}/cases.json)
  if(NOT EXISTS ${cases_file})
    message(WARNING "Conformance corpus not found at ${PROCESSHOST_CONFORMANCE_DIR}: "
                    "the test conformance.${mode}.corpus fails until it is there "
                    "(set PROCESSHOST_CONFORMANCE_DIR and configure again)")
    add_test(NAME conformance.${mode}.corpus COMMAND ${runner} --check-corpus)
    set_tests_properties(conformance.${mode}.corpus PROPERTIES LABELS conformance ${ARGN})
    return()
  endif()
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${cases_file})
  file(READ ${cases_file} cases_json)
  string(JSON case_count LENGTH "${cases_json}")
  math(EXPR last_case "${case_count} - 1")
  foreach(index RANGE ${last_case})
    string(JSON case_name GET "${cases_json}" ${index} name)
    add_test(NAME conformance.${mode}.${case_name} COMMAND ${runner} --case ${case_name})
    set_tests_properties(conformance.${mode}.${case_name} PROPERTIES LABELS conformance TIMEOUT 120 ${ARGN})
  endforeach()
endfunction()

# processhost_add_own_conformance_cases(MODE runner_target [ctest properties...])
# Our own cases (tests/conformance/own: cases.json and bpmn/, the same layout as the corpus):
# behaviour of the original engine that its corpus does not cover, each a ctest test
# conformance.<mode>.own.<case>.
function(processhost_add_own_conformance_cases mode runner)
  set(own_dir ${processhost_conformance_repo}/tests/conformance/own)
  set(cases_file ${own_dir}/cases.json)
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${cases_file})
  file(READ ${cases_file} cases_json)
  string(JSON case_count LENGTH "${cases_json}")
  math(EXPR last_case "${case_count} - 1")
  foreach(index RANGE ${last_case})
    string(JSON case_name GET "${cases_json}" ${index} name)
    add_test(NAME conformance.${mode}.own.${case_name} COMMAND ${runner} --corpus ${own_dir} --case ${case_name})
    set_tests_properties(conformance.${mode}.own.${case_name} PROPERTIES LABELS conformance TIMEOUT 120 ${ARGN})
  endforeach()
endfunction()
