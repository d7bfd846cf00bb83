# Packaging: one package per install component, so packagers ship each
# benchmark target separately.
#
#   cpack -G "TGZ;DEB"      (run in the build directory)
#
# Components and what they hold:
#   host             bin/cost-ops and the JSON Schemas      deb: cost-ops
#   plugin-api       headers, CMake package, pkg-config     deb: cost-ops-plugin-api-dev
#   plugin-<target>  lib/cost-ops/plugins/<target>.so       deb: cost-ops-plugin-<target>
#
# A plugin needs a host speaking its ABI major and nothing else from this
# project (costops-core is linked into each plugin statically), so the host
# package provides the virtual package cost-ops-bench-abi-1 at the ABI
# version it speaks, "cost-ops-bench-abi-1 (= 1.4)", and every plugin package
# depends on "cost-ops-bench-abi-1 (>= 1.<minor it was built against>)" plus
# the system libraries dpkg-shlibdeps finds in it (libsqlite3 for storage,
# zlib for compression, ...). A third-party plugin package depends the same
# way, e.g. "cost-ops-bench-abi-1 (>= 1.1)" when it declares families.

set(COSTOPS_ABI_VIRTUAL_PACKAGE "cost-ops-bench-abi-${COSTOPS_PLUGIN_ABI_MAJOR}")

set(CPACK_PACKAGE_NAME cost-ops)
set(CPACK_PACKAGE_VENDOR "cost-ops bench maintainers")
set(CPACK_PACKAGE_CONTACT "cost-ops bench maintainers <maintainers@users.noreply.r-seed-bb1d30d7.example>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Plugin-based benchmark host for LLM cost-operations code")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_GENERATOR "TGZ;DEB")
set(CPACK_SOURCE_GENERATOR "")

# Archives: one per component, laid out like the install prefix (bin/, lib/,
# share/), so `tar -xf` into any prefix gives a working installation.
set(CPACK_ARCHIVE_COMPONENT_INSTALL ON)
set(CPACK_INCLUDE_TOPLEVEL_DIRECTORY OFF)
set(CPACK_COMPONENT_INCLUDE_TOPLEVEL_DIRECTORY OFF)

# Debian packages: one per component, under /usr.
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_ENABLE_COMPONENT_DEPENDS OFF)

set(CPACK_COMPONENTS_ALL host plugin-api)
set(CPACK_DEBIAN_HOST_PACKAGE_NAME cost-ops)
set(CPACK_DEBIAN_HOST_PACKAGE_PROVIDES
    "${COSTOPS_ABI_VIRTUAL_PACKAGE} (= ${COSTOPS_PLUGIN_ABI_VERSION})")
set(CPACK_COMPONENT_HOST_DESCRIPTION
    "cost-ops host: discovers benchmark target plugins, runs them in isolated processes and writes results")
set(CPACK_DEBIAN_PLUGIN-API_PACKAGE_NAME cost-ops-plugin-api-dev)
set(CPACK_DEBIAN_PLUGIN-API_PACKAGE_ARCHITECTURE all)
set(CPACK_DEBIAN_PLUGIN-API_PACKAGE_SHLIBDEPS OFF)
set(CPACK_COMPONENT_PLUGIN-API_DESCRIPTION
    "bench_target_v1 C ABI for writing cost-ops target plugins: header, CMake package, pkg-config")

foreach(plugin IN LISTS COSTOPS_FIRST_PARTY_PLUGINS)
  string(TOUPPER "plugin-${plugin}" component)
  string(REPLACE "_" "-" debian_name "cost-ops-plugin-${plugin}")  # no _ in Debian names
  list(APPEND CPACK_COMPONENTS_ALL plugin-${plugin})
  set(CPACK_DEBIAN_${component}_PACKAGE_NAME ${debian_name})
  set(CPACK_DEBIAN_${component}_PACKAGE_DEPENDS
      "${COSTOPS_ABI_VIRTUAL_PACKAGE} (>= ${COSTOPS_PLUGIN_ABI_VERSION})")
  set(CPACK_COMPONENT_${component}_DESCRIPTION "cost-ops benchmark target plugin: ${plugin}")
endforeach()

include(CPack)
