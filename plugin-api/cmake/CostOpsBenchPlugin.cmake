# costops_add_bench_plugin(NAME [OUTPUT_DIRECTORY DIR] [SOURCES] source...)
#
# Builds one cost-ops target plugin: a MODULE library named NAME.so (no "lib"
# prefix) that exports only bench_target_v1_entry, hides every other symbol
# (whatever static libraries it links), and refuses undefined symbols at link
# time (-z defs), so a missing dependency fails the build instead of the
# host's dlopen. The library lands in OUTPUT_DIRECTORY, else in
# ${COSTOPS_PLUGIN_OUTPUT_DIR} if the caller set it, else in
# ${CMAKE_BINARY_DIR}/plugins: point `cost-ops run --plugin-dir` there.
#
# Optimised by default: with no build type (a single-config generator and no
# -DCMAKE_BUILD_TYPE), the plugin is still compiled with -O2 (/O2 for MSVC),
# since a benchmark of unoptimised code measures the compiler's debug output.
# A build type you set is used as given. build_info (C++ helper,
# BENCH_TARGET_V1_BUILD_INFO in C) says "optimized" or "unoptimized (-O0)".
#
# Set COSTOPS_BENCH_PLUGIN_ALLOW_UNDEFINED to ON before the call to skip
# -z defs (sanitizer builds resolve their runtime from the host executable).
#
# Used both inside the cost-ops tree and from the installed CMake package
# (find_package(CostOpsPluginAPI CONFIG)); it needs the CostOps::plugin_api
# target, which both define.
include_guard(GLOBAL)

set(_COSTOPS_BENCH_PLUGIN_VERSION_SCRIPT "${CMAKE_CURRENT_LIST_DIR}/bench_plugin.version"
    CACHE INTERNAL "Linker version script exporting only bench_target_v1_entry")

function(costops_add_bench_plugin name)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "OUTPUT_DIRECTORY" "SOURCES")
  set(sources ${arg_SOURCES} ${arg_UNPARSED_ARGUMENTS})
  if(NOT sources)
    message(FATAL_ERROR "costops_add_bench_plugin(${name}): no source files given")
  endif()
  if(arg_OUTPUT_DIRECTORY)
    set(output_dir "${arg_OUTPUT_DIRECTORY}")
  elseif(COSTOPS_PLUGIN_OUTPUT_DIR)
    set(output_dir "${COSTOPS_PLUGIN_OUTPUT_DIR}")
  else()
    set(output_dir "${CMAKE_BINARY_DIR}/plugins")
  endif()

  add_library(${name} MODULE ${sources})
  set_target_properties(${name} PROPERTIES
    PREFIX ""
    POSITION_INDEPENDENT_CODE ON
    C_VISIBILITY_PRESET hidden
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON
    LIBRARY_OUTPUT_DIRECTORY "${output_dir}")
  target_link_libraries(${name} PRIVATE CostOps::plugin_api)
  set(no_build_type "$<STREQUAL:$<CONFIG>,>")
  target_compile_options(${name} PRIVATE
    "$<$<AND:${no_build_type},$<COMPILE_LANG_AND_ID:C,GNU,Clang,AppleClang>>:-O2>"
    "$<$<AND:${no_build_type},$<COMPILE_LANG_AND_ID:CXX,GNU,Clang,AppleClang>>:-O2>"
    "$<$<AND:${no_build_type},$<COMPILE_LANG_AND_ID:C,MSVC>>:/O2>"
    "$<$<AND:${no_build_type},$<COMPILE_LANG_AND_ID:CXX,MSVC>>:/O2>")
  # Read by bench_target_v1.hpp's COSTOPS_BENCH_PLUGIN for build_info.
  target_compile_definitions(${name} PRIVATE
    "COSTOPS_BENCH_BUILD_TYPE=\"$<IF:${no_build_type},no build type (-O2 by default),$<CONFIG>>\"")
  if(CMAKE_SYSTEM_NAME MATCHES "Linux|BSD")
    # GNU ld and lld: only the entry symbol is exported.
    target_link_options(${name} PRIVATE
      "LINKER:--version-script=${_COSTOPS_BENCH_PLUGIN_VERSION_SCRIPT}")
    if(NOT COSTOPS_BENCH_PLUGIN_ALLOW_UNDEFINED)
      target_link_options(${name} PRIVATE LINKER:-z,defs)
    endif()
  endif()
endfunction()
