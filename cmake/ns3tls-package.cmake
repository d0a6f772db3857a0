# find_package(ns3tls) and pkg-config for programs outside this tree, from the build tree
# (build/ns3tlsConfig.cmake, build/pkgconfig/ns3tls.pc) and from an install
# (<prefix>/lib/cmake/ns3tls, <prefix>/lib/pkgconfig/ns3tls.pc).
set(NS3TLS_CMAKE_INSTALL_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/ns3tls)

# Programs keep every ns-3 library they link even if they reference none of its symbols
# (ns-3 registers TypeIds from static initialisers).
target_link_options(ns3tls INTERFACE "LINKER:--no-as-needed")
target_include_directories(ns3tls PUBLIC $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)

install(EXPORT ns3tlsTargets NAMESPACE ns3tls:: DESTINATION ${NS3TLS_CMAKE_INSTALL_DIR})
export(EXPORT ns3tlsTargets NAMESPACE ns3tls:: FILE ${CMAKE_BINARY_DIR}/ns3tlsTargets.cmake)
configure_file(${CMAKE_CURRENT_LIST_DIR}/ns3tlsConfig.cmake.in ${CMAKE_BINARY_DIR}/ns3tlsConfig.cmake
               @ONLY)
include(CMakePackageConfigHelpers)
write_basic_package_version_file(${CMAKE_BINARY_DIR}/ns3tlsConfigVersion.cmake
                                 VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_BINARY_DIR}/ns3tlsConfig.cmake ${CMAKE_BINARY_DIR}/ns3tlsConfigVersion.cmake
        DESTINATION ${NS3TLS_CMAKE_INSTALL_DIR})

# pkg-config: the ns-3 libraries by file (TARGET_LINKER_FILE), the module's definitions.
set(NS3TLS_PC_NS3_LIBS "")
foreach(lib ${NS3_LIBS})
  string(APPEND NS3TLS_PC_NS3_LIBS " $<TARGET_LINKER_FILE:${lib}>")
endforeach()
set(NS3TLS_PC_CFLAGS "")
if(NS3TLS_LOG)
  set(NS3TLS_PC_CFLAGS "-DNS3_LOG_ENABLE -DNS3_ASSERT_ENABLE")
endif()
foreach(kind build install)
  if(kind STREQUAL build)
    set(NS3TLS_PC_KIND "build tree")
    set(NS3TLS_PC_PREFIX ${CMAKE_BINARY_DIR})
    set(NS3TLS_PC_LIBDIR ${CMAKE_BINARY_DIR})
    set(NS3TLS_PC_INCLUDEDIR ${TLS_INCLUDE_DIR})
    set(pc ${CMAKE_BINARY_DIR}/pkgconfig/ns3tls.pc)
  else()
    set(NS3TLS_PC_KIND "installed")
    set(NS3TLS_PC_PREFIX "\${pcfiledir}/../..") # relocatable: wherever the .pc is installed
    set(NS3TLS_PC_LIBDIR "\${prefix}/${CMAKE_INSTALL_LIBDIR}")
    set(NS3TLS_PC_INCLUDEDIR "\${prefix}/${CMAKE_INSTALL_INCLUDEDIR}")
    set(pc ${CMAKE_BINARY_DIR}/pkgconfig-install/ns3tls.pc)
  endif()
  configure_file(${CMAKE_CURRENT_LIST_DIR}/ns3tls.pc.in ${pc}.in @ONLY)
  file(GENERATE OUTPUT ${pc} INPUT ${pc}.in)
endforeach()
install(FILES ${CMAKE_BINARY_DIR}/pkgconfig-install/ns3tls.pc
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
