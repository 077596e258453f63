# Install rules: headers, CMake package files and a relocatable pkg-config file, all
# under share/ since a header-only library is architecture independent.
include(CMakePackageConfigHelpers)

set(POOLKIT_INSTALL_CMAKEDIR "${CMAKE_INSTALL_DATADIR}/cmake/poolkit"
    CACHE STRING "Where poolkitConfig.cmake is installed, relative to the prefix")
set(POOLKIT_INSTALL_PKGCONFIGDIR "${CMAKE_INSTALL_DATADIR}/pkgconfig"
    CACHE STRING "Where poolkit.pc is installed, relative to the prefix")

install(TARGETS poolkit EXPORT poolkitTargets)
install(DIRECTORY "${PROJECT_SOURCE_DIR}/include/poolkit"
        DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}")
install(EXPORT poolkitTargets NAMESPACE poolkit:: FILE poolkitTargets.cmake
        DESTINATION "${POOLKIT_INSTALL_CMAKEDIR}")
# poolkit::eigen in its own file: poolkitConfig.cmake loads it only once Eigen is found.
install(TARGETS poolkit_eigen EXPORT poolkitEigenTargets)
install(EXPORT poolkitEigenTargets NAMESPACE poolkit:: FILE poolkitEigenTargets.cmake
        DESTINATION "${POOLKIT_INSTALL_CMAKEDIR}")

# poolkit::prebuilt (POOLKIT_BUILD_PREBUILT): the only architecture-dependent part, in
# the library directory; its targets in their own file, which poolkitConfig.cmake loads
# for the `prebuilt` component.
set(_poolkit_arch_independent ARCH_INDEPENDENT)
if(TARGET poolkit_prebuilt)
  set(_poolkit_arch_independent "")
  install(TARGETS poolkit_prebuilt EXPORT poolkitPrebuiltTargets
          ARCHIVE DESTINATION "${CMAKE_INSTALL_LIBDIR}")
  install(EXPORT poolkitPrebuiltTargets NAMESPACE poolkit:: FILE poolkitPrebuiltTargets.cmake
          DESTINATION "${POOLKIT_INSTALL_CMAKEDIR}")
  export(EXPORT poolkitPrebuiltTargets NAMESPACE poolkit::
         FILE "${PROJECT_BINARY_DIR}/poolkitPrebuiltTargets.cmake")
endif()

configure_package_config_file(
  "${PROJECT_SOURCE_DIR}/cmake/poolkitConfig.cmake.in"
  "${PROJECT_BINARY_DIR}/poolkitConfig.cmake"
  INSTALL_DESTINATION "${POOLKIT_INSTALL_CMAKEDIR}")
# 0.x: minor versions may break the API, so only the same minor is compatible.
write_basic_package_version_file(
  "${PROJECT_BINARY_DIR}/poolkitConfigVersion.cmake"
  COMPATIBILITY SameMinorVersion ${_poolkit_arch_independent})
install(FILES "${PROJECT_BINARY_DIR}/poolkitConfig.cmake"
              "${PROJECT_BINARY_DIR}/poolkitConfigVersion.cmake"
        DESTINATION "${POOLKIT_INSTALL_CMAKEDIR}")

# The .pc file finds its prefix relative to its own location, so the install tree can be
# moved (cmake --install build --prefix anywhere).
file(RELATIVE_PATH POOLKIT_PC_TO_PREFIX
     "/prefix/${POOLKIT_INSTALL_PKGCONFIGDIR}" "/prefix")
string(REGEX REPLACE "/$" "" POOLKIT_PC_TO_PREFIX "${POOLKIT_PC_TO_PREFIX}")
configure_file("${PROJECT_SOURCE_DIR}/cmake/poolkit.pc.in" "${PROJECT_BINARY_DIR}/poolkit.pc" @ONLY)
install(FILES "${PROJECT_BINARY_DIR}/poolkit.pc" DESTINATION "${POOLKIT_INSTALL_PKGCONFIGDIR}")
if(TARGET poolkit_prebuilt)
  configure_file("${PROJECT_SOURCE_DIR}/cmake/poolkit-prebuilt.pc.in"
                 "${PROJECT_BINARY_DIR}/poolkit-prebuilt.pc" @ONLY)
  install(FILES "${PROJECT_BINARY_DIR}/poolkit-prebuilt.pc"
          DESTINATION "${POOLKIT_INSTALL_PKGCONFIGDIR}")
endif()

# Consumers of the build tree (without installing) can point poolkit_DIR here.
export(EXPORT poolkitTargets NAMESPACE poolkit:: FILE "${PROJECT_BINARY_DIR}/poolkitTargets.cmake")
export(EXPORT poolkitEigenTargets NAMESPACE poolkit:: FILE "${PROJECT_BINARY_DIR}/poolkitEigenTargets.cmake")
