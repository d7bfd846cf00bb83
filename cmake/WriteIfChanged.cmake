# write_if_changed(FILE TEXT): writes TEXT to FILE only when it differs, so
# the generated file keeps its time stamp and what includes it is not
# rebuilt on every build. Shared by the build-time generator scripts.
function(write_if_changed file text)
  set(previous "")
  if(EXISTS ${file})
    file(READ ${file} previous)
  endif()
  if(NOT "${previous}" STREQUAL "${text}")
    file(WRITE ${file} "${text}")
  endif()
endfunction()
