# find_package(CostOpsPluginAPI CONFIG) for third-party plugin authors.
#
# Gives:
#   CostOps::plugin_api                      imported INTERFACE target (the headers)
#   costops_add_bench_plugin(NAME SOURCES...) builds one plugin correctly
#   CostOpsPluginAPI_PLUGIN_INSTALL_DIR      where the installed host looks for
#                                            plugins, relative to its prefix
# The package version is the ABI version (1.minor); SameMajorVersion.
include("${CMAKE_CURRENT_LIST_DIR}/CostOpsPluginAPITargets.cmake")
include("${CMAKE_CURRENT_LIST_DIR}/CostOpsBenchPlugin.cmake")
include("${CMAKE_CURRENT_LIST_DIR}/CostOpsPluginAPIInstallDirs.cmake")
