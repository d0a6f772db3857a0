# Which OpenSSL the module links (included by CMakeLists.txt).
#
# The system's libssl.so.3 is the SONAME of OpenSSL 3.0 and of 3.5 alike, so a second OpenSSL in a
# process (Python's ssl module loads the system one) must not share symbol names with it. A
# bundled OpenSSL >= 3.5 is therefore linked statically into libns3tls and exported under a
# private symbol version (NS3TLS_OPENSSL_3): references that ask for OPENSSL_3.0.0 (the system
# library's users) never bind to it, and the module's programs that call OpenSSL themselves
# (tests, bench, calibrate) bind to the copy inside libns3tls rather than to a second one.
#
# Sets NS3TLS_OPENSSL_VERSION and NS3TLS_OPENSSL_BUNDLED; defines ns3tls_link_openssl(target).

# tools/openssl35.sh writes "config <CONFIG_REV>" as the first line of PREFIX/.ns3tls-built; a
# build with another value was made with older Configure options (./ns3tls rebuilds it).
file(STRINGS "${CMAKE_CURRENT_LIST_DIR}/../tools/openssl35.sh" _ns3tls_config_rev
     REGEX "^CONFIG_REV=")
string(REPLACE "CONFIG_REV=" "" _ns3tls_config_rev "${_ns3tls_config_rev}")
function(_ns3tls_stamp_current root out)
  set(_first "")
  if(EXISTS "${root}/.ns3tls-built")
    file(STRINGS "${root}/.ns3tls-built" _first LIMIT_COUNT 1)
  endif()
  if(_first STREQUAL "config ${_ns3tls_config_rev}")
    set(${out} ON PARENT_SCOPE)
  else()
    set(${out} OFF PARENT_SCOPE)
  endif()
endfunction()

find_package(OpenSSL 3.0 REQUIRED)
if(COMMAND build_lib) # in an ns-3 tree: the system's OpenSSL
  set(NS3TLS_OPENSSL system)
endif()
set(NS3TLS_OPENSSL_BUNDLED OFF)
set(NS3TLS_OPENSSL_VERSION ${OPENSSL_VERSION})

if(NS3TLS_OPENSSL STREQUAL "auto" AND NOT NS3TLS_OPENSSL_ROOT AND OPENSSL_VERSION VERSION_LESS 3.5)
  # A build made by tools/openssl35.sh (same cache rules as the script).
  if(DEFINED ENV{NS3TLS_CACHE})
    set(_cache "$ENV{NS3TLS_CACHE}")
  elseif(DEFINED ENV{XDG_CACHE_HOME})
    set(_cache "$ENV{XDG_CACHE_HOME}/ns3tls")
  else()
    set(_cache "$ENV{HOME}/.cache/ns3tls")
  endif()
  file(GLOB _stamps "${_cache}/openssl-3.*/.ns3tls-built")
  # Prefer a build made with the script's current Configure options (see _ns3tls_stamp_current).
  set(_current "")
  foreach(_s IN LISTS _stamps)
    get_filename_component(_d "${_s}" DIRECTORY)
    _ns3tls_stamp_current("${_d}" _ok)
    if(_ok)
      list(APPEND _current "${_s}")
    endif()
  endforeach()
  if(_current)
    set(_stamps ${_current})
  endif()
  if(_stamps)
    list(SORT _stamps COMPARE NATURAL ORDER DESCENDING)
    list(GET _stamps 0 _stamp)
    get_filename_component(_root "${_stamp}" DIRECTORY)
    set(NS3TLS_OPENSSL_ROOT "${_root}" CACHE PATH "" FORCE)
  endif()
endif()

if(NS3TLS_OPENSSL STREQUAL "auto" AND NS3TLS_OPENSSL_ROOT)
  set(_inc "${NS3TLS_OPENSSL_ROOT}/include")
  set(_ssl "${NS3TLS_OPENSSL_ROOT}/lib/libssl.a")
  set(_crypto "${NS3TLS_OPENSSL_ROOT}/lib/libcrypto.a")
  if(NOT EXISTS "${_inc}/openssl/opensslv.h" OR NOT EXISTS "${_ssl}" OR NOT EXISTS "${_crypto}")
    message(FATAL_ERROR "NS3TLS_OPENSSL_ROOT=${NS3TLS_OPENSSL_ROOT} has no include/openssl/opensslv.h, "
                        "lib/libssl.a and lib/libcrypto.a (build one with tools/openssl35.sh)")
  endif()
  file(STRINGS "${_inc}/openssl/opensslv.h" _lines REGEX "^# *define OPENSSL_VERSION_(MAJOR|MINOR|PATCH) ")
  string(REGEX REPLACE ".*MAJOR +([0-9]+).*MINOR +([0-9]+).*PATCH +([0-9]+).*" "\\1.\\2.\\3"
                       NS3TLS_OPENSSL_VERSION "${_lines}")
  if(NS3TLS_OPENSSL_VERSION VERSION_LESS 3.5)
    message(FATAL_ERROR "NS3TLS_OPENSSL_ROOT=${NS3TLS_OPENSSL_ROOT} is OpenSSL ${NS3TLS_OPENSSL_VERSION}; "
                        "post-quantum algorithms need >= 3.5")
  endif()
  _ns3tls_stamp_current("${NS3TLS_OPENSSL_ROOT}" _ok)
  if(EXISTS "${NS3TLS_OPENSSL_ROOT}/.ns3tls-built" AND NOT _ok)
    message(WARNING "${NS3TLS_OPENSSL_ROOT} was built by an older tools/openssl35.sh (other "
                    "Configure options, e.g. no enable-ec_nistp_64_gcc_128): run the script or "
                    "./ns3tls build to rebuild it")
  endif()
  set(NS3TLS_OPENSSL_BUNDLED ON)
  set(NS3TLS_OPENSSL_VERSION_SCRIPT "${CMAKE_BINARY_DIR}/ns3tls-openssl.map")
  file(WRITE "${NS3TLS_OPENSSL_VERSION_SCRIPT}" "NS3TLS_OPENSSL_3 { global: *; };\n")
  message(STATUS "ns3tls: OpenSSL ${NS3TLS_OPENSSL_VERSION} from ${NS3TLS_OPENSSL_ROOT} (static, "
                 "private symbol version; system OpenSSL ${OPENSSL_VERSION} left alone)")
else()
  if(OPENSSL_VERSION VERSION_LESS 3.5)
    message(STATUS "ns3tls: system OpenSSL ${OPENSSL_VERSION}: no ML-KEM/ML-DSA/SLH-DSA (needs >= 3.5; "
                   "tools/openssl35.sh builds one, or pass -DNS3TLS_OPENSSL_ROOT=PREFIX)")
  else()
    message(STATUS "ns3tls: system OpenSSL ${OPENSSL_VERSION}")
  endif()
endif()

# Links the chosen OpenSSL into the module library: programs get OpenSSL's headers through it
# and, for a bundled OpenSSL, its symbols too (they must not link a second copy).
function(ns3tls_link_openssl target)
  if(NS3TLS_OPENSSL_BUNDLED)
    target_include_directories(${target} BEFORE PUBLIC "${NS3TLS_OPENSSL_ROOT}/include")
    target_link_libraries(${target} PRIVATE "${NS3TLS_OPENSSL_ROOT}/lib/libssl.a"
                                            "${NS3TLS_OPENSSL_ROOT}/lib/libcrypto.a" ${CMAKE_DL_LIBS})
    target_link_options(${target} PRIVATE "-Wl,--version-script=${NS3TLS_OPENSSL_VERSION_SCRIPT}")
    target_compile_definitions(${target} PRIVATE NS3TLS_OPENSSL_BUNDLED)
    set_property(TARGET ${target} APPEND PROPERTY LINK_DEPENDS "${NS3TLS_OPENSSL_VERSION_SCRIPT}")
  else()
    target_link_libraries(${target} PUBLIC OpenSSL::SSL OpenSSL::Crypto)
  endif()
endfunction()
