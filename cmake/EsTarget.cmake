# es_configure_target(<target>): the project's warning and sanitizer flags, set per target (never globally).
function(es_configure_target target)
  target_compile_features(${target} PUBLIC cxx_std_20)
  # Options structs are meant to be built with designated initializers; g++ 12 warns for every
  # member such an initializer leaves at its default (g++ 13 no longer does).
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wconversion -Wsign-conversion
                                           -Wno-missing-field-initializers)
  if(ES_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
  if(ES_SANITIZE)
    target_compile_options(${target} PRIVATE -fsanitize=${ES_SANITIZE} -fno-omit-frame-pointer
                                             -fno-sanitize-recover=all)
    target_link_options(${target} PRIVATE -fsanitize=${ES_SANITIZE})
  endif()
  # Coverage instrumentation for libFuzzer in every target, so that it steers into the library;
  # only the fuzz targets link the fuzzer runtime (fuzz/CMakeLists.txt).
  if(ES_BUILD_FUZZ)
    target_compile_options(${target} PRIVATE -fsanitize=fuzzer-no-link)
  endif()
endfunction()

# es_library(<name> SOURCES ... DEPS ...): a layer library es_<name> with the alias es::<name>.
function(es_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;PUBLIC_DEPS;PRIVATE_DEPS" ${ARGN})
  add_library(es_${name} ${ARG_SOURCES})
  add_library(es::${name} ALIAS es_${name})
  set_target_properties(es_${name} PROPERTIES EXPORT_NAME ${name} POSITION_INDEPENDENT_CODE ON)
  target_include_directories(es_${name} PUBLIC $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include>
                                                $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>
                                         PRIVATE ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(es_${name} PUBLIC ${ARG_PUBLIC_DEPS} PRIVATE ${ARG_PRIVATE_DEPS})
  es_configure_target(es_${name})
  set_property(GLOBAL APPEND PROPERTY ES_INSTALL_TARGETS es_${name})
endfunction()
