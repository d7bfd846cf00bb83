# Writes the commit the host is built from, and whether the tree had
# uncommitted changes, into a header: at BUILD time (a target that always
# runs), so a new commit and a rebuild are never attributed to the old
# commit. The header is rewritten only when its content changes, so an
# unchanged tree recompiles nothing.
# usage: cmake -DSOURCE_DIR=dir -DOUT=header -P WriteBuildCommit.cmake
cmake_minimum_required(VERSION 3.25)
find_package(Git QUIET)
set(commit "")
set(dirty false)
if(GIT_FOUND)
  execute_process(COMMAND ${GIT_EXECUTABLE} rev-parse --short=12 HEAD
                  WORKING_DIRECTORY ${SOURCE_DIR} OUTPUT_VARIABLE commit
                  OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET RESULT_VARIABLE status)
  if(NOT status EQUAL 0)
    set(commit "")
  else()
    execute_process(COMMAND ${GIT_EXECUTABLE} status --porcelain --untracked-files=no
                    WORKING_DIRECTORY ${SOURCE_DIR} OUTPUT_VARIABLE changes ERROR_QUIET)
    if(NOT changes STREQUAL "")
      set(dirty true)
    endif()
  endif()
endif()
set(text "// Generated at build time by cmake/WriteBuildCommit.cmake.\n#pragma once\n\n")
string(APPEND text "namespace costops::host {\n\n")
string(APPEND text "// The commit of the sources this host was built from; \"\" outside git.\n")
string(APPEND text "inline constexpr const char* kHostGitCommit = \"${commit}\";\n")
string(APPEND text "// True when the tree had uncommitted changes to tracked files.\n")
string(APPEND text "inline constexpr bool kHostGitDirty = ${dirty};\n\n}  // namespace costops::host\n")
include(${CMAKE_CURRENT_LIST_DIR}/WriteIfChanged.cmake)
write_if_changed(${OUT} "${text}")
