include(CMakePackageConfigHelpers)

get_property(es_install_targets GLOBAL PROPERTY ES_INSTALL_TARGETS)
install(TARGETS ${es_install_targets} EXPORT esTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/es DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT esTargets NAMESPACE es:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/es)

configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/esConfig.cmake.in ${PROJECT_BINARY_DIR}/esConfig.cmake
                              INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/es)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/esConfigVersion.cmake
                                 COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/esConfig.cmake ${PROJECT_BINARY_DIR}/esConfigVersion.cmake
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/es)
