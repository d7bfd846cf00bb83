# Runs the two layout dumps (FROZEN: the 1.0 header, CURRENT: today's) and
# fails naming the first difference.
foreach(which FROZEN CURRENT)
  execute_process(COMMAND ${${which}} OUTPUT_VARIABLE ${which}_OUT RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${${which}} exited with ${rc}")
  endif()
endforeach()
if(NOT FROZEN_OUT STREQUAL CURRENT_OUT)
  message(FATAL_ERROR "an ABI 1.0 field moved or changed.\nABI 1.0:\n${FROZEN_OUT}\nnow:\n${CURRENT_OUT}")
endif()
message(STATUS "every ABI 1.0 field is where 1.0 put it")
