# Install rules of the SDK package (component "sdk"): headers, the client library, the
# CMake files that make find_package(ProcessHost) work out of tree.
#   cmake --install build --prefix /opt/processhost --component sdk
include(CMakePackageConfigHelpers)

if(NOT TARGET processhost_sdk)
  return()
endif()

set(PROCESSHOST_CMAKE_INSTALL_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/ProcessHost)
# The linker version script is installed with the SDK headers.
set(PROCESSHOST_VERSION_SCRIPT_INSTALL_PATH ${CMAKE_INSTALL_INCLUDEDIR}/processhost/plugin.version)

set_target_properties(processhost_sdk PROPERTIES EXPORT_NAME sdk)
install(TARGETS processhost_sdk EXPORT ProcessHostTargets COMPONENT sdk)
install(EXPORT ProcessHostTargets NAMESPACE ProcessHost:: DESTINATION ${PROCESSHOST_CMAKE_INSTALL_DIR} COMPONENT sdk)

configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/ProcessHostConfig.cmake.in
  ${CMAKE_BINARY_DIR}/cmake/ProcessHostConfig.cmake
  INSTALL_DESTINATION ${PROCESSHOST_CMAKE_INSTALL_DIR}
  PATH_VARS PROCESSHOST_VERSION_SCRIPT_INSTALL_PATH)
write_basic_package_version_file(${CMAKE_BINARY_DIR}/cmake/ProcessHostConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES
    ${CMAKE_BINARY_DIR}/cmake/ProcessHostConfig.cmake
    ${CMAKE_BINARY_DIR}/cmake/ProcessHostConfigVersion.cmake
    ${CMAKE_CURRENT_LIST_DIR}/ProcessHostPlugin.cmake
    ${CMAKE_CURRENT_LIST_DIR}/ProcessHostWarnings.cmake
  DESTINATION ${PROCESSHOST_CMAKE_INSTALL_DIR} COMPONENT sdk)
